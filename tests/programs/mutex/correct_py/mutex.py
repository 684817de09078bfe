# mutex.py -- 스레드 100개가 공유 변수를 더하고 빼는데, 락으로 보호하므로 결과는 0
# (읽기와 쓰기 사이에 sleep(0)을 넣어 다른 스레드가 끼어들 틈을 일부러 만든다)
import threading
import time

NUM_THREAD = 100
LOOPS = 300
num = 0
lock = threading.Lock()


def thread_inc():
    global num
    for _ in range(LOOPS):
        with lock:
            value = num
            time.sleep(0)
            num = value + 1


def thread_des():
    global num
    for _ in range(LOOPS):
        with lock:
            value = num
            time.sleep(0)
            num = value - 1


threads = [threading.Thread(target=thread_inc if i % 2 else thread_des) for i in range(NUM_THREAD)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("결과:", num, end="")  # 줄바꿈 없음: 종료할 때 출력된다
