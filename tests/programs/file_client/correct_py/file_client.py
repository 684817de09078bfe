import socket
import sys

BUF_SIZE = 30


def main():
    if len(sys.argv) != 3:
        print("Usage : python3 file_client.py <IP> <port>")
        sys.exit(1)

    fp = open("receive.dat", "wb")

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        print("connect() 에러!", file=sys.stderr)
        sys.exit(1)

    while True:
        data = sock.recv(BUF_SIZE)
        if not data:
            break
        fp.write(data)

    print("파일 수신 완료")
    sock.sendall(b"Thank you")
    fp.close()
    sock.close()


if __name__ == "__main__":
    main()
