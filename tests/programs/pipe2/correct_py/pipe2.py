# pipe2.py -- 파이프 하나로 주고받기 (자식이 자기 메시지를 다시 읽지 않도록 2초 쉰다)
import os
import time

rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(wfd, b"Who are you?")
    time.sleep(2)
    print("자식 프로세스 출력:", os.read(rfd, 30).decode())
    os._exit(0)
print("부모 프로세스 출력:", os.read(rfd, 30).decode())
os.write(wfd, b"Thank you for your message")
os.waitpid(pid, 0)
