# sigaction.py -- 파이썬의 signal.signal()은 내부적으로 sigaction()을 쓴다
import signal
import sys


def timeout(signo, frame):
    sys.stdout.write("시간 초과!")  # 줄바꿈 없이: flush로 바로 내보낸다
    sys.stdout.flush()
    signal.alarm(2)


signal.signal(signal.SIGALRM, timeout)
signal.alarm(2)
for i in range(3):
    print("기다리는 중...")
    signal.pause()
