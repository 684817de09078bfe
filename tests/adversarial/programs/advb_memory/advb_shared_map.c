/* Adversarial: 1.5 GiB of shared anonymous memory, touched (RLIMIT_DATA does not count
 * shared mappings; expected: memory limit). */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
    size_t size = 1536u << 20;
    char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    memset(p, 1, size);
    printf("held %zu MiB\n", size >> 20);
    return 0;
}
