import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("Usage : python3 oob_send.py <IP> <port>")
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        print("connect() error!", file=sys.stderr)
        sys.exit(1)

    sock.send(b"123")
    sock.send(b"4", socket.MSG_OOB)
    sock.send(b"567")
    sock.send(b"890", socket.MSG_OOB)
    sock.close()


if __name__ == "__main__":
    main()
