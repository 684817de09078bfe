/* sep_serv2.c -- stream separation with half-close (textbook ch. 16)
 * usage: ./sep_serv2 <port> */
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
	int serv_sock, clnt_sock;
	FILE *readfp;
	FILE *writefp;
	struct sockaddr_in serv_adr, clnt_adr;
	socklen_t clnt_adr_sz;

	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	serv_sock=socket(PF_INET, SOCK_STREAM, 0);
	if(serv_sock==-1)
		error_handling("socket() error");

	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	serv_adr.sin_port=htons(atoi(argv[1]));

	if(bind(serv_sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("bind() error");
	if(listen(serv_sock, 5)==-1)
		error_handling("listen() error");

	clnt_adr_sz=sizeof(clnt_adr);
	clnt_sock=accept(serv_sock, (struct sockaddr*)&clnt_adr, &clnt_adr_sz);
	if(clnt_sock==-1)
		error_handling("accept() error");

	readfp=fdopen(clnt_sock, "r");
	writefp=fdopen(dup(clnt_sock), "w");

	/* TODO: fputs() three lines to writefp ("FROM SERVER: Hi~ client? \n", ...) and
	 *   fflush(writefp); then half-close with shutdown(fileno(writefp), SHUT_WR).
	 * TODO: writefp에 세 줄을 fputs()로 쓰고 fflush()하세요. 그다음
	 *   shutdown(fileno(writefp), SHUT_WR)로 출력 스트림만 절반 닫으세요. */
	fclose(writefp);

	/* TODO: fgets(buf, sizeof(buf), readfp) the client's reply and fputs() it to stdout.
	 * TODO: 클라이언트의 답장을 readfp에서 fgets()로 읽어 화면에 출력하세요. */
	fclose(readfp);
	close(serv_sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
