# waitpid.py -- wait for a child without blocking (textbook ch. 10). usage: python3 waitpid.py
# The child sleeps 15 s and ends with 24; meanwhile the parent prints "sleep 3sec." every
# 3 s, then prints the child's exit value.
import os
import sys
import time

pid = os.fork()
if pid == 0:
    time.sleep(15)
    sys.exit(24)

status = 0
# TODO: loop while os.waitpid(-1, os.WNOHANG) returns pid 0: time.sleep(3) and print
#   "sleep 3sec."; keep the status it returns at the end.
# TODO: os.waitpid(-1, os.WNOHANG)가 pid 0을 반환하는 동안 time.sleep(3) 하고
#   "sleep 3sec."를 출력하세요. 마지막에 받은 status를 쓰세요.

if os.WIFEXITED(status):
    print("Child send", os.WEXITSTATUS(status))
