/* Adversarial: allocates and touches memory without end, never checking malloc
 * (expected: memory limit). */
#include <stdlib.h>
#include <string.h>

int main(void)
{
    for (;;) {
        char *p = malloc(1 << 20);
        memset(p, 1, 1 << 20);
    }
}
