/* MUTANT: I pass NULL as the timeout, so select() waits forever and never reports a time-out */
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

	FD_ZERO(&reads);
	FD_SET(0, &reads); // 0 is standard input(console)

	while(1)
	{
		temps=reads;
		result=select(1, &temps, 0, 0, NULL);
		if(result==-1)
		{
			puts("select() error!");
			break;
		}
		else if(result==0)
		{
			puts("Time-out!");
		}
		else
		{
			if(FD_ISSET(0, &temps))
			{
				str_len=read(0, buf, BUF_SIZE-1);
				if(str_len<=0)
					break;
				buf[str_len]=0;
				printf("message from console: %s", buf);
			}
		}
	}
	return 0;
}
