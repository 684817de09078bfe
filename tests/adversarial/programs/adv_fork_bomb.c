/* Adversarial: fork bomb (expected: bounded by the process limit, then a time limit). */
#include <unistd.h>

int main(void)
{
    for (;;)
        fork();
}
