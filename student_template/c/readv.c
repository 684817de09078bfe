/* readv.c -- scatter one read into two buffers with readv() (textbook ch. 13)
 * usage: ./readv   (type one line) */
#include <stdio.h>
#include <sys/uio.h>
#define BUF_SIZE 100

int main(int argc, char *argv[])
{
	struct iovec vec[2];
	char buf1[BUF_SIZE]={0,};
	char buf2[BUF_SIZE]={0,};
	int str_len;

	/* TODO: vec[0] is buf1 with room for 5 bytes, vec[1] is buf2 (BUF_SIZE-1, so a NUL
	 *   stays at the end); read the console line with one call: str_len=readv(0, vec, 2);
	 * TODO: vec[0]은 5바이트짜리 buf1, vec[1]은 buf2(BUF_SIZE-1)로 정하고
	 *   readv(0, vec, 2) 한 번으로 콘솔의 한 줄을 읽으세요. */
	(void)vec;
	str_len=0;
	printf("Read bytes: %d \n", str_len);
	printf("First message: %s \n", buf1);
	printf("Second message: %s \n", buf2);
	return 0;
}
