/* select.c -- wait on the console with select() and a 5-second time-out (textbook ch. 12)
 * usage: ./select
 * Again and again: print a time-out message when nothing was typed for 5 seconds, or
 * the line that was typed. */
#include <stdio.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/select.h>
#define BUF_SIZE 30

int main(int argc, char *argv[])
{
	fd_set reads, temps;
	int result, str_len;
	char buf[BUF_SIZE];
	struct timeval timeout;

	FD_ZERO(&reads);
	FD_SET(0, &reads);	/* 0 is standard input (the console) */

	while(1)
	{
		temps=reads;	/* select() clears the bits that are not ready: pass a copy */
		/* TODO: set the time-out here, inside the loop (select() counts it down):
		 *   timeout.tv_sec=5; timeout.tv_usec=0;
		 * TODO: 타임아웃을 반복문 안에서 매번 설정하세요(select()가 값을 줄여 놓습니다). */
		timeout.tv_sec=0;
		timeout.tv_usec=0;
		result=select(1, &temps, 0, 0, &timeout);
		if(result==-1)
		{
			puts("select() error!");
			break;
		}
		else if(result==0)
		{
			/* TODO: nothing typed for 5 s: print a time-out message, e.g. puts("Time-out!");
			 * TODO: 5초 동안 입력이 없음: 타임아웃 메시지를 출력하세요. */
			usleep(100000);
		}
		else if(FD_ISSET(0, &temps))
		{
			str_len=read(0, buf, BUF_SIZE-1);
			if(str_len<=0)
				break;
			buf[str_len]=0;
			/* TODO: print the line: printf("message from console: %s", buf);
			 * TODO: 읽은 줄을 출력하세요. */
		}
	}
	return 0;
}
