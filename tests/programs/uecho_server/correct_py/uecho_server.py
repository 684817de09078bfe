# uecho_server.py -- UDP 에코 서버: 받은 데이터그램을 보낸 주소로 그대로 돌려보냄
import socket
import sys

BUF_SIZE = 65535


def main():
    if len(sys.argv) != 2:
        print("사용법 : %s <port>" % sys.argv[0])
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("", int(sys.argv[1])))
    except OSError:
        print("bind() 에러", file=sys.stderr)
        sys.exit(1)
    print("UDP 에코 서버 시작")

    while True:
        message, clnt_adr = sock.recvfrom(BUF_SIZE)
        sock.sendto(message, clnt_adr)


if __name__ == "__main__":
    main()
