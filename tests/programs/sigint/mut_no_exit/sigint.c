/* MUTANT: the handler prints but does not exit, so after Ctrl-C the program waits on forever */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>

void handler(int sig)
{
	printf("SIGINT caught\n");
}

int main(void)
{
	signal(SIGINT, handler);
	printf("press Ctrl+C...\n");
	while(1)
		pause();
	return 0;
}
