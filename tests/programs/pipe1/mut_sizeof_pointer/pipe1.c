/* MUTANT: the message is a char* and the child writes sizeof(str) bytes: the size of a pointer, 8 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#define BUF_SIZE 30

int main(int argc, char *argv[])
{
	int fds[2];
	char *str="Who are you?";
	char buf[BUF_SIZE];
	pid_t pid;

	memset(buf, 0, sizeof(buf));
	pipe(fds);
	pid=fork();
	if(pid==0)
	{
		write(fds[1], str, sizeof(str));
	}
	else
	{
		read(fds[0], buf, BUF_SIZE-1);
		puts(buf);
	}
	return 0;
}
