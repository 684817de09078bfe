/* hello_client.c -- prints the greeting a server sends (textbook ch. 1)
 * usage: ./hello_client <IP> <port> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

void error_handling(char *message);

int main(int argc, char *argv[])
{
	int sock;
	struct sockaddr_in serv_addr;

	if(argc!=3) {
		printf("Usage : %s <IP> <port>\n", argv[0]);
		exit(1);
	}

	sock=socket(PF_INET, SOCK_STREAM, 0);
	if(sock==-1)
		error_handling("socket() error");

	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family=AF_INET;
	serv_addr.sin_addr.s_addr=inet_addr(argv[1]);
	serv_addr.sin_port=htons(atoi(argv[2]));

	if(connect(sock, (struct sockaddr*)&serv_addr, sizeof(serv_addr))==-1)
		error_handling("connect() error!");

	/* TODO: read() the greeting into a char message[30], put message[str_len]=0 (the
	 *   server may send no '\0'), and printf("Message from server: %s \n", message).
	 * TODO: 인사말을 char message[30]에 read()로 받고, message[str_len]=0을 넣은 뒤
	 *   (서버가 '\0'을 보내지 않을 수도 있음) printf로 출력하세요. */

	close(sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
