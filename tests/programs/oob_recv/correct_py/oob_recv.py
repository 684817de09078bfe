import fcntl
import os
import signal
import socket
import sys

BUF_SIZE = 30

conn = None


def urg_handler(signo, frame):
    try:
        data = conn.recv(1, socket.MSG_OOB)
    except OSError:
        return
    if data:
        print("긴급 메시지:", data.decode(errors="replace"), flush=True)


def main():
    global conn
    if len(sys.argv) != 2:
        print("Usage : python3 oob_recv.py <port>")
        sys.exit(1)

    acpt_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        acpt_sock.bind(('', int(sys.argv[1])))
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)
    acpt_sock.listen(5)

    conn, addr = acpt_sock.accept()

    signal.signal(signal.SIGURG, urg_handler)
    fcntl.fcntl(conn.fileno(), fcntl.F_SETOWN, os.getpid())
    print("클라이언트 연결됨", flush=True)

    while True:
        data = conn.recv(BUF_SIZE)
        if not data:
            break
        print(data.decode(errors="replace"), flush=True)

    conn.close()
    acpt_sock.close()


if __name__ == "__main__":
    main()
