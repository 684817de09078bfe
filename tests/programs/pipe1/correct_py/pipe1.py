# pipe1.py -- 파이프로 자식이 부모에게 메시지를 보낸다
import os

rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(wfd, "Who are you?".encode())
    os._exit(0)
else:
    msg = os.read(rfd, 30).decode()
    print("부모가 받은 메시지:", msg, end="")  # 줄바꿈 없음: 종료할 때 출력된다
    os.waitpid(pid, 0)
