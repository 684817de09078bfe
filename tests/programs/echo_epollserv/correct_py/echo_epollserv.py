# epoll (level-triggered) echo server, one process
import select
import socket
import sys

BUF_SIZE = 100


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 echo_epollserv.py <port>")
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)

    ep = select.epoll()
    ep.register(serv_sock.fileno(), select.EPOLLIN)
    clients = {}
    while True:
        for fd, events in ep.poll():
            if fd == serv_sock.fileno():
                clnt_sock, addr = serv_sock.accept()
                clients[clnt_sock.fileno()] = clnt_sock
                ep.register(clnt_sock.fileno(), select.EPOLLIN)
                print("connected client: %d" % clnt_sock.fileno())
                continue
            sock = clients[fd]
            try:
                data = sock.recv(BUF_SIZE)
            except OSError:
                data = b""
            if data:
                sock.sendall(data)
            else:
                ep.unregister(fd)
                del clients[fd]
                sock.close()
                print("closed client: %d" % fd)


if __name__ == "__main__":
    main()
