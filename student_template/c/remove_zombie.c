/* remove_zombie.c -- reap children in a SIGCHLD handler (textbook ch. 10).
 * usage: ./remove_zombie     Two children end with 12 and 24 after 10 s; the handler
 * reaps them and prints each exit value. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

void read_childproc(int sig)
{
	/* TODO: reap ALL ended children (two may end together and send one SIGCHLD):
	 *   while((id=waitpid(-1, &status, WNOHANG))>0) print WEXITSTATUS(status).
	 * TODO: 끝난 자식을 모두 거두세요(SIGCHLD는 쌓이지 않습니다):
	 *   while((id=waitpid(-1, &status, WNOHANG))>0) 하고 WEXITSTATUS(status)를 출력. */
}

int main(int argc, char *argv[])
{
	pid_t pid;
	int i;
	/* TODO: register read_childproc for SIGCHLD with sigaction(), before fork().
	 * TODO: fork() 전에 sigaction()으로 SIGCHLD 핸들러 read_childproc을 등록하세요. */

	pid=fork();
	if(pid==0)
	{
		puts("Hi! I'm child process");
		sleep(10);
		return 12;
	}
	printf("Child proc id: %d \n", pid);
	pid=fork();
	if(pid==0)
	{
		puts("Hi! I'm child process");
		sleep(10);
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
