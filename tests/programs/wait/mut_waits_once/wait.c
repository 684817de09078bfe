/* MUTANT: calls wait() only once for two children, so one of them stays a zombie */
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
	if(WIFEXITED(status))
		printf("Child send: %d \n", WEXITSTATUS(status));
	sleep(30);
	return 0;
}
