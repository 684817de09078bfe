/* MUTANT: the parent calls wait() before sleeping, so there is never a zombie to see */
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char *argv[])
{
	pid_t pid=fork();

	if(pid==0)
	{
		puts("Hi I'am a child process");
	}
	else
	{
		printf("Child Process ID: %d \n", pid);
		wait(NULL);
		sleep(30);
	}

	if(pid==0)
		puts("End child process");
	else
		puts("End parent process");
	return 0;
}
