/* sigint.c -- SIGINT 핸들러: 메시지를 출력하고 0으로 종료 (printf는 exit가 flush) */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>

void handler(int sig)
{
	printf("SIGINT(%d) 받음, 종료합니다", sig);   /* 줄바꿈 없음: exit()가 내보낸다 */
	exit(0);
}

int main(void)
{
	signal(SIGINT, handler);
	printf("Ctrl+C를 누르세요...\n");
	while(1)
		pause();
	return 0;
}
