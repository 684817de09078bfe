/* op_client.c : 계산기 클라이언트 (개수 1바이트 + int 피연산자들 + 연산자 1바이트) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

int main(int argc, char *argv[])
{
	int sock, cnt, i, n, got, result;
	char msg[1024];
	char op;
	struct sockaddr_in adr;

	if (argc != 3) {
		printf("사용법 : %s <IP> <port>\n", argv[0]);
		exit(1);
	}
	sock = socket(PF_INET, SOCK_STREAM, 0);
	memset(&adr, 0, sizeof(adr));
	adr.sin_family = AF_INET;
	adr.sin_addr.s_addr = inet_addr(argv[1]);
	adr.sin_port = htons(atoi(argv[2]));
	if (connect(sock, (struct sockaddr *)&adr, sizeof(adr)) == -1) {
		printf("connect() 에러\n");
		exit(1);
	}

	printf("피연산자 개수: ");          /* fflush 안 함 */
	scanf("%d", &cnt);
	msg[0] = (char)cnt;
	for (i = 0; i < cnt; i++) {
		printf("피연산자 %d: ", i + 1);
		scanf("%d", &n);
		memcpy(msg + 1 + i * 4, &n, 4);
	}
	printf("연산자: ");
	scanf(" %c", &op);                 /* 앞의 공백이 남은 개행을 건너뜀 */
	msg[1 + cnt * 4] = op;
	write(sock, msg, cnt * 4 + 2);

	got = 0;
	while (got < 4) {
		n = read(sock, (char *)&result + got, 4 - got);
		if (n <= 0)
			break;
		got += n;
	}
	printf("연산 결과: %d\n", result);
	close(sock);
	return 0;
}
