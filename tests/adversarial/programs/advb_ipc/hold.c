/* Run by the Makefile: leaves a 256 MiB System V segment (touched) and a /dev/shm file. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

int main(void)
{
    size_t size = 256u << 20;
    int id = shmget(0x5CA1B000, size, IPC_CREAT | 0666);
    if (id < 0) {
        perror("shmget");
        return 0;
    }
    char *p = shmat(id, NULL, 0);
    if (p != (void *)-1) {
        memset(p, 1, size);
        shmdt(p);
    } else {
        perror("shmat");
    }
    int fd = open("/dev/shm/advb_ipc_file", O_WRONLY | O_CREAT, 0666);
    if (fd >= 0) {
        static char mib[1 << 20];
        for (int i = 0; i < 8; i++)
            if (write(fd, mib, sizeof mib) < 0)
                break;
        close(fd);
    }
    return 0;
}
