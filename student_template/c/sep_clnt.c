/* sep_clnt.c -- stream separation client (textbook ch. 16)
 * usage: ./sep_clnt <IP> <port> */
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
	FILE *readfp;
	FILE *writefp;
	struct sockaddr_in serv_adr;

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

	readfp=fdopen(sock, "r");
	writefp=fdopen(sock, "w");

	/* TODO: fgets(buf, sizeof(buf), readfp) in a loop until it returns NULL (the
	 *   server's EOF), printing each line; then fputs("FROM CLIENT: Thank you! \n",
	 *   writefp) and fflush(writefp).
	 * TODO: fgets()가 NULL(서버의 EOF)을 반환할 때까지 한 줄씩 읽어 출력하고, 그다음
	 *   "FROM CLIENT: Thank you! \n"을 writefp에 쓰고 fflush()하세요. */

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
