# echo_epollserv.py -- echo server on level-triggered epoll (textbook ch. 17)
# usage: python3 echo_epollserv.py <port>
# One process, no fork(), no threads: epoll watches the listening socket and every client.
import select
import socket
import sys

BUF_SIZE = 100


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
                # TODO: register the client: ep.register(clnt_sock.fileno(), select.EPOLLIN)
                # TODO: 클라이언트를 등록하세요: ep.register(clnt_sock.fileno(), select.EPOLLIN)
                print("connected client:", clnt_sock.fileno(), flush=True)
            else:
                # TODO: recv() once; b"" means the client left (ep.unregister(fd),
                #   close it), otherwise sendall() what you received.
                # TODO: recv()를 한 번 하고, b""이면 나간 것(ep.unregister(fd), close),
                #   아니면 받은 것을 sendall()로 돌려보내세요.
                pass


if __name__ == "__main__":
    main()
