# signal.py -- SIGALRM 타임아웃과 SIGINT 핸들러
import sys

del sys.path[0]  # 이 파일 이름이 signal.py라서, 안 지우면 import signal이 자기 자신을 불러온다
import signal  # noqa: E402
import time  # noqa: E402


def timeout(signo, frame):
    print("타임아웃!")
    signal.alarm(2)


def keycontrol(signo, frame):
    print("CTRL+C 눌림")


signal.signal(signal.SIGALRM, timeout)
signal.signal(signal.SIGINT, keycontrol)
signal.alarm(2)
for i in range(3):
    print("대기 중...")
    try:
        # time.sleep은 시그널 뒤에 남은 시간을 다시 자므로, signal.pause()로 한 번만 기다린다
        signal.pause()
    except InterruptedError:
        pass
