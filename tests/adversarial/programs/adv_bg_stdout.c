/* Adversarial: a background child keeps stdout open after the parent exits (expected:
 * passes; the grader does not wait for the child). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    if (fork() == 0) {
        for (;;)
            pause();
    }
    printf("parent done\n");
    return 0;
}
