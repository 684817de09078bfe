# echo_mpserv.py -- multi-process echo server with zombie reaping (textbook ch. 10)
# usage: python3 echo_mpserv.py <port>
import socket
import sys

BUF_SIZE = 30


def error_handling(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def read_childproc(signo, frame):
    # TODO: reap ALL exited children (one SIGCHLD may stand for several): loop
    #   os.waitpid(-1, os.WNOHANG) until it returns pid 0 or raises ChildProcessError.
    # TODO: 끝난 자식을 모두 거두세요(SIGCHLD는 쌓이지 않습니다): os.waitpid(-1, os.WNOHANG)를 반복.
    pass


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    # TODO: install the handler: signal.signal(signal.SIGCHLD, read_childproc).
    # TODO: signal.signal()로 SIGCHLD 핸들러 read_childproc을 등록하세요. (import signal, os)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        serv_sock.bind(("", int(sys.argv[1])))
        serv_sock.listen(5)
    except OSError:
        error_handling("bind() error")

    while True:
        clnt_sock, clnt_adr = serv_sock.accept()
        print("new client connected...", flush=True)

        # TODO: os.fork() a child per client: the child closes serv_sock, echoes (below)
        #   and ends with os._exit(0); the parent only closes clnt_sock and goes back to accept().
        # TODO: 클라이언트마다 os.fork()하세요. 자식은 serv_sock을 닫고 에코한 뒤 os._exit(0)로
        #   끝나고, 부모는 clnt_sock만 닫고 바로 accept()로 돌아갑니다.
        while True:
            data = clnt_sock.recv(BUF_SIZE)
            if not data:
                break
            clnt_sock.sendall(data)
        clnt_sock.close()


if __name__ == "__main__":
    main()
