/* tcp_nodelay.c -- Nagle's algorithm off, then ten one-byte writes (textbook ch. 9)
 * usage: ./tcp_nodelay <port> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
void error_handling(char *message);

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock, i;
	struct sockaddr_in serv_adr, clnt_adr;
	socklen_t clnt_adr_sz;
	char msg[]="0123456789";

	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	serv_sock=socket(PF_INET, SOCK_STREAM, 0);
	if(serv_sock==-1)
		error_handling("socket() error");

	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	serv_adr.sin_port=htons(atoi(argv[1]));

	if(bind(serv_sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("bind() error");
	if(listen(serv_sock, 5)==-1)
		error_handling("listen() error");

	while(1)
	{
		clnt_adr_sz=sizeof(clnt_adr);
		clnt_sock=accept(serv_sock, (struct sockaddr*)&clnt_adr, &clnt_adr_sz);
		if(clnt_sock==-1)
			continue;

		/* TODO: turn Nagle off on clnt_sock: int opt_val=1; setsockopt(clnt_sock,
		 *   IPPROTO_TCP, TCP_NODELAY, (void*)&opt_val, sizeof(opt_val));
		 * TODO: clnt_sock에서 네이글 알고리즘을 끄세요 (setsockopt, IPPROTO_TCP, TCP_NODELAY). */

		for(i=0; i<10; i++)
			write(clnt_sock, &msg[i], 1);
		close(clnt_sock);
	}
	close(serv_sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
