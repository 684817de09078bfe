/* Adversarial: spins on the CPU and never ends (expected: time limit, CPU). */
int main(void)
{
    volatile unsigned long n = 0;
    for (;;)
        n++;
}
