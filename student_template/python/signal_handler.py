# signal_handler.py -- SIGALRM time-outs and a SIGINT handler (textbook ch. 10, signal.c)
# usage: python3 signal_handler.py
# "Time out!" every 2 s, three times; Ctrl-C prints "CTRL+C pressed".
import signal


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
