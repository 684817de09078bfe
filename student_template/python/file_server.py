# file_server.py -- file server with half-close (textbook ch. 7)
# usage: python3 file_server.py <port>   (sends the file "file_server.c" of its directory)
import socket
import sys

BUF_SIZE = 30


def error_handling(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    try:
        fp = open("file_server.c", "rb")
    except OSError:
        error_handling("fopen() error")

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        serv_sock.bind(("", int(sys.argv[1])))
        serv_sock.listen(5)
    except OSError:
        error_handling("bind() error")

    clnt_sock, clnt_adr = serv_sock.accept()

    # TODO: send the whole file: loop fp.read(BUF_SIZE) / clnt_sock.sendall() until read()
    #   returns b"". Then half-close with clnt_sock.shutdown(socket.SHUT_WR) (not close!),
    #   recv() the client's "Thank you" and print it.
    # TODO: fp.read()가 b""를 반환할 때까지 파일 전체를 sendall()로 보내세요. 그다음 close()가
    #   아니라 shutdown(socket.SHUT_WR)로 절반만 닫고, 클라이언트의 "Thank you"를 받아 출력하세요.

    fp.close()
    clnt_sock.close()
    serv_sock.close()


if __name__ == "__main__":
    main()
