# sigaction.py -- SIGALRM time-outs (textbook ch. 10). usage: python3 sigaction.py
# "Time out!" every 2 s, three times, then the program ends. (Python's signal.signal()
# registers the handler with sigaction() itself.)
import signal


def timeout(signo, frame):
    print("Time out!")
    signal.alarm(2)


# TODO: register timeout for SIGALRM: signal.signal(signal.SIGALRM, timeout).
# TODO: signal.signal()로 SIGALRM 핸들러 timeout을 등록하세요.
signal.alarm(2)
for i in range(3):
    print("wait...")
    signal.pause()  # sleeps until a signal's handler has run
