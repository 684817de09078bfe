# oob_send.py -- sending urgent data with MSG_OOB (textbook ch. 13)
# usage: python3 oob_send.py <IP> <port>
import socket
import sys


def error_handling(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        error_handling("connect() error!")

    # TODO: send, in this order: b"123" (sock.send), b"4" as urgent data
    #   (sock.send(b"4", socket.MSG_OOB)), b"567", then b"890" as urgent data.
    # TODO: b"123"은 보통 send()로, b"4"는 socket.MSG_OOB로 긴급 데이터로, b"567"은 보통으로,
    #   b"890"은 MSG_OOB로 차례대로 보내세요.

    sock.close()


if __name__ == "__main__":
    main()
