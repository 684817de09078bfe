/* set_buf.c -- sets a TCP socket's buffer sizes, prints what the kernel made of them
 * (textbook ch. 9)
 * usage: ./set_buf */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

int main(void)
{
	int sock;
	int snd_buf=1024*3, rcv_buf=1024*3;

	sock=socket(PF_INET, SOCK_STREAM, 0);
	setsockopt(sock, SOL_SOCKET, SO_RCVBUF, (void*)&rcv_buf, sizeof(rcv_buf));

	/* TODO: set SO_SNDBUF the same way, then read both back with getsockopt() and print
	 *   "Input buffer size: %d" and "Output buffer size: %d" with what it stored (the
	 *   kernel doubles what you ask: print the value read back).
	 * TODO: SO_SNDBUF도 같은 방법으로 설정한 뒤, getsockopt()로 둘 다 다시 읽어
	 *   "Input buffer size: %d"와 "Output buffer size: %d"로 출력하세요 (커널이 요청한
	 *   값을 두 배로 잡으므로 다시 읽은 값을 출력). */
	printf("asked for %d and %d bytes\n", rcv_buf, snd_buf);

	close(sock);
	return 0;
}
