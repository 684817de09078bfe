/* wait.c -- collect the children's exit statuses with wait() (textbook ch. 10).
 * usage: ./wait      Two children end with 3 and 7; the parent prints both values. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char *argv[])
{
	pid_t pid=fork();

	if(pid==0)
		return 3;
	printf("Child PID: %d \n", pid);
	pid=fork();
	if(pid==0)
		exit(7);
	printf("Child PID: %d \n", pid);

	/* TODO: int status; wait(&status) once per child (twice), and print
	 *   WEXITSTATUS(status) when WIFEXITED(status).
	 * TODO: 자식마다 한 번씩(두 번) wait(&status)를 호출하고, WIFEXITED(status)이면
	 *   WEXITSTATUS(status)를 출력하세요. */

	sleep(30);
	return 0;
}
