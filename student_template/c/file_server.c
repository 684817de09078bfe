/* file_server.c -- file server with half-close (textbook ch. 7)
 * usage: ./file_server <port>   (sends the file "file_server.c" of its directory) */
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
	int serv_sd, clnt_sd;
	FILE *fp;
	struct sockaddr_in serv_adr, clnt_adr;
	socklen_t clnt_adr_sz;

	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	fp=fopen("file_server.c", "rb");
	if(fp==NULL)
		error_handling("fopen() error");

	serv_sd=socket(PF_INET, SOCK_STREAM, 0);
	if(serv_sd==-1)
		error_handling("socket() error");

	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	serv_adr.sin_port=htons(atoi(argv[1]));

	if(bind(serv_sd, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("bind() error");
	if(listen(serv_sd, 5)==-1)
		error_handling("listen() error");

	clnt_adr_sz=sizeof(clnt_adr);
	clnt_sd=accept(serv_sd, (struct sockaddr*)&clnt_adr, &clnt_adr_sz);
	if(clnt_sd==-1)
		error_handling("accept() error");

	/* TODO: send the whole file: loop fread(buf, 1, BUF_SIZE, fp) / write() until fread()
	 *   returns 0. Then half-close with shutdown(clnt_sd, SHUT_WR) (not close!), read()
	 *   the client's "Thank you" and print it.
	 * TODO: fread()가 0을 반환할 때까지 읽은 만큼 write()로 파일 전체를 보내세요. 그다음
	 *   close()가 아니라 shutdown(clnt_sd, SHUT_WR)로 절반만 닫고, 클라이언트의 "Thank you"를
	 *   read()로 받아 출력하세요. */

	fclose(fp);
	close(clnt_sd);
	close(serv_sd);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
