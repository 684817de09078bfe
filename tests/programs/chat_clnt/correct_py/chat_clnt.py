# 채팅 클라이언트: 보내는 스레드와 받는 스레드를 따로 둔다
import os
import socket
import sys
import threading

BUF_SIZE = 100


def send_msg(sock, name):
    for msg in sys.stdin:
        if msg in ("q\n", "Q\n"):
            break
        sock.sendall(("[%s] %s" % (name, msg)).encode())
    sock.close()
    os._exit(0)


def recv_msg(sock):
    while True:
        try:
            data = sock.recv(BUF_SIZE)
        except OSError:
            return
        if not data:
            return
        sys.stdout.write(data.decode(errors="replace"))
        sys.stdout.flush()


def main():
    if len(sys.argv) != 4:
        print("Usage : python3 chat_clnt.py <IP> <port> <name>")
        sys.exit(1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.connect((sys.argv[1], int(sys.argv[2])))
    threading.Thread(target=recv_msg, args=(sock,), daemon=True).start()
    send_msg(sock, sys.argv[3])


if __name__ == "__main__":
    main()
