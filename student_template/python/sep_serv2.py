# sep_serv2.py -- stream separation with half-close (textbook ch. 16)
# usage: python3 sep_serv2.py <port>
import socket
import sys


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

    clnt_sock, clnt_adr = serv_sock.accept()
    readfp = clnt_sock.makefile("r")
    writefp = clnt_sock.makefile("w")

    # TODO: write three lines to writefp ("FROM SERVER: Hi~ client? \n", ...) and
    #   writefp.flush(); then half-close with clnt_sock.shutdown(socket.SHUT_WR).
    # TODO: writefp에 세 줄을 쓰고 flush()하세요. 그다음 shutdown(socket.SHUT_WR)로
    #   출력 방향만 절반 닫으세요.
    writefp.close()

    # TODO: read the client's reply with readfp.readline() and print it.
    # TODO: 클라이언트의 답장을 readfp.readline()으로 읽어 출력하세요.
    readfp.close()
    clnt_sock.close()
    serv_sock.close()


if __name__ == "__main__":
    main()
