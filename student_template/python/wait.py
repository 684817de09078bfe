# wait.py -- collect the children's exit statuses with wait() (textbook ch. 10)
# usage: python3 wait.py      Two children end with 3 and 7; the parent prints both values.
import os
import sys
import time

pid = os.fork()
if pid == 0:
    sys.exit(3)
print("Child PID:", pid)
pid = os.fork()
if pid == 0:
    os._exit(7)
print("Child PID:", pid)

# TODO: once per child (twice): pid, status = os.wait(); print os.WEXITSTATUS(status)
#   when os.WIFEXITED(status).
# TODO: 자식마다 한 번씩(두 번) os.wait()를 호출하고, os.WIFEXITED(status)이면
#   os.WEXITSTATUS(status)를 출력하세요.

time.sleep(30)
