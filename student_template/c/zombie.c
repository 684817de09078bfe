/* zombie.c -- a zombie on purpose (textbook ch. 10). usage: ./zombie
 * The child ends at once; the parent sleeps 30 s without wait(), so the child stays a
 * zombie meanwhile (see it with `ps au`: state Z). */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	pid_t pid=0;

	/* TODO: pid=fork(); the child prints a line and returns; the parent prints the
	 *   child's PID (pid) and sleep(30)s.
	 * TODO: pid=fork(); 자식은 한 줄 출력하고 반환하고, 부모는 자식의 PID(pid)를 출력한 뒤
	 *   sleep(30) 하세요. */

	if(pid==0)
		puts("End child process");
	else
		puts("End parent process");
	return 0;
}
