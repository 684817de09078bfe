# chat_clnt.py -- multi-threaded chat client (textbook ch. 18)
# usage: python3 chat_clnt.py <IP> <port> <name>
import os
import socket
import sys

BUF_SIZE = 100


def send_msg(sock, name):
    for msg in sys.stdin:
        if msg in ("q\n", "Q\n"):
            break
        # TODO: send the line with the name in front: "[%s] %s" % (name, msg)
        # TODO: 이름을 앞에 붙여 보내세요: "[%s] %s" % (name, msg)
    sock.close()
    os._exit(0)


def recv_msg(sock):
    # TODO: print every message the server sends, as it arrives (run this in a thread)
    # TODO: 서버가 보내는 메시지를 오는 대로 출력하세요 (스레드에서 실행)
    pass


def main():
    if len(sys.argv) != 4:
        print("Usage : %s <IP> <port> <name>" % sys.argv[0])
        sys.exit(1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.connect((sys.argv[1], int(sys.argv[2])))
    # TODO: threading.Thread(target=recv_msg, args=(sock,), daemon=True).start()
    send_msg(sock, sys.argv[3])


if __name__ == "__main__":
    main()
