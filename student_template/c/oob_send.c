/* oob_send.c -- sending urgent data with MSG_OOB (textbook ch. 13)
 * usage: ./oob_send <IP> <port> */
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
	int sock;
	struct sockaddr_in recv_adr;

	if(argc!=3) {
		printf("Usage : %s <IP> <port>\n", argv[0]);
		exit(1);
	}

	sock=socket(PF_INET, SOCK_STREAM, 0);
	if(sock==-1)
		error_handling("socket() error");

	memset(&recv_adr, 0, sizeof(recv_adr));
	recv_adr.sin_family=AF_INET;
	recv_adr.sin_addr.s_addr=inet_addr(argv[1]);
	recv_adr.sin_port=htons(atoi(argv[2]));

	if(connect(sock, (struct sockaddr*)&recv_adr, sizeof(recv_adr))==-1)
		error_handling("connect() error!");

	/* TODO: send, in this order: "123" (write), "4" as urgent data
	 *   (send(sock, "4", strlen("4"), MSG_OOB)), "567" (write), "890" as urgent data.
	 * TODO: "123"은 write()로, "4"는 send(..., MSG_OOB)로 긴급 데이터로, "567"은 write()로,
	 *   "890"은 MSG_OOB로 차례대로 보내세요. */

	close(sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
