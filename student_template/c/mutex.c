/* mutex.c -- threads and a mutex (textbook ch. 18). usage: ./mutex
 * 100 threads: half add 1 to num LOOPS times, half subtract 1 as many times; the result
 * must be 0. Each update reads num, lets other threads run (sched_yield), then writes:
 * without a lock another thread's update in between is lost, on every run. (The
 * textbook's tight num+=1 loop can end at 0 by luck when its threads seldom overlap.) */
#include <stdio.h>
#include <pthread.h>
#include <sched.h>
#define NUM_THREAD	100
#define LOOPS	2000

void * thread_inc(void * arg);
void * thread_des(void * arg);

long long num=0;
pthread_mutex_t mutex;

int main(int argc, char *argv[])
{
	pthread_t thread_id[NUM_THREAD];
	int i;

	pthread_mutex_init(&mutex, NULL);
	for(i=0; i<NUM_THREAD; i++)
	{
		if(i%2)
			pthread_create(&(thread_id[i]), NULL, thread_inc, NULL);
		else
			pthread_create(&(thread_id[i]), NULL, thread_des, NULL);
	}
	for(i=0; i<NUM_THREAD; i++)
		pthread_join(thread_id[i], NULL);

	printf("result: %lld \n", num);
	pthread_mutex_destroy(&mutex);
	return 0;
}

void * thread_inc(void * arg)
{
	int i;
	/* TODO: guard the updates: pthread_mutex_lock(&mutex) ... pthread_mutex_unlock(&mutex)
	 * TODO: 갱신을 보호하세요: pthread_mutex_lock(&mutex) ... pthread_mutex_unlock(&mutex) */
	for(i=0; i<LOOPS; i++)
	{
		long long value = num;
		sched_yield();
		num = value + 1;
	}
	return NULL;
}
void * thread_des(void * arg)
{
	int i;
	/* TODO: the same lock here too. / TODO: 여기에도 같은 락을 거세요. */
	for(i=0; i<LOOPS; i++)
	{
		long long value = num;
		sched_yield();
		num = value - 1;
	}
	return NULL;
}
