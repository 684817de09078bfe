# hello_server.py -- sends a greeting to each client, then closes (textbook ch. 1)
import socket
import sys


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        serv_sock.bind(("", int(sys.argv[1])))
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)
    serv_sock.listen(5)

    while True:
        clnt_sock, addr = serv_sock.accept()
        print("Connected:", addr[0])
        clnt_sock.sendall(b"Hello World!\0")  # the NUL too, as the C version's sizeof()
        clnt_sock.close()


if __name__ == "__main__":
    main()
