# op_client.py -- calculator client (textbook ch. 5)
# usage: python3 op_client.py <IP> <port>
# request: 1 byte operand count N, N operands (4-byte int, host byte order: struct "=i"),
# 1 operator byte b"+", b"-" or b"*"; answer: one 4-byte int, host byte order.
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        print("connect() error!", file=sys.stderr)
        sys.exit(1)
    print("Connected...........")

    count = int(input("Operand count: "))
    opnds = [int(input("Operand %d: " % (i + 1))) for i in range(count)]
    op = input("Operator: ").strip()[:1]

    # TODO: sendall() bytes([count]) + struct.pack("=%di" % count, *opnds) + op.encode(),
    #   recv() in a loop until the 4-byte answer is in, and print struct.unpack("=i", ...).
    # TODO: bytes([count]) + struct.pack("=%di" % count, *opnds) + op.encode()를
    #   sendall()로 보내고, 4바이트 답을 모두 받을 때까지 recv()를 반복한 뒤 출력하세요.

    sock.close()


if __name__ == "__main__":
    main()
