/* echo_stdclnt.c -- echo client with FILE* streams (textbook ch. 15)
 * usage: ./echo_stdclnt <IP> <port> */
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
	int sock;
	char message[BUF_SIZE];
	struct sockaddr_in serv_adr;
	FILE * readfp;
	FILE * writefp;

	if(argc!=3) {
		printf("Usage : %s <IP> <port>\n", argv[0]);
		exit(1);
	}

	sock=socket(PF_INET, SOCK_STREAM, 0);
	if(sock==-1)
		error_handling("socket() error");

	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=inet_addr(argv[1]);
	serv_adr.sin_port=htons(atoi(argv[2]));

	if(connect(sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("connect() error!");
	else
		puts("Connected...........");

	readfp=fdopen(sock, "r");
	writefp=fdopen(sock, "w");

	while(1)
	{
		fputs("Input message(Q to quit): ", stdout);
		if(fgets(message, BUF_SIZE, stdin)==NULL)
			break;
		if(!strcmp(message,"q\n") || !strcmp(message,"Q\n"))
			break;

		/* TODO: fputs(message, writefp) and fflush(writefp) (fully buffered!), then
		 *   fgets(message, BUF_SIZE, readfp) the reply and print it.
		 * TODO: fputs(message, writefp) 후 fflush(writefp)(완전 버퍼링!), 그 다음
		 *   fgets(message, BUF_SIZE, readfp)로 답장을 읽어 출력하세요. */
	}
	fclose(writefp);
	fclose(readfp);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
