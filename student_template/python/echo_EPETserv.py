# echo_EPETserv.py -- echo server on edge-triggered epoll (textbook ch. 17)
# usage: python3 echo_EPETserv.py <port>
# One process, no fork(), no threads: epoll watches the listening socket and every client.
import select
import socket
import sys

BUF_SIZE = 4


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        serv_sock.bind(("", int(sys.argv[1])))
        serv_sock.listen(5)
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)

    ep = select.epoll()
    ep.register(serv_sock.fileno(), select.EPOLLIN)
    clients = {}
    while True:
        for fd, events in ep.poll():
            if fd == serv_sock.fileno():
                clnt_sock, addr = serv_sock.accept()
                clients[clnt_sock.fileno()] = clnt_sock
                # TODO: clnt_sock.setblocking(False), then register it edge-triggered:
                #   ep.register(clnt_sock.fileno(), select.EPOLLIN | select.EPOLLET)
                # TODO: clnt_sock.setblocking(False) 후 엣지 트리거로 등록하세요:
                #   ep.register(clnt_sock.fileno(), select.EPOLLIN | select.EPOLLET)
                print("connected client:", clnt_sock.fileno(), flush=True)
            else:
                # TODO: edge-triggered: recv() in a loop until BlockingIOError (EAGAIN),
                #   sending back each piece; b"" means the client left (unregister, close).
                # TODO: 엣지 트리거: BlockingIOError(EAGAIN)가 날 때까지 recv()를 반복하며
                #   받은 것을 돌려보내세요. b""이면 나간 것(unregister, close).
                pass


if __name__ == "__main__":
    main()
