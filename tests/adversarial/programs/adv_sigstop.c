/* Adversarial: stops itself with SIGSTOP (expected: time limit, wall; still reaped). */
#include <signal.h>
#include <stdio.h>

int main(void)
{
    printf("stopping myself\n");
    fflush(stdout);
    raise(SIGSTOP);
    return 0;
}
