/* hello_server.c sending a greeting of its own that ends with a newline ("Hello Linux World\n",
   strlen(), no NUL), as a real C++ rewrite does */
/* hello_server.c : 접속한 클라이언트마다 인사말을 보내는 서버 (NUL 없이 strlen 만큼 전송) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
	struct sockaddr_in serv_addr, clnt_addr;
	socklen_t clnt_addr_size;
	char *message = "Hello Linux World\n";

	if (argc != 2) {
		printf("사용법 : %s <port>\n", argv[0]);
		exit(1);
	}

	serv_sock = socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_addr, 0, sizeof(serv_addr));
	serv_addr.sin_family = AF_INET;
	serv_addr.sin_addr.s_addr = htonl(INADDR_ANY);
	serv_addr.sin_port = htons(atoi(argv[1]));

	if (bind(serv_sock, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) == -1) {
		printf("bind() 에러\n");
		exit(1);
	}
	listen(serv_sock, 5);
	printf("서버 시작: 포트 %s\n", argv[1]);   /* fflush 없음: 종료할 때 출력됨 */

	while (1) {
		clnt_addr_size = sizeof(clnt_addr);
		clnt_sock = accept(serv_sock, (struct sockaddr *)&clnt_addr, &clnt_addr_size);
		if (clnt_sock == -1)
			continue;
		printf("클라이언트 접속: %s\n", inet_ntoa(clnt_addr.sin_addr));
		write(clnt_sock, message, strlen(message));   /* 널 문자는 보내지 않음 */
		close(clnt_sock);
	}
	close(serv_sock);
	return 0;
}
