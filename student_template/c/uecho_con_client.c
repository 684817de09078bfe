/* uecho_con_client.c -- connected UDP echo client (textbook ch. 6)
 * usage: ./uecho_con_client <IP> <port> */
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

	sock=socket(PF_INET, SOCK_DGRAM, 0);
	if(sock==-1)
		error_handling("socket() error");

	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=inet_addr(argv[1]);
	serv_adr.sin_port=htons(atoi(argv[2]));

	/* TODO: connect(sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr)) once, so
	 *   the kernel delivers only the server's datagrams.
	 * TODO: 반복문 전에 connect()를 한 번 호출하세요: 그러면 서버의 데이터그램만 받습니다. */

	while(1)
	{
		fputs("Insert message(q to quit): ", stdout);
		fflush(stdout);
		if(fgets(message, sizeof(message), stdin)==NULL)
			break;
		if(!strcmp(message, "q\n") || !strcmp(message, "Q\n"))
			break;

		/* TODO: write() strlen(message) bytes to sock, read() the reply into message,
		 *   put message[str_len]=0 and printf it.
		 * TODO: strlen(message)바이트를 write()로 보내고, 답을 read()로 message에 받은 뒤
		 *   message[str_len]=0을 넣고 출력하세요. */
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
