# hello_server.py -- sends one greeting to a client, then closes (textbook ch. 1)
# usage: python3 hello_server.py <port>
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

    clnt_sock, clnt_addr = serv_sock.accept()

    # TODO: send the greeting b"Hello World!" to clnt_sock with sendall().
    # TODO: clnt_sock에 b"Hello World!"를 sendall()로 보내세요.

    clnt_sock.close()
    serv_sock.close()


if __name__ == "__main__":
    main()
