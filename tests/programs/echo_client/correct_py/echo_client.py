import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 3:
        print("Usage : python3 echo_client.py <IP> <port>")
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        print("connect() 에러!", file=sys.stderr)
        sys.exit(1)
    print("서버에 연결되었습니다...........")

    while True:
        try:
            message = input("메시지 입력(Q 종료): ")
        except EOFError:
            break

        if message == "q" or message == "Q":
            break

        data = (message + "\n").encode()
        sock.sendall(data)

        received = b""
        while len(received) < len(data):
            chunk = sock.recv(BUF_SIZE)
            if not chunk:
                break
            received += chunk

        print("서버로부터 받은 메시지:", received.decode(errors="replace"), end="", flush=True)

    sock.close()


if __name__ == "__main__":
    main()
