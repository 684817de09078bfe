/* get_buf.c -- prints a TCP socket's input and output buffer sizes (textbook ch. 9)
 * usage: ./get_buf */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

int main(void)
{
	int sock;

	sock=socket(PF_INET, SOCK_STREAM, 0);

	/* TODO: read SO_RCVBUF and SO_SNDBUF with getsockopt(sock, SOL_SOCKET, ...,
	 *   (void*)&value, &len), len=sizeof(int) before each call, and print
	 *   "Input buffer size: %d" (SO_RCVBUF) and "Output buffer size: %d" (SO_SNDBUF).
	 * TODO: getsockopt()로 SO_RCVBUF와 SO_SNDBUF를 읽고 (호출마다 len=sizeof(int)),
	 *   "Input buffer size: %d"(SO_RCVBUF)와 "Output buffer size: %d"(SO_SNDBUF)를
	 *   출력하세요. */

	close(sock);
	return 0;
}
