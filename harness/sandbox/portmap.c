/* portmap.so: make the host's loopback look private to one behaviour's programs.
 *
 * Loaded with LD_PRELOAD by sockgrade where no network namespace can be made (Docker).
 * SOCKGRADE_PORTMAP="9190:41234,..." maps a port the program expects (the spec's) to
 * the behaviour's own, in both directions: bind/connect/sendto/sendmsg/sendmmsg use the
 * behaviour's port; getsockname/getpeername/accept/recvfrom/recvmsg report the spec's.
 * So a program that hard-codes 9190 never meets another behaviour's, and sees 9190.
 * SOCKGRADE_HOSTS="<an /etc/hosts table>" answers gethostbyname(_r), gethostbyname2(_r),
 * gethostbyaddr(_r) and getaddrinfo from that table, as a private /etc/hosts would (a
 * name not in it is not found: a private namespace has no DNS either).
 * A UDP socket it binds receives only the multicast groups it joined itself (another
 * run's membership on the shared interface is not its own).
 * Nothing else changes: every other call goes to libc as it is.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define MAXMAP 16
#define MAXLINES 64
#define MAXNAMES 16

static uint16_t from_port[MAXMAP], to_port[MAXMAP];
static int nmap;

struct line { struct in_addr addr; int nnames; char *names[MAXNAMES]; };
static struct line lines[MAXLINES];
static int nlines;
static int have_hosts;

static void parse_map(const char *s)
{
	while (s && *s && nmap < MAXMAP) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b;
		if (*end != ':') return;
		b = strtoul(end + 1, &end, 10);
		if (a && b && a < 65536 && b < 65536) {
			from_port[nmap] = (uint16_t)a;
			to_port[nmap++] = (uint16_t)b;
		}
		s = *end == ',' ? end + 1 : NULL;
	}
}

static void parse_hosts(const char *s)
{
	char *copy = strdup(s), *save = NULL, *row;
	if (!copy) return;
	have_hosts = 1;
	for (row = strtok_r(copy, "\n", &save); row && nlines < MAXLINES;
	     row = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(row, '#'), *save2 = NULL, *word;
		struct line *ln = &lines[nlines];
		if (hash) *hash = 0;
		word = strtok_r(row, " \t\r", &save2);
		if (!word || inet_pton(AF_INET, word, &ln->addr) != 1) continue;
		ln->nnames = 0;
		while ((word = strtok_r(NULL, " \t\r", &save2)) && ln->nnames < MAXNAMES)
			ln->names[ln->nnames++] = word;
		if (ln->nnames) nlines++;
	}
}

__attribute__((constructor)) static void init(void)
{
	parse_map(getenv("SOCKGRADE_PORTMAP"));
	const char *h = getenv("SOCKGRADE_HOSTS");
	if (h) parse_hosts(h);
}

static void *real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* ---- ports ------------------------------------------------------------------- */

static uint16_t *port_of(struct sockaddr *sa, socklen_t len)
{
	if (!sa) return NULL;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
		return &((struct sockaddr_in *)sa)->sin_port;
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
		return &((struct sockaddr_in6 *)sa)->sin6_port;
	return NULL;
}

/* a copy of `sa` with the spec's port replaced by the behaviour's; `sa` itself when
 * nothing is to change */
static const struct sockaddr *outward(const struct sockaddr *sa, socklen_t len,
				      struct sockaddr_storage *buf)
{
	if (!sa || len > (socklen_t)sizeof *buf) return sa;
	memcpy(buf, sa, len);
	uint16_t *p = port_of((struct sockaddr *)buf, len);
	if (!p) return sa;
	for (int i = 0; i < nmap; i++)
		if (ntohs(*p) == from_port[i]) {
			*p = htons(to_port[i]);
			return (struct sockaddr *)buf;
		}
	return sa;
}

/* in place: the behaviour's port told back as the spec's */
static void inward(struct sockaddr *sa, socklen_t len)
{
	uint16_t *p = port_of(sa, len);
	if (!p) return;
	for (int i = 0; i < nmap; i++)
		if (ntohs(*p) == to_port[i]) {
			*p = htons(from_port[i]);
			return;
		}
}

