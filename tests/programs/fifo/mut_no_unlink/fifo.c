/* MUTANT: the FIFO is never unlinked (a second run fails: mkfifo() says it exists) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define FIFO_NAME "myfifo"
#define BUF_SIZE 1024

static void error_handling(const char *msg)
{
    perror(msg);
    exit(1);
}

int main(int argc, char *argv[])
{
    char buf[BUF_SIZE];
    int fd, len;
    pid_t pid;

    if (argc != 2) {
        printf("Usage : %s <message>\n", argv[0]);
        exit(1);
    }
    if (mkfifo(FIFO_NAME, 0666) == -1)
        error_handling("mkfifo() error");

    pid = fork();
    if (pid == 0) {
        fd = open(FIFO_NAME, O_WRONLY);  /* blocks until the reader opens it */
        if (fd == -1)
            error_handling("open() error");
        write(fd, argv[1], strlen(argv[1]));
        close(fd);
        return 0;
    }
    fd = open(FIFO_NAME, O_RDONLY);
    if (fd == -1)
        error_handling("open() error");
    len = read(fd, buf, BUF_SIZE - 1);
    if (len < 0)
        len = 0;
    buf[len] = 0;
    printf("Reader read: %s\n", buf);
    close(fd);
    waitpid(pid, NULL, 0);
    return 0;
}
