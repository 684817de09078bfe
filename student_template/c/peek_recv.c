/* peek_recv.c -- look at buffered data with MSG_PEEK, then read it again (textbook ch. 13)
 * usage: ./peek_recv <port> */
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
	int acpt_sock, recv_sock;
	struct sockaddr_in acpt_adr, recv_adr;
	int str_len;
	socklen_t recv_adr_sz;
	char buf[BUF_SIZE];
	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	acpt_sock=socket(PF_INET, SOCK_STREAM, 0);
	memset(&acpt_adr, 0, sizeof(acpt_adr));
	acpt_adr.sin_family=AF_INET;
	acpt_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	acpt_adr.sin_port=htons(atoi(argv[1]));

	if(bind(acpt_sock, (struct sockaddr*)&acpt_adr, sizeof(acpt_adr))==-1)
		error_handling("bind() error");
	listen(acpt_sock, 5);

	recv_adr_sz=sizeof(recv_adr);
	recv_sock=accept(acpt_sock, (struct sockaddr*)&recv_adr, &recv_adr_sz);

	/* TODO: loop on recv(recv_sock, buf, sizeof(buf)-1, MSG_PEEK|MSG_DONTWAIT) until it
	 *   returns more than 0; print the count and the bytes ("Buffering %d bytes: %s").
	 *   Then recv() again without flags and print the same bytes ("Read again: %s").
	 * TODO: recv(..., MSG_PEEK|MSG_DONTWAIT)가 0보다 큰 값을 반환할 때까지 반복하고, 바이트
	 *   수와 내용을 출력하세요. 그 다음 플래그 없이 recv()로 같은 바이트를 다시 읽어 출력하세요. */
	(void)str_len; (void)buf;

	close(acpt_sock);
	close(recv_sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
