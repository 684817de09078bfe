import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 reuseadr_eserver.py <port>")
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        serv_sock.bind(('', int(sys.argv[1])))
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)
    serv_sock.listen(5)

    while True:
        clnt_sock, clnt_adr = serv_sock.accept()
        try:
            while True:
                message = clnt_sock.recv(BUF_SIZE)
                if not message:
                    break
                clnt_sock.sendall(message)
        except OSError:
            pass
        clnt_sock.close()


if __name__ == "__main__":
    main()
