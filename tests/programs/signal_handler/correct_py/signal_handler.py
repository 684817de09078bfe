# signal_handler.py -- SIGALRM 타임아웃과 SIGINT 핸들러 (교재의 signal.c)
import signal


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
