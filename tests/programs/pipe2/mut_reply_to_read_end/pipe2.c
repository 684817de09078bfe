/* MUTANT: the parent writes its reply into fds[0], the read end, so it never reaches the child */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#define BUF_SIZE 30

int main(int argc, char *argv[])
{
	int fds[2];
	char str1[]="Who are you?";
	char str2[]="Thank you for your message";
	char buf[BUF_SIZE];
	pid_t pid;

	memset(buf, 0, sizeof(buf));
	pipe(fds);
	pid=fork();
	if(pid==0)
	{
		write(fds[1], str1, sizeof(str1));
		sleep(2);
		read(fds[0], buf, BUF_SIZE);
		printf("Child proc output: %s \n",  buf);
	}
	else
	{
		read(fds[0], buf, BUF_SIZE);
		printf("Parent proc output: %s \n", buf);
		write(fds[0], str2, sizeof(str2));
		sleep(3);
	}
	return 0;
}
