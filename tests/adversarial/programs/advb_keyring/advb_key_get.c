/* Adversarial: looks for the key an earlier run left (exit 1 if found). */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_SEARCH 10

int main(void)
{
    const long rings[] = {-4, -5, -3};  /* @u, @us, @s */
    const char *names[] = {"@u", "@us", "@s"};
    int found = 0;
    for (int i = 0; i < 3; i++) {
        long id = syscall(SYS_keyctl, KEYCTL_SEARCH, rings[i], "user", "advb_secret", 0);
        if (id >= 0) {
            printf("FOUND in %s\n", names[i]);
            found = 1;
        }
    }
    if (!found)
        puts("no key");
    return found;
}
