/* Adversarial: tries to become root (expected: it cannot; says so and exits 0). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    if (setuid(0) == 0 && getuid() == 0)
        printf("setuid: ROOT\n");
    else
        printf("setuid: refused, still uid %d\n", (int)getuid());
    return 0;
}
