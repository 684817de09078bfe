/* Adversarial: opens descriptors until it cannot (expected: stops at the open-files
 * limit, says how many, exits 0). */
#include <fcntl.h>
#include <stdio.h>

int main(void)
{
    int n = 0;
    while (open("/dev/null", O_RDONLY) >= 0)
        n++;
    printf("opened %d files\n", n);
    return 0;
}
