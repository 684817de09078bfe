# remove_zombie.py -- SIGCHLD 핸들러에서 끝난 자식을 모두 회수 (자식은 3초만 잔다)
import os
import signal
import time


def read_childproc(signo, frame):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if os.WIFEXITED(status):
            print("회수한 프로세스 ID: %d, 자식이 보낸 값: %d" % (pid, os.WEXITSTATUS(status)))


signal.signal(signal.SIGCHLD, read_childproc)

for code in (12, 24):
    pid = os.fork()
    if pid == 0:
        print("자식 프로세스입니다")
        time.sleep(3)
        os._exit(code)
    print("자식 프로세스 ID:", pid)

for i in range(5):
    print("기다리는 중...")
    time.sleep(5)
