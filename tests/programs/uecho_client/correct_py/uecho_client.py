# uecho_client.py -- UDP 에코 클라이언트 (sendto / recvfrom)
import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 3:
        print("사용법 : python3 uecho_client.py <IP> <port>")
        sys.exit(1)

    server = (sys.argv[1], int(sys.argv[2]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    while True:
        try:
            message = input("메시지를 입력하세요(q: 종료): ")
        except EOFError:
            break
        if message in ("q", "Q"):
            break
        sock.sendto(message.encode(), server)   # 개행 없이 보냄
        reply, _ = sock.recvfrom(BUF_SIZE)
        print("서버로부터 받은 메시지:", reply.decode(errors="replace").rstrip("\n"))

    sock.close()


if __name__ == "__main__":
    main()
