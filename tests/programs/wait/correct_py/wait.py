# wait.py -- 두 자식의 종료 값을 wait로 받는다
import os
import sys
import time

pid = os.fork()
if pid == 0:
    sys.exit(3)
print("자식 PID:", pid)
pid = os.fork()
if pid == 0:
    os._exit(7)
print("자식 PID:", pid)
for _ in range(2):
    done, status = os.wait()
    if os.WIFEXITED(status):
        print("자식이 보낸 값: %d" % os.WEXITSTATUS(status))
time.sleep(30)
