/* echo_mpserv.c -- multi-process echo server (textbook ch. 10). usage: ./echo_mpserv <port> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 30
void error_handling(char *message);
void read_childproc(int sig);

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
	struct sockaddr_in serv_adr, clnt_adr;
	socklen_t adr_sz;
	int str_len;
	char buf[BUF_SIZE];
	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	/* TODO: install read_childproc for SIGCHLD with sigaction() (before accepting).
	 * TODO: accept() 전에 sigaction()으로 SIGCHLD 핸들러 read_childproc을 등록하세요. */
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
		adr_sz=sizeof(clnt_adr);
		clnt_sock=accept(serv_sock, (struct sockaddr*)&clnt_adr, &adr_sz);
		if(clnt_sock==-1)
			continue;	/* also when SIGCHLD interrupts accept() (EINTR) */
		puts("new client connected...");
		fflush(stdout);
		/* TODO: fork() a child per client: the child close(serv_sock)s, echoes (below) and
		 *   exits; the parent only close(clnt_sock)s and goes straight back to accept().
		 * TODO: 클라이언트마다 fork()하세요. 자식은 serv_sock을 닫고 에코한 뒤 종료하고,
		 *   부모는 clnt_sock만 닫고 바로 accept()로 돌아갑니다. */
		while((str_len=read(clnt_sock, buf, BUF_SIZE))>0)
			write(clnt_sock, buf, str_len);
		close(clnt_sock);
	}
	close(serv_sock); return 0;
}

void read_childproc(int sig)
{
	/* TODO: reap ALL exited children: while(waitpid(-1, &status, WNOHANG)>0) ...
	 * TODO: 끝난 자식을 모두 거두세요(SIGCHLD는 쌓이지 않습니다): while(waitpid(...)>0) ... */
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
