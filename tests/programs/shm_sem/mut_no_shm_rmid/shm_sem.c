/* MUTANT: forgets shmctl(IPC_RMID): the segment is left in the system */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#define SHM_SIZE 1024

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static void error_handling(const char *msg)
{
    perror(msg);
    exit(1);
}

int main(int argc, char *argv[])
{
    int shmid, semid;
    union semun arg;
    struct sembuf p = {0, -1, SEM_UNDO}, v = {0, 1, SEM_UNDO};
    char *shm;
    pid_t pid;

    if (argc != 2) {
        printf("Usage : %s <message>\n", argv[0]);
        exit(1);
    }
    shmid = shmget((key_t)1234, SHM_SIZE, IPC_CREAT | 0666);
    if (shmid == -1)
        error_handling("shmget() error");
    semid = semget((key_t)1234, 1, IPC_CREAT | 0666);
    if (semid == -1)
        error_handling("semget() error");
    arg.val = 0;
    if (semctl(semid, 0, SETVAL, arg) == -1)
        error_handling("semctl(SETVAL) error");

    pid = fork();
    if (pid == 0) {
        /* reader: wait until the writer says the segment is filled */
        if (semop(semid, &p, 1) == -1)
            error_handling("semop() error");
        shm = shmat(shmid, NULL, 0);
        if (shm == (void *)-1)
            error_handling("shmat() error");
        printf("Reader read: %s\n", shm);
        shmdt(shm);
        return 0;
    }
    shm = shmat(shmid, NULL, 0);
    if (shm == (void *)-1)
        error_handling("shmat() error");
    strncpy(shm, argv[1], SHM_SIZE - 1);
    printf("Writer wrote: %s\n", argv[1]);
    fflush(stdout);
    semop(semid, &v, 1);
    waitpid(pid, NULL, 0);
    shmdt(shm);
    semctl(semid, 0, IPC_RMID);
    return 0;
}
