# echo_stdserv.py -- echo server with file objects on the socket (textbook ch. 15)
# usage: python3 echo_stdserv.py <port>
import socket
import sys


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)
    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)
    for i in range(5):
        clnt_sock, addr = serv_sock.accept()
        print("Connected client %d " % (i + 1), flush=True)
        readfp = clnt_sock.makefile("rb")
        writefp = clnt_sock.makefile("wb")
        # TODO: for each line of readfp: writefp.write(line) and writefp.flush() at once
        #   (the file object is buffered). At EOF close both files and the socket.
        # TODO: readfp의 줄마다 writefp.write(line) 후 바로 writefp.flush() 하세요.
        #   EOF면 두 파일 객체와 소켓을 닫으세요.
        del readfp, writefp


if __name__ == "__main__":
    main()
