# sigint.py -- a SIGINT handler (the IPC lecture). usage: python3 sigint.py
# Waits for Ctrl-C; the handler prints a message and ends the program with exit code 0.
import signal


def handler(signo, frame):
    print("SIGINT caught")
    # TODO: end the program here with exit code 0: sys.exit(0) (import sys).
    # TODO: 여기서 종료 코드 0으로 프로그램을 끝내세요: sys.exit(0) (import sys).


# TODO: register the handler before waiting: signal.signal(signal.SIGINT, handler).
# TODO: 기다리기 전에 핸들러를 등록하세요: signal.signal(signal.SIGINT, handler).
print("press Ctrl+C...")
while True:
    signal.pause()
