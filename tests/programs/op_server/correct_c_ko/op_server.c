/* op_server.c : 계산기 서버. 요청 = 개수(1바이트) + 피연산자(4바이트 int) * 개수 + 연산자(1바이트) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define OPSZ 4

/* 정확히 n바이트를 받을 때까지 read() 반복. 중간에 끊기면 -1 */
static int read_full(int fd, void *buf, int n)
{
	int got = 0, r;
	while (got < n) {
		r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			return -1;
		got += r;
	}
	return got;
}

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock, i, result;
	unsigned char cnt;
	int opnds[256];
	char op;
	struct sockaddr_in serv_adr, clnt_adr;
	socklen_t clnt_adr_sz;

	if (argc != 2) {
		printf("사용법 : %s <port>\n", argv[0]);
		exit(1);
	}
	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family = AF_INET;
	serv_adr.sin_addr.s_addr = htonl(INADDR_ANY);
	serv_adr.sin_port = htons(atoi(argv[1]));
	if (bind(serv_sock, (struct sockaddr *)&serv_adr, sizeof(serv_adr)) == -1) {
		printf("bind() 에러\n");
		exit(1);
	}
	listen(serv_sock, 5);

	while (1) {
		clnt_adr_sz = sizeof(clnt_adr);
		clnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_adr, &clnt_adr_sz);
		if (clnt_sock == -1)
			continue;
		printf("클라이언트 연결됨\n");   /* fflush 안 함 */
		if (read_full(clnt_sock, &cnt, 1) < 0 || cnt == 0
		    || read_full(clnt_sock, opnds, cnt * OPSZ) < 0
		    || read_full(clnt_sock, &op, 1) < 0) {
			close(clnt_sock);   /* 요청이 중간에 끊김 */
			continue;
		}
		result = opnds[0];
		for (i = 1; i < cnt; i++) {
			if (op == '+') result += opnds[i];
			else if (op == '-') result -= opnds[i];
			else if (op == '*') result *= opnds[i];
		}
		printf("결과: %d\n", result);
		write(clnt_sock, &result, sizeof(result));
		close(clnt_sock);
	}
	return 0;
}
