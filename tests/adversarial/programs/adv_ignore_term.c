/* Adversarial: ignores SIGTERM (expected: still running after it; killed at teardown). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    signal(SIGTERM, SIG_IGN);
    printf("ignoring SIGTERM\n");
    fflush(stdout);
    for (;;)
        pause();
}
