# 멀티스레드 채팅 서버: 받은 메시지를 접속한 모든 클라이언트에게 보낸다
import socket
import sys
import threading

BUF_SIZE = 100
clnt_socks = []
mutx = threading.Lock()


def send_msg(msg):
    with mutx:
        for s in clnt_socks:
            try:
                s.sendall(msg)
            except OSError:
                pass


def handle_clnt(clnt_sock):
    try:
        while True:
            msg = clnt_sock.recv(BUF_SIZE)
            if not msg:
                break
            send_msg(msg)
    except OSError:
        pass
    with mutx:
        clnt_socks.remove(clnt_sock)
    clnt_sock.close()
    print("클라이언트 나감, 남은 인원:", len(clnt_socks))


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 chat_server.py <port>")
        sys.exit(1)
    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)
    while True:
        clnt_sock, addr = serv_sock.accept()
        with mutx:
            clnt_socks.append(clnt_sock)
        threading.Thread(target=handle_clnt, args=(clnt_sock,), daemon=True).start()
        print("접속한 클라이언트 IP:", addr[0])


if __name__ == "__main__":
    main()
