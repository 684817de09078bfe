/* writev.c -- gather two buffers into one send with writev() (textbook ch. 13)
 * usage: ./writev <IP> <port> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/uio.h>

void error_handling(char *message);

int main(int argc, char *argv[])
{
	struct iovec vec[2];
	char buf1[]="ABCDEFG";
	char buf2[]="1234567";
	int str_len, sock;
	struct sockaddr_in serv_adr;

	if(argc!=3) {
		printf("Usage : %s <IP> <port>\n", argv[0]);
		exit(1);
	}
	sock=socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=inet_addr(argv[1]);
	serv_adr.sin_port=htons(atoi(argv[2]));
	if(connect(sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("connect() error!");

	/* TODO: gather the first 3 bytes of buf1 and the first 4 of buf2 in vec[0], vec[1]
	 *   (iov_base, iov_len) and send both with ONE call: str_len=writev(sock, vec, 2);
	 * TODO: buf1의 앞 3바이트와 buf2의 앞 4바이트를 vec[0], vec[1]에 담고
	 *   writev(sock, vec, 2) 한 번으로 보내세요. */
	(void)vec; (void)buf1; (void)buf2;
	str_len=0;
	printf("Write bytes: %d \n", str_len);
	close(sock);
	return 0;
}

void error_handling(char *message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
