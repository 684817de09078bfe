/* writev.c -- gather two buffers into one write to the console with writev() (textbook ch. 13)
 * usage: ./writev */
#include <stdio.h>
#include <sys/uio.h>

int main(void)
{
	struct iovec vec[2];
	char buf1[]="ABCDEFG";
	char buf2[]="1234567";
	int str_len;

	/* TODO: put the first 3 bytes of buf1 and the first 4 of buf2 in vec[0], vec[1]
	 *   (iov_base, iov_len) and write both to the console (descriptor 1) with ONE call:
	 *   str_len=writev(1, vec, 2);
	 * TODO: buf1의 앞 3바이트와 buf2의 앞 4바이트를 vec[0], vec[1]에 담고
	 *   writev(1, vec, 2) 한 번으로 콘솔(디스크립터 1)에 쓰세요. */
	(void)vec; (void)buf1; (void)buf2;
	str_len=0;
	puts("");
	printf("Write bytes: %d \n", str_len);
	return 0;
}
