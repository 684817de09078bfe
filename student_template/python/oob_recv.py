# oob_recv.py -- receiving urgent data with SIGURG (textbook ch. 13)
# usage: python3 oob_recv.py <port>
import socket
import sys

BUF_SIZE = 30

recv_sock = None  # global: the handler needs it


def error_handling(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def urg_handler(signo, frame):
    # TODO: recv_sock.recv(BUF_SIZE, socket.MSG_OOB), then print it on a line of its own.
    # TODO: recv(..., socket.MSG_OOB)로 긴급 바이트를 읽어 별도의 줄에 출력하세요.
    pass


def main():
    global recv_sock
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    acpt_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        acpt_sock.bind(("", int(sys.argv[1])))
        acpt_sock.listen(5)
    except OSError:
        error_handling("bind() error")

    recv_sock, serv_adr = acpt_sock.accept()

    # TODO: install urg_handler with signal.signal(signal.SIGURG, urg_handler) and become
    #   the socket's owner: fcntl.fcntl(recv_sock.fileno(), fcntl.F_SETOWN, os.getpid()).
    # TODO: signal.signal()로 SIGURG 핸들러 urg_handler를 등록하고, fcntl(..., F_SETOWN,
    #   os.getpid())로 이 프로세스를 소켓의 소유자로 정하세요. (import signal, fcntl, os)

    while True:
        data = recv_sock.recv(BUF_SIZE)
        if not data:
            break
        print(data.decode(errors="replace"), flush=True)

    recv_sock.close()
    acpt_sock.close()


if __name__ == "__main__":
    main()
