# pipe3.py -- 파이프 두 개: 자식->부모, 부모->자식
import os

to_parent_r, to_parent_w = os.pipe()
to_child_r, to_child_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(to_parent_r)
    os.close(to_child_w)
    os.write(to_parent_w, b"Who are you?")
    reply = os.read(to_child_r, 30).decode()
    print("자식 프로세스 출력: " + reply, end="", flush=True)
    os._exit(0)
os.close(to_parent_w)
os.close(to_child_r)
print("부모 프로세스 출력:", os.read(to_parent_r, 30).decode())
os.write(to_child_w, b"Thank you for your message")
os.waitpid(pid, 0)
