/* op_server.c -- calculator server (textbook ch. 5)
 * usage: ./op_server <port>
 * request: 1 byte operand count N, N operands (4-byte int, host byte order), 1 operator
 * byte '+', '-' or '*'; answer: one 4-byte int, host byte order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BUF_SIZE 1024
#define OPSZ 4
void error_handling(char *message);

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
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

	while(1)
	{
		clnt_adr_sz=sizeof(clnt_adr);
		clnt_sock=accept(serv_sock, (struct sockaddr*)&clnt_adr, &clnt_adr_sz);
		if(clnt_sock==-1)
			continue;

		/* TODO: read the operand count (1 byte), then read() in a loop until all
		 *   count*OPSZ+1 bytes (operands and operator) are in; calculate left to right
		 *   from the first operand, and write() the int result (no htonl()).
		 * TODO: 피연산자 개수(1바이트)를 읽고, count*OPSZ+1바이트(피연산자와 연산자)를 모두
		 *   받을 때까지 read()를 반복하세요. 첫 피연산자부터 왼쪽으로 차례로 계산하고
		 *   int 결과를 그대로(htonl() 없이) write()로 보내세요. */

		close(clnt_sock);
	}
	close(serv_sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
