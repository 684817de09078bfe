# 표준 입력을 5초 타임아웃으로 select() 하기
# (the file is named select.py like the assignment: import the module under its own
#  name first, before this directory shadows it)
import os
import sys

sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import select  # noqa: E402

BUF_SIZE = 30


def main():
    while True:
        ready, _, _ = select.select([0], [], [], 5.0)
        if not ready:
            print("시간 초과!", flush=True)
            continue
        data = os.read(0, BUF_SIZE)
        if not data:
            break
        print("콘솔에서 받은 메시지:", data.decode(errors="replace"), end="", flush=True)


if __name__ == "__main__":
    main()
