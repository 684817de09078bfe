/* Adversarial: fills a file without end (expected: output limit, file size). */
#include <stdio.h>
#include <string.h>

int main(void)
{
    static char block[65536];
    FILE *f = fopen("filler.bin", "w");
    memset(block, 'x', sizeof block);
    for (;;)
        fwrite(block, 1, sizeof block, f);
}
