/* Adversarial build: the preprocessor reads /dev/zero without end (memory limit). */
#include "/dev/zero"

int main(void) { return 0; }
