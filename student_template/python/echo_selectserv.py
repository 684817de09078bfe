# echo_selectserv.py -- echo server multiplexing its clients with select() (textbook ch. 12)
# usage: python3 echo_selectserv.py <port>
# One process, no fork(), no threads: select() watches the listening socket and every
# client at once.
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

    reads = [serv_sock]
    while True:
        ready, _, _ = select.select(reads, [], [], 5.0)
        for sock in ready:
            if sock is serv_sock:
                clnt_sock, addr = serv_sock.accept()
                # TODO: watch the new client too: reads.append(clnt_sock)
                # TODO: 새 클라이언트도 감시하세요: reads.append(clnt_sock)
                print("connected client:", clnt_sock.fileno(), flush=True)
            else:
                data = sock.recv(BUF_SIZE)
                # TODO: b"" means the client left: reads.remove(sock), sock.close().
                #   Otherwise sock.sendall(data) once, and go back to select().
                # TODO: b""이면 클라이언트가 나간 것: reads.remove(sock), sock.close().
                #   아니면 sock.sendall(data)를 한 번 하고 select()로 돌아가세요.
                del data


if __name__ == "__main__":
    main()
