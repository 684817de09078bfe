# select()로 여러 클라이언트를 한 프로세스에서 처리하는 에코 서버
import select
import socket
import sys

BUF_SIZE = 100


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 echo_selectserv.py <port>")
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)

    reads = [serv_sock]
    while True:
        ready, _, _ = select.select(reads, [], [], 5.0)
        if not ready:
            continue  # 타임아웃
        for sock in ready:
            if sock is serv_sock:
                clnt_sock, addr = serv_sock.accept()
                reads.append(clnt_sock)
                print("클라이언트 연결:", clnt_sock.fileno())
                continue
            try:
                data = sock.recv(BUF_SIZE)
            except OSError:
                data = b""
            if not data:
                print("클라이언트 종료:", sock.fileno())
                reads.remove(sock)
                sock.close()
            else:
                sock.sendall(data)


if __name__ == "__main__":
    main()
