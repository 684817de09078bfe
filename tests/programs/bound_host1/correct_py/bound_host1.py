# bound_host1.py -- 데이터그램 세 개를 recvfrom() 세 번으로 받음 (경계가 유지됨)
import socket
import sys
import time

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 2:
        print("사용법 : %s <port>" % sys.argv[0])
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", int(sys.argv[1])))

    for i in range(3):
        time.sleep(1)  # 세 개가 모두 도착한 뒤에 읽어도 경계는 그대로
        message, _ = sock.recvfrom(BUF_SIZE)
        text = message.split(b"\0")[0].decode(errors="replace")
        print("메시지 %d: %s" % (i + 1, text))

    sock.close()


if __name__ == "__main__":
    main()
