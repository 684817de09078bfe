# semaphore.py -- two threads take turns through two semaphores (textbook ch. 18)
# usage: python3 semaphore.py    One thread reads five numbers, the other adds them up
# and prints "Result: <sum>".
import sys
import threading

# TODO: sem_one = threading.Semaphore(0); sem_two = threading.Semaphore(1)
# TODO: 세마포어 두 개를 만드세요: sem_one = threading.Semaphore(0); sem_two = threading.Semaphore(1)
num = 0


def read():
    global num
    for _ in range(5):
        print("Input num: ", end="", flush=True)
        # TODO: sem_two.acquire() before storing, sem_one.release() after.
        # TODO: 저장하기 전에 sem_two.acquire(), 저장한 뒤 sem_one.release().
        num = int(sys.stdin.readline())


def accu():
    total = 0
    for _ in range(5):
        # TODO: sem_one.acquire() before adding, sem_two.release() after.
        # TODO: 더하기 전에 sem_one.acquire(), 더한 뒤 sem_two.release().
        total += num
    print("Result:", total)


t1 = threading.Thread(target=read)
t2 = threading.Thread(target=accu)
t1.start()
t2.start()
t1.join()
t2.join()
