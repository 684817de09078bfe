/* Adversarial: leaves SysV shm, semaphores and message queues, POSIX shm and semaphores,
 * a FIFO and temp files behind (expected: passes; nothing of it outlives the run). */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    int ok = 0;
    char tmp[] = "/tmp/adv_tmp_XXXXXX";
    ok += shmget(0x5ca1ab1e, 4096, IPC_CREAT | 0666) >= 0;
    ok += semget(0x5ca1ab1f, 1, IPC_CREAT | 0666) >= 0;
    ok += msgget(0x5ca1ab20, IPC_CREAT | 0666) >= 0;
    ok += shm_open("/adv_shm", O_CREAT | O_RDWR, 0666) >= 0;
    ok += sem_open("/adv_sem", O_CREAT, 0666, 1) != SEM_FAILED;
    ok += mkfifo("/tmp/adv_fifo", 0666) == 0;
    ok += mkstemp(tmp) >= 0;
    printf("made %d of 7 objects\n", ok);
    return 0;
}
