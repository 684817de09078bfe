/* echo_selectserv.c -- echo server multiplexing its clients with select() (textbook ch. 12)
 * usage: ./echo_selectserv <port>
 * One process, no fork(), no threads: select() watches the listening socket and every
 * client at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/select.h>

#define BUF_SIZE 100
void error_handling(char *buf);

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
	struct sockaddr_in serv_adr, clnt_adr;
	struct timeval timeout;
	fd_set reads, cpy_reads;
	socklen_t adr_sz;
	int fd_max, str_len, fd_num, i;
	char buf[BUF_SIZE];

	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	serv_sock=socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	serv_adr.sin_port=htons(atoi(argv[1]));

	if(bind(serv_sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("bind() error");
	if(listen(serv_sock, 5)==-1)
		error_handling("listen() error");

	FD_ZERO(&reads);
	FD_SET(serv_sock, &reads);
	fd_max=serv_sock;

	while(1)
	{
		cpy_reads=reads;            /* select() overwrites the set: pass a copy */
		timeout.tv_sec=5;
		timeout.tv_usec=0;
		if((fd_num=select(fd_max+1, &cpy_reads, 0, 0, &timeout))==-1)
			break;
		if(fd_num==0)
			continue;

		for(i=0; i<fd_max+1; i++)
		{
			if(!FD_ISSET(i, &cpy_reads))
				continue;
			if(i==serv_sock)
			{
				adr_sz=sizeof(clnt_adr);
				clnt_sock=accept(serv_sock, (struct sockaddr*)&clnt_adr, &adr_sz);
				/* TODO: watch the new client: FD_SET(clnt_sock, &reads), and raise
				 *   fd_max if clnt_sock is larger.
				 * TODO: 새 클라이언트를 감시 대상에 넣으세요: FD_SET(clnt_sock, &reads),
				 *   clnt_sock이 더 크면 fd_max를 갱신하세요. */
				printf("connected client: %d \n", clnt_sock);
			}
			else
			{
				str_len=read(i, buf, BUF_SIZE);
				/* TODO: read() returned 0: the client left. FD_CLR(i, &reads), then
				 *   close(i). Otherwise write() the str_len bytes back (once: never loop
				 *   on one client, go back to select()).
				 * TODO: read()가 0이면 클라이언트가 나간 것: FD_CLR(i, &reads) 후 close(i).
				 *   아니면 읽은 str_len 바이트를 write()로 돌려보내세요(한 번만, 반복하지
				 *   말고 select()로 돌아가기). */
				(void)str_len;
			}
		}
	}
	close(serv_sock);
	return 0;
}

void error_handling(char *buf)
{
	fputs(buf, stderr);
	fputc('\n', stderr);
	exit(1);
}
