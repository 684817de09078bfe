# thread2.py -- a thread's output and its result (textbook ch. 18). usage: python3 thread2.py
# The thread prints "running thread" five times and leaves a message; the main thread
# waits for it and prints "Thread return message: ...".
import time

result = {}


def thread_main(cnt):
    for _ in range(cnt):
        time.sleep(1)
        print("running thread")
    result["msg"] = "Hello, I'am thread~"


# TODO: t = threading.Thread(target=thread_main, args=(5,)) (import threading); t.start();
#   t.join(); then print("Thread return message:", result["msg"]).
# TODO: threading.Thread로 thread_main을 스레드로 시작하고 (start), join()으로 기다린 뒤
#   result["msg"]를 출력하세요.
print("end of main")