/* a datagram socket receives only the groups it joined itself, as in a namespace of its
 * own: on the shared loopback IP_MULTICAST_ALL (on by default) hands a socket bound to
 * the wildcard every group any other program joined on the interface, so a receiver
 * that never joined would get another run's news */
static void own_groups_only(int fd, const struct sockaddr *sa)
{
	int type, off = 0, saved = errno;
	socklen_t n = sizeof type;
	if (sa && sa->sa_family == AF_INET
	    && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &n) == 0 && type == SOCK_DGRAM)
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off);
	errno = saved;
}

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int (*f)(int, const struct sockaddr *, socklen_t);
	struct sockaddr_storage buf;
	if (!f) f = real("bind");
	own_groups_only(fd, sa);
	return f(fd, outward(sa, len, &buf), len);
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int (*f)(int, const struct sockaddr *, socklen_t);
	struct sockaddr_storage buf;
	if (!f) f = real("connect");
	return f(fd, outward(sa, len, &buf), len);
}

ssize_t sendto(int fd, const void *data, size_t n, int flags, const struct sockaddr *sa,
	       socklen_t len)
{
	static ssize_t (*f)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	struct sockaddr_storage buf;
	if (!f) f = real("sendto");
	return f(fd, data, n, flags, outward(sa, len, &buf), len);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*f)(int, const struct msghdr *, int);
	struct sockaddr_storage buf;
	struct msghdr copy;
	if (!f) f = real("sendmsg");
	if (!msg || !msg->msg_name) return f(fd, msg, flags);
	copy = *msg;
	copy.msg_name = (void *)outward(msg->msg_name, msg->msg_namelen, &buf);
	return f(fd, &copy, flags);
}

int sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
	static int (*f)(int, struct mmsghdr *, unsigned int, int);
	if (!f) f = real("sendmmsg");
	/* mapped in place and back: the caller's array is its own to change meanwhile */
	for (unsigned int i = 0; i < n; i++) {
		struct sockaddr *sa = vec[i].msg_hdr.msg_name;
		uint16_t *p = port_of(sa, vec[i].msg_hdr.msg_namelen);
		for (int j = 0; p && j < nmap; j++)
			if (ntohs(*p) == from_port[j]) { *p = htons(to_port[j]); break; }
	}
	int r = f(fd, vec, n, flags);
	int e = errno;
	for (unsigned int i = 0; i < n; i++)
		inward(vec[i].msg_hdr.msg_name, vec[i].msg_hdr.msg_namelen);
	errno = e;
	return r;
}

#define TELL_BACK(call, sa, lenp)                                              \
	do {                                                                   \
		int e_ = errno;                                                \
		if ((call) >= 0 && (sa) && (lenp)) inward((sa), *(lenp));      \
		errno = e_;                                                    \
	} while (0)

int getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	static int (*f)(int, struct sockaddr *, socklen_t *);
	if (!f) f = real("getsockname");
	int r = f(fd, sa, len);
	TELL_BACK(r, sa, len);
	return r;
}

int getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	static int (*f)(int, struct sockaddr *, socklen_t *);
	if (!f) f = real("getpeername");
	int r = f(fd, sa, len);
	TELL_BACK(r, sa, len);
	return r;
}

int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	static int (*f)(int, struct sockaddr *, socklen_t *);
	if (!f) f = real("accept");
	int r = f(fd, sa, len);
	TELL_BACK(r, sa, len);
	return r;
}

int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	static int (*f)(int, struct sockaddr *, socklen_t *, int);
	if (!f) f = real("accept4");
	int r = f(fd, sa, len, flags);
	TELL_BACK(r, sa, len);
	return r;
}

