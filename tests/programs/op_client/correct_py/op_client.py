# op_client.py -- calculator client (textbook ch. 5 protocol, ints in host byte order)
import socket
import struct
import sys


def main():
    if len(sys.argv) != 3:
        print("Usage : python3 op_client.py <IP> <port>")
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

    request = bytes([count]) + struct.pack("=%di" % count, *opnds) + op.encode()
    sock.sendall(request)

    answer = b""
    while len(answer) < 4:
        chunk = sock.recv(4 - len(answer))
        if not chunk:
            break
        answer += chunk
    sock.close()
    if len(answer) < 4:
        print("the server closed the connection early", file=sys.stderr)
        sys.exit(1)
    print("Operation result:", struct.unpack("=i", answer)[0])


if __name__ == "__main__":
    main()
