# reuseadr_eserver.py -- echo server that can rebind its port at once (textbook ch. 9)
# usage: python3 reuseadr_eserver.py <port>
import socket
import sys

BUF_SIZE = 1024


def error_handling(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

    # TODO: allow bind() while the port is still in TIME_WAIT: before bind(), call
    #   serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1).
    # TODO: 포트가 아직 TIME_WAIT 상태여도 bind()할 수 있도록, bind() 전에
    #   setsockopt()로 SO_REUSEADDR 옵션을 1로 설정하세요.

    try:
        serv_sock.bind(("", int(sys.argv[1])))
        serv_sock.listen(5)
    except OSError:
        error_handling("bind() error")

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
