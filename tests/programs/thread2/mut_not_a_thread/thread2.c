/* MUTANT: main() calls thread_main() itself instead of pthread_create(): the work runs, but in no thread of its own */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
void* thread_main(void *arg);

int main(int argc, char *argv[])
{
	int thread_param=5;
	void * thr_ret;

	thr_ret=thread_main((void*)&thread_param);
	printf("Thread return message: %s \n", (char*)thr_ret);
	free(thr_ret);
	return 0;
}

void* thread_main(void *arg)
{
	int i;
	int cnt=*((int*)arg);
	char * msg=(char *)malloc(sizeof(char)*50);
	strcpy(msg, "Hello, I'am thread~ \n");

	for(i=0; i<cnt; i++)
	{
		sleep(1);  puts("running thread");
	}
	return (void*)msg;
}
