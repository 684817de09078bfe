/* sigaction.c -- SIGALRM time-outs with sigaction() (textbook ch. 10). usage: ./sigaction
 * "Time out!" every 2 s, three times, then the program ends. */
#include <stdio.h>
#include <unistd.h>
#include <signal.h>

void timeout(int sig)
{
	if(sig==SIGALRM)
		puts("Time out!");
	alarm(2);
}

int main(int argc, char *argv[])
{
	int i;
	/* TODO: struct sigaction act; act.sa_handler=timeout; sigemptyset(&act.sa_mask);
	 *   act.sa_flags=0; sigaction(SIGALRM, &act, 0);
	 * TODO: struct sigaction을 채우고 sigaction(SIGALRM, &act, 0)으로 등록하세요. */
	alarm(2);

	for(i=0; i<3; i++)
	{
		puts("wait...");
		sleep(100);
	}
	return 0;
}
