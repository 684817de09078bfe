# chat_server.py -- multi-threaded chat server (textbook ch. 18)
# usage: python3 chat_server.py <port>
import socket
import sys
import threading

BUF_SIZE = 100
clnt_socks = []
mutx = threading.Lock()


def send_msg(msg):
    with mutx:
        # TODO: sendall(msg) to every socket in clnt_socks (the sender too)
        # TODO: clnt_socks의 모든 소켓에 sendall(msg) 하세요 (보낸 사람 포함)
        pass


def handle_clnt(clnt_sock):
    # TODO: while recv(BUF_SIZE) returns bytes, send_msg() them; then, under mutx,
    #   clnt_socks.remove(clnt_sock), and close it.
    # TODO: recv()가 바이트를 주는 동안 send_msg() 하고, 끝나면 mutx를 잡고
    #   clnt_socks.remove(clnt_sock) 후 닫으세요.
    pass


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)
    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)
    while True:
        clnt_sock, addr = serv_sock.accept()
        with mutx:
            clnt_socks.append(clnt_sock)
        threading.Thread(target=handle_clnt, args=(clnt_sock,), daemon=True).start()
        print("Connected client IP:", addr[0], flush=True)


if __name__ == "__main__":
    main()
