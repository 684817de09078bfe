# tcp_nodelay.py -- Nagle off on each connection, then ten one-byte writes
import socket
import sys


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)

    while True:
        clnt_sock, _ = serv_sock.accept()
        clnt_sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for ch in b"0123456789":
            clnt_sock.send(bytes([ch]))
        clnt_sock.close()


if __name__ == "__main__":
    main()
