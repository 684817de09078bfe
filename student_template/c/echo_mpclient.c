/* echo_mpclient.c -- echo client with split I/O (textbook ch. 11).
 * usage: ./echo_mpclient <IP> <port>
 * The parent only reads the socket and prints; the child only reads stdin and sends.
 * On Q the child half-closes with shutdown(sock, SHUT_WR). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 30
void error_handling(char *message);
void read_routine(int sock, char *buf);
void write_routine(int sock, char *buf);

int main(int argc, char *argv[])
{
	int sock;
	char buf[BUF_SIZE];
	struct sockaddr_in serv_adr;
	if(argc!=3) {
		printf("Usage : %s <IP> <port>\n", argv[0]);
		exit(1);
	}

	sock=socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=inet_addr(argv[1]);
	serv_adr.sin_port=htons(atoi(argv[2]));

	if(connect(sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("connect() error!");

	/* TODO: split the I/O: pid=fork(); the child runs write_routine(), the parent
	 *   read_routine(). (For now one process only writes.)
	 * TODO: 입출력을 분리하세요: pid=fork() 하고 자식은 write_routine(), 부모는
	 *   read_routine()을 실행합니다. (지금은 한 프로세스가 쓰기만 합니다.) */
	write_routine(sock, buf);

	close(sock);
	return 0;
}

void read_routine(int sock, char *buf)
{
	while(1)
	{
		int str_len=read(sock, buf, BUF_SIZE-1);
		if(str_len<=0)
			return;
		buf[str_len]=0;
		printf("Message from server: %s", buf);
		fflush(stdout);
	}
}
void write_routine(int sock, char *buf)
{
	while(fgets(buf, BUF_SIZE, stdin)!=NULL)
	{
		if(!strcmp(buf,"q\n") || !strcmp(buf,"Q\n"))
		{
			/* TODO: shutdown(sock, SHUT_WR): the server sees EOF, replies still arrive.
			 * TODO: shutdown(sock, SHUT_WR) 하세요: 서버는 EOF를 받고, 응답은 계속 옵니다. */
			return;
		}
		write(sock, buf, strlen(buf));
	}
}
void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
