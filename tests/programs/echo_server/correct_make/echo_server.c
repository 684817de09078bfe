#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <signal.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 1024
void error_handling(char *message);
ssize_t writen(int fd, const char *buf, size_t n);

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
	char message[BUF_SIZE];
	ssize_t str_len;
	int option = 1;
	int cnt = 0;

	struct sockaddr_in serv_adr;
	struct sockaddr_in clnt_adr;
	socklen_t clnt_adr_sz;

	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	signal(SIGPIPE, SIG_IGN);

	serv_sock=socket(PF_INET, SOCK_STREAM, 0);
	if(serv_sock==-1)
		error_handling("socket() error");

	if(setsockopt(serv_sock, SOL_SOCKET, SO_REUSEADDR, (void*)&option, sizeof(option))==-1)
		error_handling("setsockopt() error");

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

		while(1)
		{
			str_len=read(clnt_sock, message, BUF_SIZE);
			if(str_len==0)
				break;                  /* EOF */
			if(str_len<0) {
				if(errno==EINTR)
					continue;
				break;                  /* ECONNRESET etc. */
			}
			if(writen(clnt_sock, message, str_len)<0)
				break;
		}

		close(clnt_sock);
	}

	close(serv_sock);
	return 0;
}

/* write all n bytes, handling short writes */
ssize_t writen(int fd, const char *buf, size_t n)
{
	size_t left=n;
	ssize_t w;

	while(left>0) {
		w=write(fd, buf, left);
		if(w<0) {
			if(errno==EINTR)
				continue;
			return -1;
		}
		left-=w;
		buf+=w;
	}
	return n;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
