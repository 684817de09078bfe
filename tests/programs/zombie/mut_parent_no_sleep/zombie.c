/* MUTANT: the parent forgot sleep(30) and ends at once, taking the zombie with it */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	pid_t pid=fork();

	if(pid==0)
		puts("Hi I'am a child process");
	else
		printf("Child Process ID: %d \n", pid);

	if(pid==0)
		puts("End child process");
	else
		puts("End parent process");
	return 0;
}
