/* MUTANT: prints the raw status (6144) instead of WEXITSTATUS(status) */
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
	while(!waitpid(-1, &status, WNOHANG))
	{
		sleep(3);
		puts("sleep 3sec.");
	}
	printf("Child send %d \n", status);
	return 0;
}
