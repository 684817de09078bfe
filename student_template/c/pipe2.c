/* pipe2.c -- one pipe both ways (textbook ch. 11): the child sleeps 2 s after writing so that it does
 * not read its own message back.
 * usage: ./pipe2     The parent prints the child's "Who are you?"; the child prints the
 * parent's "Thank you for your message". */
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
		/* TODO: read the parent's reply: read(fds[0], buf, BUF_SIZE);
		 * TODO: 부모의 답을 읽으세요: read(fds[0], buf, BUF_SIZE); */
		printf("Child proc output: %s \n",  buf);
	}
	else
	{
		read(fds[0], buf, BUF_SIZE);
		printf("Parent proc output: %s \n", buf);
		/* TODO: answer: write(fds[1], str2, sizeof(str2)); then sleep(3) so the child can print it.
		 * TODO: 답하세요: write(fds[1], str2, sizeof(str2)); 그리고 자식이 출력할 수 있게 sleep(3). */
		(void)str2;
	}
	return 0;
}
