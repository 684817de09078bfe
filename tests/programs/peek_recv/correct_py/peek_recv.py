# MSG_PEEK로 버퍼를 들여다본 뒤 같은 데이터를 다시 읽기
import socket
import sys

BUF_SIZE = 30


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 peek_recv.py <port>")
        sys.exit(1)
    acpt_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    acpt_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    acpt_sock.bind(("", int(sys.argv[1])))
    acpt_sock.listen(5)
    recv_sock, addr = acpt_sock.accept()

    while True:
        try:
            peeked = recv_sock.recv(BUF_SIZE - 1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            continue
        if peeked:
            break
    print("버퍼에 %d 바이트: %s" % (len(peeked), peeked.decode()))

    again = recv_sock.recv(BUF_SIZE - 1)
    print("다시 읽음: %s" % again.decode())
    recv_sock.close()
    acpt_sock.close()


if __name__ == "__main__":
    main()
