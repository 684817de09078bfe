# hello_client.py -- 서버가 보낸 인사말을 출력하는 클라이언트
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("사용법 : python3 hello_client.py <IP> <port>")
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        print("connect() 에러!", file=sys.stderr)
        sys.exit(1)

    data = b""
    while True:
        chunk = sock.recv(30)
        if not chunk:
            break
        data += chunk
    sock.close()

    message = data.split(b"\0")[0].decode(errors="replace")  # 널 문자 뒤는 버림
    print("서버로부터 받은 메시지:", message)


if __name__ == "__main__":
    main()
