/* Adversarial: double fork + setsid daemon; the parent exits 0 at once (expected: passes,
 * and the daemon is gone after the run). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            close(0);
            close(1);
            close(2);
            for (;;)
                pause();
        }
        _exit(0);
    }
    printf("daemon started\n");
    return 0;
}
