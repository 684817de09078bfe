# thread2.py -- 스레드를 만들고, 끝날 때까지 기다린 뒤 반환 값을 출력
import threading
import time

result = {}


def thread_main(cnt):
    for _ in range(cnt):
        time.sleep(1)
        print("스레드 실행 중")
    result["msg"] = "Hello, 스레드입니다~"  # 파이썬 스레드는 값을 반환하지 않으므로 공유 dict에 담는다


t = threading.Thread(target=thread_main, args=(5,))
t.start()
t.join()
print("스레드가 돌려준 메시지:", result["msg"])
