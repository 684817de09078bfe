# bound_host1.py -- receives three datagrams with three recvfrom() calls (textbook ch. 6)
# usage: python3 bound_host1.py <port>
import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("", int(sys.argv[1])))
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)

    for i in range(3):
        message, your_adr = sock.recvfrom(BUF_SIZE)

        # TODO: print "Message %d: %s" with i+1 and the message (drop a trailing b"\0").
        # TODO: i+1과 메시지로 "Message %d: %s"를 출력하세요 (끝의 b"\0"은 버림).

    sock.close()


if __name__ == "__main__":
    main()
