# waitpid.py -- WNOHANG으로 기다리는 동안 부모는 다른 일을 한다 (자식은 9초만 잔다)
import os
import sys
import time

pid = os.fork()
if pid == 0:
    time.sleep(9)
    sys.exit(24)

while True:
    done, status = os.waitpid(-1, os.WNOHANG)
    if done != 0:
        break
    time.sleep(3)
    print("3초 대기")

if os.WIFEXITED(status):
    print("자식이 보낸 값:", os.WEXITSTATUS(status))
