# 엣지 트리거 epoll 에코 서버: 이벤트마다 EAGAIN이 날 때까지 읽는다
import select
import socket
import sys

BUF_SIZE = 4


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 echo_EPETserv.py <port>")
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)
    serv_sock.setblocking(False)

    ep = select.epoll()
    ep.register(serv_sock.fileno(), select.EPOLLIN)
    clients = {}
    while True:
        events = ep.poll()
        print("epoll_wait 반환")
        for fd, _ in events:
            if fd == serv_sock.fileno():
                try:
                    clnt_sock, addr = serv_sock.accept()
                except BlockingIOError:
                    continue
                clnt_sock.setblocking(False)
                clients[clnt_sock.fileno()] = clnt_sock
                ep.register(clnt_sock.fileno(), select.EPOLLIN | select.EPOLLET)
                print("클라이언트 연결:", clnt_sock.fileno())
                continue
            sock = clients[fd]
            while True:
                try:
                    data = sock.recv(BUF_SIZE)
                except BlockingIOError:
                    break  # EAGAIN: 다 읽었음
                except OSError:
                    data = b""
                if not data:
                    ep.unregister(fd)
                    del clients[fd]
                    sock.close()
                    print("클라이언트 종료:", fd)
                    break
                sock.setblocking(True)  # 보낼 때는 전부 보내기
                sock.sendall(data)
                sock.setblocking(False)


if __name__ == "__main__":
    main()
