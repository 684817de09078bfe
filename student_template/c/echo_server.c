/* echo_server.c -- iterative TCP echo server (textbook ch. 4)
 * usage: ./echo_server <port> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 1024
void error_handling(char *message);

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
	struct sockaddr_in serv_adr, clnt_adr;
	socklen_t clnt_adr_sz;
	int cnt=0;

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
		printf("Connected client %d \n", ++cnt);

		/* TODO: echo every byte back until the client's EOF (read() returns 0):
		 *   loop read(clnt_sock, message, BUF_SIZE) and write() back exactly the bytes
		 *   read. On -1 (e.g. ECONNRESET) stop serving this client; also ignore SIGPIPE
		 *   (signal(SIGPIPE, SIG_IGN)) at start-up so a reset client cannot kill you.
		 * TODO: read()가 0(클라이언트의 EOF)을 반환할 때까지 반복해서 읽고, 읽은 바이트 수만큼
		 *   그대로 write()로 돌려보내세요. -1이면 이 클라이언트를 끝내고, SIGPIPE는 무시하세요. */

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
