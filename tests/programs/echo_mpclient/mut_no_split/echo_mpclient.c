/* MUTANT: no I/O split: one process reads the socket only after the user typed a line */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 30

int main(int argc, char *argv[])
{
	int sock, str_len;
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
		exit(1);

	while(fgets(buf, BUF_SIZE, stdin)!=NULL)
	{
		if(!strcmp(buf,"q\n") || !strcmp(buf,"Q\n"))
		{
			shutdown(sock, SHUT_WR);
			while((str_len=read(sock, buf, BUF_SIZE-1))>0)
			{
				buf[str_len]=0;
				printf("Message from server: %s", buf);
				fflush(stdout);
			}
			break;
		}
		write(sock, buf, strlen(buf));
		str_len=read(sock, buf, BUF_SIZE-1);
		if(str_len<=0)
			break;
		buf[str_len]=0;
		printf("Message from server: %s", buf);
		fflush(stdout);
	}
	close(sock);
	return 0;
}
