/* thread2.c -- a thread's output and its return value (textbook ch. 18). usage: ./thread2
 * The thread prints "running thread" five times and returns a malloc()ed message;
 * main() waits for it and prints "Thread return message: ...". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
void* thread_main(void *arg);

int main(int argc, char *argv[])
{
	int thread_param=5;

	/* TODO: pthread_t t_id; void *thr_ret;
	 *   pthread_create(&t_id, NULL, thread_main, (void*)&thread_param);
	 *   pthread_join(t_id, &thr_ret); then print (char*)thr_ret and free() it.
	 * TODO: pthread_create()로 thread_main을 스레드로 시작하고, pthread_join(t_id, &thr_ret)으로
	 *   기다린 뒤 (char*)thr_ret을 출력하고 free() 하세요. */
	(void)thread_param;
	puts("end of main");
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
