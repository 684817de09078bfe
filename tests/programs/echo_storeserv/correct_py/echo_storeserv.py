# echo_storeserv.py -- echo_mpserv + 파이프로 받은 내용을 echomsg.txt에 저장하는 자식
import os
import signal
import socket
import sys

BUF_SIZE = 1024


def read_childproc(signo, frame):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 echo_storeserv.py <port>")
        sys.exit(1)
    signal.signal(signal.SIGCHLD, read_childproc)

    serv_sock = socket.socket()
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)

    rfd, wfd = os.pipe()
    if os.fork() == 0:  # 기록 담당 자식
        serv_sock.close()
        os.close(wfd)
        with open("echomsg.txt", "wb", buffering=0) as f:  # 버퍼 없이 바로 파일에
            while True:
                data = os.read(rfd, BUF_SIZE)
                if not data:
                    break
                f.write(data)
        os._exit(0)
    os.close(rfd)

    while True:
        clnt_sock, _ = serv_sock.accept()
        print("새 클라이언트 연결됨", flush=True)
        if os.fork() == 0:
            serv_sock.close()
            while True:
                data = clnt_sock.recv(BUF_SIZE)
                if not data:
                    break
                clnt_sock.sendall(data)
                os.write(wfd, data)
            clnt_sock.close()
            os._exit(0)
        clnt_sock.close()


main()
