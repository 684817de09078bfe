/* sock_type.c -- prints the type of a TCP and of a UDP socket (textbook ch. 9)
 * usage: ./sock_type */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

int main(void)
{
	int tcp_sock, udp_sock;

	tcp_sock=socket(PF_INET, SOCK_STREAM, 0);
	udp_sock=socket(PF_INET, SOCK_DGRAM, 0);
	/* TODO: read SO_TYPE of tcp_sock, then of udp_sock, with getsockopt(sock,
	 *   SOL_SOCKET, SO_TYPE, (void*)&sock_type, &optlen) (optlen=sizeof(int)), and print
	 *   "Socket type one: %d" and "Socket type two: %d".
	 * TODO: tcp_sock, udp_sock 순서로 SO_TYPE을 getsockopt()로 읽어 (optlen=sizeof(int))
	 *   "Socket type one: %d"와 "Socket type two: %d"로 출력하세요. */

	close(tcp_sock);
	close(udp_sock);
	return 0;
}
