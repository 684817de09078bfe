/* echo_storeserv.c -- echo server that stores what clients send (textbook ch. 11).
 * usage: ./echo_storeserv <port>
 * echo_mpserv plus a logger child: every client's child also writes what it received
 * into a pipe; the logger reads the pipe and writes it to echomsg.txt. */
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
	pid_t pid;
	struct sigaction act;
	socklen_t adr_sz;
	int str_len;
	char buf[BUF_SIZE];
	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	act.sa_handler=read_childproc;
	sigemptyset(&act.sa_mask);
	act.sa_flags=0;
	sigaction(SIGCHLD, &act, 0);

	serv_sock=socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	serv_adr.sin_port=htons(atoi(argv[1]));
	if(bind(serv_sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("bind() error");
	if(listen(serv_sock, 5)==-1)
		error_handling("listen() error");

	/* TODO: int fds[2]; pipe(fds); fork a logger child that fopen()s "echomsg.txt" and,
	 *   until read(fds[0], ...) returns 0, fwrite()s what it read and fflush()es.
	 * TODO: pipe(fds)로 파이프를 만들고, "echomsg.txt"를 fopen()한 뒤 read(fds[0], ...)가
	 *   0을 반환할 때까지 읽은 것을 fwrite()하고 fflush()하는 기록용 자식을 fork()하세요. */

	while(1)
	{
		adr_sz=sizeof(clnt_adr);
		clnt_sock=accept(serv_sock, (struct sockaddr*)&clnt_adr, &adr_sz);
		if(clnt_sock==-1)
			continue;
		puts("new client connected...");
		fflush(stdout);
		pid=fork();
		if(pid==0)
		{
			close(serv_sock);
			while((str_len=read(clnt_sock, buf, BUF_SIZE))>0)
			{
				write(clnt_sock, buf, str_len);
				/* TODO: write(fds[1], buf, str_len); -- the logger's copy
				 * TODO: write(fds[1], buf, str_len); -- 기록용 자식에게도 보내기 */
			}
			close(clnt_sock);
			return 0;
		}
		close(clnt_sock);
	}
	close(serv_sock);
	return 0;
}

void read_childproc(int sig)
{
	int status;
	while(waitpid(-1, &status, WNOHANG)>0)
		;
}
void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
