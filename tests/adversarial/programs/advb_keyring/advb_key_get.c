/* Adversarial: looks for the key an earlier run left, and for a key of the grader's own
 * session keyring (exit 1 if it finds either). */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_SEARCH 10

int main(void)
{
    const long rings[] = {-4, -5, -3};  /* @u, @us, @s */
    const char *names[] = {"@u", "@us", "@s"};
    const char *keys[] = {"advb_secret", "advb_grader_secret"};
    int found = 0;
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++)
            if (syscall(SYS_keyctl, KEYCTL_SEARCH, rings[i], "user", keys[k], 0) >= 0) {
                printf("FOUND %s in %s\n", keys[k], names[i]);
                found = 1;
            }
    if (!found)
        puts("no key");
    return found;
}
