# echo_mpclient.py -- echo client with split I/O (textbook ch. 11)
# usage: python3 echo_mpclient.py <IP> <port>
# The parent only reads the socket and prints; the child only reads stdin and sends.
# On Q the child half-closes with sock.shutdown(socket.SHUT_WR).
import socket
import sys


def read_routine(sock):
    while True:
        data = sock.recv(1024)
        if not data:
            return
        print("Message from server:", data.decode(), end="", flush=True)


def write_routine(sock):
    for line in sys.stdin:
        if line in ("q\n", "Q\n"):
            # TODO: sock.shutdown(socket.SHUT_WR): the server sees EOF, replies still arrive.
            # TODO: sock.shutdown(socket.SHUT_WR) 하세요: 서버는 EOF를 받고, 응답은 계속 옵니다.
            return
        sock.sendall(line.encode())


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.connect((sys.argv[1], int(sys.argv[2])))

    # TODO: split the I/O: pid = os.fork() (import os); the child runs write_routine()
    #   and ends with os._exit(0), the parent runs read_routine(). (For now one process
    #   only writes.)
    # TODO: 입출력을 분리하세요: pid = os.fork() 하고 자식은 write_routine() 뒤 os._exit(0),
    #   부모는 read_routine()을 실행합니다. (지금은 한 프로세스가 쓰기만 합니다.)
    write_routine(sock)
    sock.close()


main()
