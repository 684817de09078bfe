# echo_server.py -- iterative TCP echo server (textbook ch. 4)
# usage: python3 echo_server.py <port>
import socket
import sys

BUF_SIZE = 1024


def error_handling(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        serv_sock.bind(("", int(sys.argv[1])))
        serv_sock.listen(5)
    except OSError:
        error_handling("bind() error")

    cnt = 0
    while True:
        clnt_sock, clnt_adr = serv_sock.accept()
        cnt += 1
        print("Connected client %d " % cnt, flush=True)

        # TODO: echo every byte back until the client's EOF (recv() returns b""):
        #   loop clnt_sock.recv(BUF_SIZE) and clnt_sock.sendall() what you received. On
        #   OSError (e.g. ConnectionResetError) stop serving this client, keep the server.
        # TODO: recv()가 b""(클라이언트의 EOF)를 반환할 때까지 반복해서 받고, 받은 바이트를
        #   그대로 sendall()로 돌려보내세요. OSError가 나면 이 클라이언트만 끝내세요.

        clnt_sock.close()


if __name__ == "__main__":
    main()
