# sep_clnt.py -- stream separation client (textbook ch. 16)
# usage: python3 sep_clnt.py <IP> <port>
import socket
import sys


def error_handling(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        error_handling("connect() error!")

    readfp = sock.makefile("r")
    writefp = sock.makefile("w")

    # TODO: readfp.readline() in a loop until it returns "" (the server's EOF), printing
    #   each line; then write "FROM CLIENT: Thank you! \n" to writefp and flush() it.
    # TODO: readline()이 ""(서버의 EOF)를 반환할 때까지 한 줄씩 읽어 출력하고, 그다음
    #   "FROM CLIENT: Thank you! \n"을 writefp에 쓰고 flush()하세요.

    writefp.close()
    readfp.close()
    sock.close()


if __name__ == "__main__":
    main()
