/* MUTANT: waitpid() without WNOHANG blocks until the child ends, so the parent does nothing meanwhile */
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char *argv[])
{
	int status;
	pid_t pid=fork();

	if(pid==0)
	{
		sleep(9);
		return 24;
	}
	while(!waitpid(-1, &status, 0))
	{
		sleep(3);
		puts("sleep 3sec.");
	}
	if(WIFEXITED(status))
		printf("Child send %d \n", WEXITSTATUS(status));
	return 0;
}
