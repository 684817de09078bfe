/* gethostbyaddr.c -- the host at an IPv4 address (textbook ch. 8)
 * usage: ./gethostbyaddr <IP> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in addr;

	if(argc!=2) {
		printf("Usage : %s <IP>\n", argv[0]);
		exit(1);
	}

	memset(&addr, 0, sizeof(addr));
	addr.sin_addr.s_addr=inet_addr(argv[1]);

	/* TODO: host=gethostbyaddr((char*)&addr.sin_addr, 4, AF_INET); if it is NULL print an
	 *   error and exit(1); otherwise print the official name (h_name), every alias
	 *   (h_aliases), the address type (h_addrtype) and every address (h_addr_list).
	 * TODO: gethostbyaddr()로 찾고, NULL이면 오류를 출력하고 exit(1)하세요. 아니면 공식
	 *   이름, 별칭 전부, 주소 체계, 주소 전부를 출력하세요. */

	return 0;
}
