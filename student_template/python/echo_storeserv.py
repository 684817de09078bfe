# echo_storeserv.py -- echo server that stores what clients send (textbook ch. 11)
# usage: python3 echo_storeserv.py <port>
# echo_mpserv plus a logger child: every client's child also writes what it received
# into a pipe; the logger reads the pipe and writes it to echomsg.txt.
import os
import signal
import socket
import sys


def read_childproc(signo, frame):
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)
    signal.signal(signal.SIGCHLD, read_childproc)
    serv_sock = socket.socket()
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)

    # TODO: rfd, wfd = os.pipe(); fork a logger child that opens "echomsg.txt" ("wb",
    #   buffering=0) and writes what os.read(rfd, 1024) returns until it returns b"".
    # TODO: rfd, wfd = os.pipe() 하고, "echomsg.txt"를 ("wb", buffering=0)으로 열어
    #   os.read(rfd, 1024)가 b""를 반환할 때까지 받은 것을 쓰는 기록용 자식을 fork()하세요.

    while True:
        clnt_sock, _ = serv_sock.accept()
        print("new client connected...", flush=True)
        if os.fork() == 0:
            serv_sock.close()
            while True:
                data = clnt_sock.recv(1024)
                if not data:
                    break
                clnt_sock.sendall(data)
                # TODO: os.write(wfd, data) -- the logger's copy / 기록용 자식에게도 보내기
            clnt_sock.close()
            os._exit(0)
        clnt_sock.close()


main()
