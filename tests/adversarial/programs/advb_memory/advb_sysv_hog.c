/* Adversarial: 512 MiB of System V shared memory. One segment first; if that is refused,
 * 32 MiB segments, each attached, touched and detached (so the process's own address
 * space stays small) and kept. Expected: memory limit. */
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static int hold(size_t size)
{
    int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
    if (id < 0)
        return -1;
    char *p = shmat(id, NULL, 0);
    if (p == (void *)-1) {
        perror("shmat");
        return -2;
    }
    memset(p, 1, size);
    shmdt(p);
    return 0;
}

int main(void)
{
    size_t total = 512u << 20, chunk = 32u << 20;
    if (hold(total) == 0) {
        puts("held 512 MiB in one segment");
        return 0;
    }
    for (size_t held = 0; held < total; held += chunk) {
        int r = hold(chunk);
        if (r == -1)
            perror("shmget");
        if (r)
            return 1;
    }
    puts("held 512 MiB in segments");
    return 0;
}
