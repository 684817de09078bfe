# select.py -- wait on the console with select() and a 5-second time-out (textbook ch. 12)
# usage: python3 select.py
# Again and again: print a time-out message when nothing was typed for 5 seconds, or
# the line that was typed.
import os
import sys

# this file is called select.py: keep its own directory off the path, or
# `import select` would import this file instead of the module
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
import select  # noqa: E402

BUF_SIZE = 30


def main():
    while True:
        # TODO: wait at most 5 seconds: select.select([0], [], [], 5.0)
        # TODO: 최대 5초만 기다리세요: select.select([0], [], [], 5.0)
        ready, _, _ = select.select([0], [], [])
        if not ready:
            pass  # TODO: print a time-out message / 타임아웃 메시지를 출력하세요
            continue
        data = os.read(0, BUF_SIZE)
        if not data:
            break
        # TODO: print the line you read / 읽은 줄을 출력하세요
        del data


if __name__ == "__main__":
    main()
