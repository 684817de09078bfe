/* fork.c -- parent and child each have their own copy of the variables (textbook ch. 10).
 * usage: ./fork
 * The child must print [13, 27] and the parent [9, 23]. */
#include <stdio.h>
#include <unistd.h>

int gval=10;
int main(int argc, char *argv[])
{
	pid_t pid=1;
	int lval=20;
	gval++, lval+=5;

	/* TODO: pid=fork(); then the child (pid==0) adds 2 to gval and lval, the parent
	 *   subtracts 2 (if ... else ...).
	 * TODO: pid=fork(); 자식(pid==0)은 gval과 lval에 2를 더하고, 부모는 2를 빼세요. */

	if(pid==0)
		printf("Child Proc: [%d, %d] \n", gval, lval);
	else
		printf("Parent Proc: [%d, %d] \n", gval, lval);
	return 0;
}
