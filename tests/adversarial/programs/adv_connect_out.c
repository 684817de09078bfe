/* Adversarial: connects to an outside address, TEST-NET-1 192.0.2.1 (expected: no route
 * inside the namespace, so no packet leaves; says so and exits 0). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80)};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    inet_pton(AF_INET, "192.0.2.1", &a.sin_addr);
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
        printf("connect: CONNECTED\n");
    else
        printf("connect: %s\n", strerror(errno));
    return 0;
}
