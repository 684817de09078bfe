/* semaphore.c -- two threads take turns through two semaphores (textbook ch. 18).
 * usage: ./semaphore    One thread reads five numbers, the other adds them up and
 * prints "Result: <sum>". */
#include <stdio.h>
#include <pthread.h>
#include <semaphore.h>

void * read_num(void * arg);
void * accu(void * arg);
static sem_t sem_one;
static sem_t sem_two;
static int num;

int main(int argc, char *argv[])
{
	pthread_t id_t1, id_t2;
	sem_init(&sem_one, 0, 0);	/* "a number is there to add" */
	sem_init(&sem_two, 0, 1);	/* "the adder took it: read the next" */

	pthread_create(&id_t1, NULL, read_num, NULL);
	pthread_create(&id_t2, NULL, accu, NULL);
	pthread_join(id_t1, NULL);
	pthread_join(id_t2, NULL);
	sem_destroy(&sem_one);
	sem_destroy(&sem_two);
	return 0;
}

void * read_num(void * arg)
{
	int i;
	for(i=0; i<5; i++)
	{
		fputs("Input num: ", stdout);
		/* TODO: sem_wait(&sem_two) before storing, sem_post(&sem_one) after.
		 * TODO: 저장하기 전에 sem_wait(&sem_two), 저장한 뒤 sem_post(&sem_one). */
		if(scanf("%d", &num)!=1)
			break;
	}
	return NULL;
}
void * accu(void * arg)
{
	int sum=0, i;
	for(i=0; i<5; i++)
	{
		/* TODO: sem_wait(&sem_one) before adding, sem_post(&sem_two) after.
		 * TODO: 더하기 전에 sem_wait(&sem_one), 더한 뒤 sem_post(&sem_two). */
		sum+=num;
	}
	printf("Result: %d \n", sum);
	return NULL;
}
