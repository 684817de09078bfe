import os
import signal
import socket
import sys

BUF_SIZE = 30


def log(msg):
    # 부모와 자식이 같은 stdout을 쓰니까 한 줄을 write 한 번으로 출력
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def read_childproc(signo, frame):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        log("제거된 프로세스 ID: %d" % pid)


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 echo_mpserv.py <port>")
        sys.exit(1)

    signal.signal(signal.SIGCHLD, read_childproc)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        serv_sock.bind(('', int(sys.argv[1])))
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)
    serv_sock.listen(5)

    while True:
        clnt_sock, clnt_adr = serv_sock.accept()
        log("새 클라이언트 연결됨...")

        pid = os.fork()
        if pid == 0:
            serv_sock.close()
            try:
                while True:
                    data = clnt_sock.recv(BUF_SIZE)
                    if not data:
                        break
                    clnt_sock.sendall(data)
            except OSError:
                pass
            clnt_sock.close()
            log("클라이언트 연결 종료...")
            os._exit(0)
        else:
            clnt_sock.close()


if __name__ == "__main__":
    main()
