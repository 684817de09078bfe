/* pipe1.c -- the child sends the parent a message through a pipe (textbook ch. 11).
 * usage: ./pipe1      The parent prints "Who are you?", which it read from the pipe. */
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
		/* TODO: write the whole message (sizeof(str) bytes) into fds[1], the write end.
		 * TODO: 메시지 전체(sizeof(str) 바이트)를 쓰기 끝 fds[1]에 쓰세요. */
		(void)str;
	}
	else
	{
		/* TODO: read(fds[0], buf, BUF_SIZE) from the read end before printing.
		 * TODO: 출력하기 전에 읽기 끝 fds[0]에서 read(fds[0], buf, BUF_SIZE) 하세요. */
		puts(buf);
	}
	return 0;
}
