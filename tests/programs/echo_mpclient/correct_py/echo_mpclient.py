# echo_mpclient.py -- 입출력 분리: 부모는 읽기만, 자식은 쓰기만
import os
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("Usage : python3 echo_mpclient.py <IP> <port>")
        sys.exit(1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        print("connect() 오류", file=sys.stderr)
        sys.exit(1)

    pid = os.fork()
    if pid == 0:  # 자식: 키보드 -> 서버
        for line in sys.stdin:
            if line in ("q\n", "Q\n"):
                sock.shutdown(socket.SHUT_WR)  # 서버는 EOF를 받고, 답장은 부모가 계속 받는다
                break
            sock.sendall(line.encode())
        os._exit(0)

    while True:  # 부모: 서버 -> 화면
        data = sock.recv(1024)
        if not data:
            break
        print("서버가 보낸 메시지:", data.decode(), end="", flush=True)
    sock.close()


main()
