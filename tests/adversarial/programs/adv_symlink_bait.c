/* Adversarial: instead of writing its output file, links it to a file outside its
 * directory, hoping the grader reads or writes through the link (expected: the grader
 * does not follow it: no such output file). */
#include <unistd.h>

int main(void)
{
    symlink("/etc/hostname", "received.txt");
    symlink("/etc", "etc_link");
    return 0;
}
