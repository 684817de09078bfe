# 표준 입출력 함수(파일 객체)로 하는 에코 서버
import socket
import sys


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 echo_stdserv.py <port>")
        sys.exit(1)
    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)
    for i in range(5):
        clnt_sock, addr = serv_sock.accept()
        print("클라이언트 %d 연결됨" % (i + 1))
        readfp = clnt_sock.makefile("rb")
        writefp = clnt_sock.makefile("wb")
        try:
            for line in readfp:
                writefp.write(line)
                writefp.flush()
        except OSError:
            pass
        readfp.close()
        writefp.close()
        clnt_sock.close()
    serv_sock.close()


if __name__ == "__main__":
    main()
