/* pipe2.c with the messages in the student's own words ("Who R U?", "Thank U for UR
   message"), as real students' repositories have them */
/* pipe2.c -- the textbook's code (ch. 11) */
#include <stdio.h>
#include <unistd.h>
#define BUF_SIZE 30

int main(int argc, char *argv[])
{
	int fds[2];
	char str1[]="Who R U?...";
	char str2[]="Thank U for UR message";
	char buf[BUF_SIZE];
	pid_t pid;

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
		write(fds[1], str2, sizeof(str2));
		sleep(3);
	}
	return 0;
}
