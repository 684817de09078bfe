# signal.py -- SIGALRM time-outs and a SIGINT handler (textbook ch. 10). usage: python3 signal.py
# "Time out!" every 2 s, three times; Ctrl-C prints "CTRL+C pressed".
import sys

# This file is called signal.py: without the next line, `import signal` would import this
# very file instead of Python's signal module. Keep it.
# 이 파일 이름이 signal.py라서, 다음 줄이 없으면 import signal이 파이썬의 signal 모듈 대신
# 이 파일 자신을 불러옵니다. 지우지 마세요.
del sys.path[0]
import signal  # noqa: E402


def timeout(signo, frame):
    print("Time out!")
    # TODO: signal.alarm(2) again, so the next time-out comes 2 s later.
    # TODO: 2초 뒤에 다음 타임아웃이 오도록 여기서 다시 signal.alarm(2) 하세요.


def keycontrol(signo, frame):
    print("CTRL+C pressed")


# TODO: register the handlers: signal.signal(signal.SIGALRM, timeout) and
#   signal.signal(signal.SIGINT, keycontrol).
# TODO: signal.signal()로 SIGALRM에는 timeout, SIGINT에는 keycontrol을 등록하세요.
signal.alarm(2)
for i in range(3):
    print("wait...")
    signal.pause()  # sleeps until a signal's handler has run
