/* Adversarial: leaves a key in the uid's user keyring (@u), user session keyring (@us)
 * and session keyring (@s), for a later run of the same slot uid to read. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    const long rings[] = {-4, -5, -3};  /* @u, @us, @s */
    for (int i = 0; i < 3; i++) {
        long id = syscall(SYS_add_key, "user", "advb_secret", "the answer", 10, rings[i]);
        if (id < 0)
            perror("add_key");
    }
    puts("planted");
    return 0;
}