ssize_t recvfrom(int fd, void *data, size_t n, int flags, struct sockaddr *sa,
		 socklen_t *len)
{
	static ssize_t (*f)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	if (!f) f = real("recvfrom");
	ssize_t r = f(fd, data, n, flags, sa, len);
	TELL_BACK(r, sa, len);
	return r;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*f)(int, struct msghdr *, int);
	if (!f) f = real("recvmsg");
	ssize_t r = f(fd, msg, flags);
	if (msg) TELL_BACK(r, (struct sockaddr *)msg->msg_name, &msg->msg_namelen);
	return r;
}

/* ---- the hosts table ----------------------------------------------------------- */

static int name_is(const struct line *ln, const char *name)
{
	for (int i = 0; i < ln->nnames; i++)
		if (strcasecmp(ln->names[i], name) == 0) return 1;
	return 0;
}

/* a hostent in `buf`: the official name, aliases and addresses given; 0 or ERANGE */
static int fill(struct hostent *he, char *buf, size_t size, const char *official,
		const char **aliases, int naliases, const struct in_addr *addrs, int naddrs)
{
	uintptr_t at = ((uintptr_t)buf + 7) & ~(uintptr_t)7;
	char *end = buf + size, *p = (char *)at;
	char **alias_list = (char **)p, **addr_list;
	p += (naliases + 1) * sizeof(char *);
	addr_list = (char **)p;
	p += (naddrs + 1) * sizeof(char *);
	if (p + naddrs * sizeof(struct in_addr) > end) return ERANGE;
	for (int i = 0; i < naddrs; i++) {
		memcpy(p, &addrs[i], sizeof addrs[i]);
		addr_list[i] = p;
		p += sizeof addrs[i];
	}
	addr_list[naddrs] = NULL;
	size_t need = strlen(official) + 1;
	if (p + need > end) return ERANGE;
	he->h_name = memcpy(p, official, need);
	p += need;
	for (int i = 0; i < naliases; i++) {
		need = strlen(aliases[i]) + 1;
		if (p + need > end) return ERANGE;
		alias_list[i] = memcpy(p, aliases[i], need);
		p += need;
	}
	alias_list[naliases] = NULL;
	he->h_aliases = alias_list;
	he->h_addr_list = addr_list;
	he->h_addrtype = AF_INET;
	he->h_length = sizeof(struct in_addr);
	return 0;
}

/* every line naming `name` (glibc merges them): official name of the first, every
 * other name as an alias, every address. 0, ERANGE, or -1 (not found) */
static int by_name(const char *name, struct hostent *he, char *buf, size_t size)
{
	const char *official = NULL, *aliases[MAXLINES * MAXNAMES];
	struct in_addr addrs[MAXLINES];
	int na = 0, nd = 0;
	if (inet_pton(AF_INET, name, &addrs[0]) == 1)
		return fill(he, buf, size, name, aliases, 0, addrs, 1);
	for (int i = 0; i < nlines; i++) {
		if (!name_is(&lines[i], name)) continue;
		if (!official) official = lines[i].names[0];
		addrs[nd++] = lines[i].addr;
		for (int j = 0; j < lines[i].nnames; j++) {
			int seen = strcasecmp(lines[i].names[j], official) == 0;
			for (int k = 0; k < na && !seen; k++)
				seen = strcasecmp(aliases[k], lines[i].names[j]) == 0;
			if (!seen) aliases[na++] = lines[i].names[j];
		}
	}
	if (!official) return -1;
	return fill(he, buf, size, official, aliases, na, addrs, nd);
}

static int by_addr(const void *addr, struct hostent *he, char *buf, size_t size)
{
	for (int i = 0; i < nlines; i++)
		if (memcmp(&lines[i].addr, addr, sizeof(struct in_addr)) == 0)
			return fill(he, buf, size, lines[i].names[0],
				    (const char **)lines[i].names + 1, lines[i].nnames - 1,
				    &lines[i].addr, 1);
	return -1;
}

static int answer_r(int r, struct hostent *ret, struct hostent **result, int *herr)
{
	int e = r == 0 ? 0 : r == ERANGE ? NETDB_INTERNAL : HOST_NOT_FOUND;
	*result = r == 0 ? ret : NULL;
	if (herr) *herr = e;
	h_errno = e; /* CPython reads the global one */
	return r == ERANGE ? ERANGE : 0;
}

