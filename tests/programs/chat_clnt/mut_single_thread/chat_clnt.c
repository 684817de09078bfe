/* MUTANT: one thread only: I wait for my own input, then read one reply, so others' messages are shown only after I type */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 100
#define NAME_SIZE 20

void error_handling(char * msg);

char name[NAME_SIZE]="[DEFAULT]";
char msg[BUF_SIZE];

int main(int argc, char *argv[])
{
	int sock, str_len;
	struct sockaddr_in serv_addr;
	char name_msg[NAME_SIZE+BUF_SIZE];
	if(argc!=4) {
		printf("Usage : %s <IP> <port> <name>\n", argv[0]);
		exit(1);
	}

	sprintf(name, "[%s]", argv[3]);
	sock=socket(PF_INET, SOCK_STREAM, 0);

	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family=AF_INET;
	serv_addr.sin_addr.s_addr=inet_addr(argv[1]);
	serv_addr.sin_port=htons(atoi(argv[2]));

	if(connect(sock, (struct sockaddr*)&serv_addr, sizeof(serv_addr))==-1)
		error_handling("connect() error");

	while(1)
	{
		if(fgets(msg, BUF_SIZE, stdin)==NULL)
			break;
		if(!strcmp(msg,"q\n")||!strcmp(msg,"Q\n"))
			break;
		sprintf(name_msg,"%s %s", name, msg);
		write(sock, name_msg, strlen(name_msg));
		str_len=read(sock, name_msg, NAME_SIZE+BUF_SIZE-1);
		if(str_len<=0)
			break;
		name_msg[str_len]=0;
		fputs(name_msg, stdout);
	}
	close(sock);
	return 0;
}

void error_handling(char *msg)
{
	fputs(msg, stderr);
	fputc('\n', stderr);
	exit(1);
}
