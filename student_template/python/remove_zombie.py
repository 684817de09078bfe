# remove_zombie.py -- reap children in a SIGCHLD handler (textbook ch. 10)
# usage: python3 remove_zombie.py    Two children end with 12 and 24 after 10 s; the
# handler reaps them and prints each exit value.
import os
import time


def read_childproc(signo, frame):
    # TODO: reap ALL ended children (two may end together and send one SIGCHLD): loop
    #   os.waitpid(-1, os.WNOHANG) until it returns pid 0 or raises ChildProcessError,
    #   printing os.WEXITSTATUS(status) for each.
    # TODO: 끝난 자식을 모두 거두세요(SIGCHLD는 쌓이지 않습니다): os.waitpid(-1, os.WNOHANG)를
    #   반복하며 os.WEXITSTATUS(status)를 출력하세요.
    pass


# TODO: register the handler: signal.signal(signal.SIGCHLD, read_childproc) (import signal).
# TODO: signal.signal()로 SIGCHLD 핸들러 read_childproc을 등록하세요. (import signal)

for code in (12, 24):
    pid = os.fork()
    if pid == 0:
        print("Hi! I'm child process")
        time.sleep(10)
        os._exit(code)
    print("Child proc id:", pid)

for i in range(5):
    print("wait...")
    time.sleep(5)
