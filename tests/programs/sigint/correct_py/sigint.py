# sigint.py -- a SIGINT handler that prints and exits 0
import signal
import sys


def handler(signo, frame):
    print("caught SIGINT, bye")
    sys.exit(0)


signal.signal(signal.SIGINT, handler)
print("press Ctrl+C ...")
while True:
    signal.pause()
