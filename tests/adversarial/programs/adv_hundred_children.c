/* Adversarial: 100 children that sleep, and the parent exits (expected: passes; every
 * child is killed and reaped after the run). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    int made = 0;
    for (int i = 0; i < 100; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            for (;;)
                pause();
        }
        if (pid > 0)
            made++;
    }
    printf("forked %d children\n", made);
    return made == 100 ? 0 : 1;
}
