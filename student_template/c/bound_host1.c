/* bound_host1.c -- receives three datagrams with three recvfrom() calls (textbook ch. 6)
 * usage: ./bound_host1 <port> */
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
	char message[BUF_SIZE];
	struct sockaddr_in my_adr, your_adr;
	socklen_t adr_sz;
	int i;

	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}

	sock=socket(PF_INET, SOCK_DGRAM, 0);
	if(sock==-1)
		error_handling("socket() error");

	memset(&my_adr, 0, sizeof(my_adr));
	my_adr.sin_family=AF_INET;
	my_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	my_adr.sin_port=htons(atoi(argv[1]));

	if(bind(sock, (struct sockaddr*)&my_adr, sizeof(my_adr))==-1)
		error_handling("bind() error");

	for(i=0; i<3; i++)
	{
		adr_sz=sizeof(your_adr);
		recvfrom(sock, message, BUF_SIZE-1, 0, (struct sockaddr*)&your_adr, &adr_sz);

		/* TODO: keep what recvfrom() returns (str_len), put message[str_len]=0 and
		 *   printf("Message %d: %s \n", i+1, message).
		 * TODO: recvfrom()의 반환값(str_len)을 저장하고 message[str_len]=0을 넣은 뒤
		 *   printf("Message %d: %s \n", i+1, message)로 출력하세요. */
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
