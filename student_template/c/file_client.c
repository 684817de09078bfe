/* file_client.c -- file client: saves until EOF, then thanks (textbook ch. 7)
 * usage: ./file_client <IP> <port>   (writes "receive.dat") */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 30
void error_handling(char *message);

int main(int argc, char *argv[])
{
	int sd;
	FILE *fp;
	struct sockaddr_in serv_adr;

	if(argc!=3) {
		printf("Usage : %s <IP> <port>\n", argv[0]);
		exit(1);
	}

	fp=fopen("receive.dat", "wb");
	if(fp==NULL)
		error_handling("fopen() error");

	sd=socket(PF_INET, SOCK_STREAM, 0);
	if(sd==-1)
		error_handling("socket() error");

	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=inet_addr(argv[1]);
	serv_adr.sin_port=htons(atoi(argv[2]));

	if(connect(sd, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("connect() error!");

	/* TODO: read() until it returns 0 (the server's EOF), fwrite() every piece to fp;
	 *   only then write(sd, "Thank you", 10) to the server.
	 * TODO: read()가 0(서버의 EOF)을 반환할 때까지 받은 조각을 모두 fwrite()로 파일에 쓰고,
	 *   그 뒤에 서버에게 "Thank you"를 write()로 보내세요. */

	fclose(fp);
	close(sd);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
