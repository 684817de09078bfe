/* MUTANT: the ends of the pipe are swapped: the child writes fds[0] and the parent reads fds[1] */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#define BUF_SIZE 30

int main(int argc, char *argv[])
{
	int fds[2];
	char str[]="Who are you?";
	char buf[BUF_SIZE];
	pid_t pid;

	memset(buf, 0, sizeof(buf));
	pipe(fds);
	pid=fork();
	if(pid==0)
	{
		write(fds[0], str, sizeof(str));
	}
	else
	{
		read(fds[1], buf, BUF_SIZE);
		printf("message: %s\n", buf);
	}
	return 0;
}
