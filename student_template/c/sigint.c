/* sigint.c -- a SIGINT handler (the IPC lecture). usage: ./sigint
 * Waits for Ctrl-C; the handler prints a message and ends the program with exit code 0. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>

void handler(int sig)
{
	printf("SIGINT caught\n");
	/* TODO: end the program here with exit code 0: exit(0);
	 * TODO: 여기서 종료 코드 0으로 프로그램을 끝내세요: exit(0); */
}

int main(void)
{
	/* TODO: register the handler before waiting: signal(SIGINT, handler);
	 * TODO: 기다리기 전에 핸들러를 등록하세요: signal(SIGINT, handler); */
	printf("press Ctrl+C...\n");
	while(1)
		pause();
	return 0;
}
