# file_client.py -- file client: saves until EOF, then thanks (textbook ch. 7)
# usage: python3 file_client.py <IP> <port>   (writes "receive.dat")
import socket
import sys

BUF_SIZE = 30


def error_handling(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)

    fp = open("receive.dat", "wb")

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        error_handling("connect() error!")

    # TODO: recv() until it returns b"" (the server's EOF), fp.write() every piece;
    #   only then sock.sendall(b"Thank you") to the server.
    # TODO: recv()가 b""(서버의 EOF)를 반환할 때까지 받은 조각을 모두 파일에 쓰고,
    #   그 뒤에 서버에게 b"Thank you"를 sendall()로 보내세요.

    fp.close()
    sock.close()


if __name__ == "__main__":
    main()
