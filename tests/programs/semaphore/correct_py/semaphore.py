# semaphore.py -- 읽는 스레드와 더하는 스레드가 세마포어 두 개로 번갈아 실행
import sys
import threading

sem_one = threading.Semaphore(0)  # 읽었으니 더해도 된다
sem_two = threading.Semaphore(1)  # 더했으니 다음 숫자를 읽어도 된다
num = 0


def read():
    global num
    for _ in range(5):
        print("숫자 입력: ", end="", flush=True)
        sem_two.acquire()
        num = int(sys.stdin.readline())
        sem_one.release()


def accu():
    total = 0
    for _ in range(5):
        sem_one.acquire()
        total += num
        sem_two.release()
    print("\n합계:", total)


t1 = threading.Thread(target=read)
t2 = threading.Thread(target=accu)
t1.start()
t2.start()
t1.join()
t2.join()
