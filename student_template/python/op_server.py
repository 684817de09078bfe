# op_server.py -- calculator server (textbook ch. 5)
# usage: python3 op_server.py <port>
# request: 1 byte operand count N, N operands (4-byte int, host byte order: struct "=i"),
# 1 operator byte b"+", b"-" or b"*"; answer: one 4-byte int, host byte order.
import socket
import sys


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        serv_sock.bind(("", int(sys.argv[1])))
        serv_sock.listen(5)
    except OSError:
        print("bind() error", file=sys.stderr)
        sys.exit(1)

    while True:
        clnt_sock, clnt_adr = serv_sock.accept()

        # TODO: recv the count byte, then recv() in a loop until all count*4+1 bytes are
        #   in; unpack the operands with struct.unpack("=%di" % count, ...), calculate
        #   left to right from the first one, and sendall(struct.pack("=i", result)).
        # TODO: 개수 1바이트를 받고, count*4+1바이트를 모두 받을 때까지 recv()를 반복하세요.
        #   struct.unpack("=%di" % count, ...)로 피연산자를 풀고, 왼쪽부터 계산해서
        #   sendall(struct.pack("=i", result))로 보내세요.

        clnt_sock.close()


if __name__ == "__main__":
    main()
