/* waitpid.c -- wait for a child without blocking (textbook ch. 10). usage: ./waitpid
 * The child sleeps 15 s and returns 24; meanwhile the parent prints "sleep 3sec." every
 * 3 s, then prints the child's exit value. */
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char *argv[])
{
	int status=0;
	pid_t pid=fork();

	if(pid==0)
	{
		sleep(15);
		return 24;
	}

	/* TODO: while(!waitpid(-1, &status, WNOHANG)) { sleep(3); puts("sleep 3sec."); }
	 * TODO: waitpid(-1, &status, WNOHANG)가 0을 반환하는 동안 sleep(3) 하고
	 *   "sleep 3sec."를 출력하세요. */

	if(WIFEXITED(status))
		printf("Child send %d \n", WEXITSTATUS(status));
	return 0;
}
