# hello_client.py -- prints the greeting a server sends (textbook ch. 1)
# usage: python3 hello_client.py <IP> <port>
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        print("connect() error!", file=sys.stderr)
        sys.exit(1)

    # TODO: recv() until the server closes (b""), drop a trailing b"\0" if the server
    #   sent one, and print "Message from server:" and the text.
    # TODO: 서버가 연결을 닫을 때(b"")까지 recv()로 받고, 끝의 b"\0"은 버린 뒤
    #   "Message from server:"와 함께 출력하세요.

    sock.close()


if __name__ == "__main__":
    main()
