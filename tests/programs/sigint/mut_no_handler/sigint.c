/* MUTANT: the handler is written but never registered, so Ctrl-C kills the program */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>

void handler(int sig)
{
	printf("SIGINT caught\n");
	exit(0);
}

int main(void)
{
	printf("press Ctrl+C...\n");
	while(1)
		pause();
	return 0;
}
