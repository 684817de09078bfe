/* news_sender_brd.c -- broadcast news sender (textbook ch. 14)
 * usage: ./news_sender_brd <Broadcast IP> <PORT>   (sends the lines of news.txt) */
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
	int send_sock;
	struct sockaddr_in broad_adr;
	FILE *fp;
	char buf[BUF_SIZE];
	int so_brd=1;
	if(argc!=3) {
		printf("Usage : %s <Boradcast IP> <PORT>\n", argv[0]);
		exit(1);
	}

	send_sock=socket(PF_INET, SOCK_DGRAM, 0);
	memset(&broad_adr, 0, sizeof(broad_adr));
	broad_adr.sin_family=AF_INET;
	broad_adr.sin_addr.s_addr=inet_addr(argv[1]);
	broad_adr.sin_port=htons(atoi(argv[2]));

	/* TODO: allow sending to a broadcast address (otherwise sendto() fails with EACCES):
	 *   setsockopt(send_sock, SOL_SOCKET, SO_BROADCAST, (void*)&so_brd, sizeof(so_brd));
	 * TODO: 브로드캐스트 주소로 보낼 수 있게 SO_BROADCAST 옵션을 켜세요. */
	(void)so_brd;
	if((fp=fopen("news.txt", "r"))==NULL)
		error_handling("fopen() error");

	while(fgets(buf, BUF_SIZE, fp)!=NULL)
	{
		/* TODO: sendto() the line to broad_adr / 읽은 줄을 broad_adr로 sendto() 하세요 */
		sleep(2);
	}
	fclose(fp);
	close(send_sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
