# tcp_nodelay.py -- Nagle's algorithm off, then ten one-byte writes (textbook ch. 9)
# usage: python3 tcp_nodelay.py <port>
import socket
import sys


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        serv_sock.bind(("", int(sys.argv[1])))
        serv_sock.listen(5)
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)

    while True:
        clnt_sock, clnt_adr = serv_sock.accept()

        # TODO: turn Nagle off: clnt_sock.setsockopt(socket.IPPROTO_TCP,
        #   socket.TCP_NODELAY, 1)
        # TODO: 네이글 알고리즘을 끄세요 (IPPROTO_TCP, TCP_NODELAY).

        for ch in b"0123456789":
            clnt_sock.send(bytes([ch]))
        clnt_sock.close()


if __name__ == "__main__":
    main()
