# mutex.py -- threads and a lock (textbook ch. 18). usage: python3 mutex.py
# 100 threads: half add 1 to num many times, half subtract 1 as many times; the result
# must be 0. Each update reads num, lets other threads run (time.sleep(0)), then writes:
# without a lock another thread's update in between is lost.
import threading
import time

NUM_THREAD = 100
LOOPS = 1000
num = 0
# TODO: lock = threading.Lock(), and hold it around every read-and-write (with lock: ...).
# TODO: lock = threading.Lock()을 만들고, 읽고 쓰는 동안 락을 잡으세요 (with lock: ...).


def thread_inc():
    global num
    for _ in range(LOOPS):
        value = num
        time.sleep(0)
        num = value + 1


def thread_des():
    global num
    for _ in range(LOOPS):
        value = num
        time.sleep(0)
        num = value - 1


# TODO: half the threads must subtract: target=thread_inc if i % 2 else thread_des
# TODO: 스레드의 절반은 빼야 합니다: target=thread_inc if i % 2 else thread_des
threads = [threading.Thread(target=thread_inc) for i in range(NUM_THREAD)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("result:", num)
