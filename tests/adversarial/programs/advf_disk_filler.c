/* Adversarial (files): writes 1 MiB files, each under the per-file limit, until the
 * disk refuses or 64 MiB are written, and exits 0 either way.
 * Expected: failed with "disk limit" (the spec allows 16 MiB of working directory). */
#include <stdio.h>
#include <string.h>

int main(void)
{
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 64; i++) {
        char name[32];
        snprintf(name, sizeof name, "fill%02d.bin", i);
        FILE *f = fopen(name, "w");
        if (!f || fwrite(block, 1, sizeof block, f) != sizeof block || fclose(f) != 0)
            break;
    }
    printf("filled\n");
    return 0;
}
