/* signal_handler.c -- SIGALRM time-outs and a SIGINT handler with signal() (textbook
 * ch. 10, signal.c). usage: ./signal_handler
 * "Time out!" every 2 s, three times; Ctrl-C prints "CTRL+C pressed". */
#include <stdio.h>
#include <unistd.h>
#include <signal.h>

void timeout(int sig)
{
	if(sig==SIGALRM)
		puts("Time out!");
	/* TODO: alarm(2) again, so the next time-out comes 2 s later.
	 * TODO: 2초 뒤에 다음 타임아웃이 오도록 여기서 다시 alarm(2) 하세요. */
}
void keycontrol(int sig)
{
	if(sig==SIGINT)
		puts("CTRL+C pressed");
}

int main(int argc, char *argv[])
{
	int i;
	/* TODO: register the handlers: signal(SIGALRM, timeout); signal(SIGINT, keycontrol);
	 * TODO: 핸들러를 등록하세요: signal(SIGALRM, timeout); signal(SIGINT, keycontrol); */
	alarm(2);

	for(i=0; i<3; i++)
	{
		puts("wait...");
		sleep(100);
	}
	return 0;
}
