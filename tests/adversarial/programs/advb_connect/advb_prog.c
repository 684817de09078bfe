/* The program itself is harmless: the attack is in the Makefile. */
#include <stdio.h>

int main(void)
{
    puts("built and running");
    return 0;
}
