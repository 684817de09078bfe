/* echo_client.c -- TCP echo client (textbook ch. 4-5)
 * usage: ./echo_client <IP> <port> */
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

	while(1)
	{
		fputs("Input message(Q to quit): ", stdout);
		fflush(stdout);
		if(fgets(message, BUF_SIZE, stdin)==NULL)
			break;
		if(!strcmp(message, "q\n") || !strcmp(message, "Q\n"))
			break;

		/* TODO: write() the whole line (newline included) to sock, then read() the reply
		 *   in a loop until as many bytes as you sent have arrived (TCP has no message
		 *   boundaries, ch. 5), put message[recv_len]=0 and printf it.
		 * TODO: 입력한 줄 전체(개행 포함)를 write()로 보내고, 보낸 바이트 수만큼 다 받을 때까지
		 *   read()를 반복하세요. 받은 길이 뒤에 '\0'을 넣은 다음 출력하세요. */
	}

	close(sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
