/* Adversarial: blinds the packet capture before resetting the connection.
 * It accepts one client and reads its line, then floods the loopback with large UDP
 * datagrams to a socket of its own that never reads them, so the capture's queue
 * overflows, and right after resets the client's connection (SO_LINGER 0: an RST) and
 * exits. Against `none: {flags: R}` it must never pass: the RST is either captured (the
 * student's failure) or lost among the flood (could not judge: run again, then error). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATAGRAMS 4000
#define SIZE 60000

static char big[SIZE];

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int srv = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    if (bind(srv, (struct sockaddr *)&a, sizeof a) || listen(srv, 1)) return 1;
    int c = accept(srv, NULL, NULL);
    char line[256];
    if (c < 0 || read(c, line, sizeof line) <= 0) return 1;

    int sink = socket(AF_INET, SOCK_DGRAM, 0), src = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in s = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof s;
    if (bind(sink, (struct sockaddr *)&s, sizeof s) || getsockname(sink, (struct sockaddr *)&s, &len))
        return 1;
    memset(big, 'x', sizeof big);
    int sent = 0;
    for (int i = 0; i < DATAGRAMS; i++)
        sent += sendto(src, big, sizeof big, 0, (struct sockaddr *)&s, sizeof s) > 0;

    struct linger hard = {.l_onoff = 1, .l_linger = 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(c); /* an RST, not a FIN */
    printf("reset after %d datagrams\n", sent);
    return 0;
}
