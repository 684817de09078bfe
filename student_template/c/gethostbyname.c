/* gethostbyname.c -- a host's official name, aliases, address type and addresses
 * (textbook ch. 8)
 * usage: ./gethostbyname <name> */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>
void error_handling(char *message);

int main(int argc, char *argv[])
{
	struct hostent *host;

	if(argc!=2) {
		printf("Usage : %s <addr>\n", argv[0]);
		exit(1);
	}

	host=gethostbyname(argv[1]);
	if(!host)
		error_handling("gethost... error");

	printf("Official name: %s \n", host->h_name);

	/* TODO: print every alias (host->h_aliases, NULL-terminated), the address type
	 *   (host->h_addrtype: AF_INET or AF_INET6) and every address (host->h_addr_list,
	 *   NULL-terminated; inet_ntoa(*(struct in_addr*)host->h_addr_list[i])).
	 * TODO: 별칭(host->h_aliases, NULL로 끝남)을 모두, 주소 체계(host->h_addrtype)와
	 *   주소(host->h_addr_list, NULL로 끝남)를 모두 출력하세요. */

	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