static struct hostent static_he;
static char static_buf[8192];

struct hostent *gethostbyname2(const char *name, int af);

struct hostent *gethostbyname(const char *name)
{
	return gethostbyname2(name, AF_INET);
}

struct hostent *gethostbyname2(const char *name, int af)
{
	static struct hostent *(*f)(const char *, int);
	if (!f) f = real("gethostbyname2");
	if (!have_hosts || af != AF_INET || !name) return f(name, af);
	int r = by_name(name, &static_he, static_buf, sizeof static_buf);
	h_errno = r == 0 ? 0 : HOST_NOT_FOUND;
	return r == 0 ? &static_he : NULL;
}

int gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf, size_t size,
		     struct hostent **result, int *herr)
{
	static int (*f)(const char *, int, struct hostent *, char *, size_t, struct hostent **,
			int *);
	if (!f) f = real("gethostbyname2_r");
	if (!have_hosts || af != AF_INET || !name)
		return f(name, af, ret, buf, size, result, herr);
	return answer_r(by_name(name, ret, buf, size), ret, result, herr);
}

int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t size,
		    struct hostent **result, int *herr)
{
	return gethostbyname2_r(name, AF_INET, ret, buf, size, result, herr);
}

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type)
{
	static struct hostent *(*f)(const void *, socklen_t, int);
	if (!f) f = real("gethostbyaddr");
	if (!have_hosts || type != AF_INET || len != sizeof(struct in_addr) || !addr)
		return f(addr, len, type);
	int r = by_addr(addr, &static_he, static_buf, sizeof static_buf);
	h_errno = r == 0 ? 0 : HOST_NOT_FOUND;
	return r == 0 ? &static_he : NULL;
}

int gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret,
		    char *buf, size_t size, struct hostent **result, int *herr)
{
	static int (*f)(const void *, socklen_t, int, struct hostent *, char *, size_t,
			struct hostent **, int *);
	if (!f) f = real("gethostbyaddr_r");
	if (!have_hosts || type != AF_INET || len != sizeof(struct in_addr) || !addr)
		return f(addr, len, type, ret, buf, size, result, herr);
	return answer_r(by_addr(addr, ret, buf, size), ret, result, herr);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	static int (*f)(const char *, const char *, const struct addrinfo *,
			struct addrinfo **);
	struct in_addr probe;
	if (!f) f = real("getaddrinfo");
	if (!have_hosts || !node || inet_pton(AF_INET, node, &probe) == 1
	    || strchr(node, ':') || (hints && (hints->ai_flags & AI_NUMERICHOST)))
		return f(node, service, hints, res);
	if (hints && hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET)
		return EAI_NONAME;
	struct hostent he;
	static char buf[8192];
	if (by_name(node, &he, buf, sizeof buf) != 0) return EAI_NONAME;
	/* each address resolved as a number by libc itself, so the list is libc's own to
	 * free with freeaddrinfo */
	struct addrinfo numeric = {0}, *head = NULL, **tail = &head;
	if (hints) numeric = *hints;
	numeric.ai_family = AF_INET;
	numeric.ai_flags = (numeric.ai_flags | AI_NUMERICHOST) & ~AI_CANONNAME;
	for (char **a = he.h_addr_list; *a; a++) {
		char text[INET_ADDRSTRLEN];
		struct addrinfo *part = NULL;
		inet_ntop(AF_INET, *a, text, sizeof text);
		int r = f(text, service, &numeric, &part);
		if (r != 0) {
			if (head) freeaddrinfo(head);
			return r;
		}
		*tail = part;
		while (*tail) tail = &(*tail)->ai_next;
	}
	if (head && hints && (hints->ai_flags & AI_CANONNAME))
		head->ai_canonname = strdup(he.h_name);
	*res = head;
	return head ? 0 : EAI_NONAME;
}
