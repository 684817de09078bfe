# uecho_server.py -- UDP echo server (textbook ch. 6)
# usage: python3 uecho_server.py <port>
import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        serv_sock.bind(("", int(sys.argv[1])))
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)

    while True:
        message, clnt_adr = serv_sock.recvfrom(BUF_SIZE)

        # TODO: sendto() the message back to clnt_adr, the address it came from.
        # TODO: 받은 message를 보낸 주소 clnt_adr로 sendto()하세요.


if __name__ == "__main__":
    main()
