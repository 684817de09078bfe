/* Adversarial (files): learns nothing of the behaviour from its working directory, then
 * leaves a 3000-deep chain of folders there, the deepest unreadable and holding a link
 * to / (a cleanup that recursed, or followed links, as root would break or escape).
 * Expected: exit 0, the tree removed, the behaviour graded (no grader error). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd) || strstr(cwd, "deep_dirs")) {
        printf("my working directory names the behaviour: %s\n", cwd);
        return 2;
    }
    for (int i = 0; i < 3000; i++)
        if (mkdir("d", 0755) != 0 || chdir("d") != 0) {
            perror("mkdir/chdir");
            return 1;
        }
    if (symlink("/", "root") != 0 || mkdir("locked", 0755) != 0
        || symlink("/etc", "locked/etc") != 0 || chmod("locked", 0) != 0) {
        perror("symlink/chmod");
        return 1;
    }
    printf("left 3000 folders\n");
    return 0;
}
