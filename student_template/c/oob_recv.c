/* oob_recv.c -- receiving urgent data with SIGURG (textbook ch. 13). usage: ./oob_recv <port> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 30
void error_handling(char *message);
void urg_handler(int signo);
int acpt_sock, recv_sock;	/* global: the handler needs recv_sock */

int main(int argc, char *argv[])
{
	struct sockaddr_in recv_adr, serv_adr;
	socklen_t serv_adr_sz;
	int str_len;
	char buf[BUF_SIZE];
	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	acpt_sock=socket(PF_INET, SOCK_STREAM, 0);
	if(acpt_sock==-1)
		error_handling("socket() error");
	memset(&recv_adr, 0, sizeof(recv_adr));
	recv_adr.sin_family=AF_INET;
	recv_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	recv_adr.sin_port=htons(atoi(argv[1]));
	if(bind(acpt_sock, (struct sockaddr*)&recv_adr, sizeof(recv_adr))==-1)
		error_handling("bind() error");
	if(listen(acpt_sock, 5)==-1)
		error_handling("listen() error");
	serv_adr_sz=sizeof(serv_adr);
	recv_sock=accept(acpt_sock, (struct sockaddr*)&serv_adr, &serv_adr_sz);
	if(recv_sock==-1)
		error_handling("accept() error");

	/* TODO: become the socket's owner: fcntl(recv_sock, F_SETOWN, getpid()), and install
	 *   urg_handler for SIGURG with sigaction().
	 * TODO: fcntl(..., F_SETOWN, getpid())로 소켓의 소유자가 되고, sigaction()으로 SIGURG
	 *   핸들러 urg_handler를 등록하세요. */
	while((str_len=recv(recv_sock, buf, sizeof(buf)-1, 0))!=0)
	{
		if(str_len==-1)
			continue;
		buf[str_len]=0;
		puts(buf);
		fflush(stdout);
	}
	close(recv_sock); close(acpt_sock);
	return 0;
}

void urg_handler(int signo)
{
	/* TODO: recv(recv_sock, buf, sizeof(buf)-1, MSG_OOB), then print it on a line of its own.
	 * TODO: recv(..., MSG_OOB)로 긴급 바이트를 읽어 별도의 줄에 출력하세요. */
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
