import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 echo_server.py <port>")
        sys.exit(1)

    port = int(sys.argv[1])

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(('', port))
    serv_sock.listen(5)
    print("서버 시작, 포트:", port)

    count = 0
    while True:
        clnt_sock, clnt_adr = serv_sock.accept()
        count += 1
        print("클라이언트 연결됨", count, clnt_adr[0])
        try:
            while True:
                data = clnt_sock.recv(BUF_SIZE)
                if not data:
                    break
                clnt_sock.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            print("클라이언트 연결이 끊어짐")
        finally:
            clnt_sock.close()
        print("클라이언트 연결 종료", count)


if __name__ == "__main__":
    main()
