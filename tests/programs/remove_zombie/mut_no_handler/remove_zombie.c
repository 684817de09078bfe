/* MUTANT: read_childproc() is written but never registered with sigaction(), so the children stay zombies */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

void read_childproc(int sig)
{
	int status;
	pid_t id;
	while((id=waitpid(-1, &status, WNOHANG))>0)
		if(WIFEXITED(status))
			printf("Removed proc id: %d, child send: %d \n", id, WEXITSTATUS(status));
}

int main(int argc, char *argv[])
{
	pid_t pid;
	int i;
	struct sigaction act;
	act.sa_handler=read_childproc;
	sigemptyset(&act.sa_mask);
	act.sa_flags=0;

	pid=fork();
	if(pid==0)
	{
		sleep(3);
		return 12;
	}
	printf("Child proc id: %d \n", pid);
	pid=fork();
	if(pid==0)
	{
		sleep(3);
		exit(24);
	}
	printf("Child proc id: %d \n", pid);
	for(i=0; i<5; i++)
	{
		puts("wait...");
		sleep(5);
	}
	return 0;
}
