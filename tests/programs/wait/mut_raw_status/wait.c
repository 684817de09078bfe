/* MUTANT: prints the raw status from wait() (768, 1792) instead of WEXITSTATUS(status) */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char *argv[])
{
	int status;
	pid_t pid=fork();

	if(pid==0)
		return 3;
	printf("Child PID: %d \n", pid);
	pid=fork();
	if(pid==0)
		exit(7);
	printf("Child PID: %d \n", pid);
	wait(&status);
	printf("Child send one: %d \n", status);
	wait(&status);
	printf("Child send two: %d \n", status);
	sleep(30);
	return 0;
}
