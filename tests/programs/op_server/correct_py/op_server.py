# op_server.py -- calculator server (textbook ch. 5 protocol, ints in host byte order)
import socket
import struct
import sys

OPSZ = 4


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def calculate(opnds, op):
    result = opnds[0]
    for x in opnds[1:]:
        if op == b"+":
            result += x
        elif op == b"-":
            result -= x
        elif op == b"*":
            result *= x
    # the answer is a C int: wrap to 32 bits like the C server does
    return (result + 2**31) % 2**32 - 2**31


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)

    while True:
        clnt_sock, _ = serv_sock.accept()
        head = recv_exact(clnt_sock, 1)
        if head:
            count = head[0]
            body = recv_exact(clnt_sock, count * OPSZ + 1)
            if body and count:
                opnds = struct.unpack("=%di" % count, body[:-1])  # "=": host order
                clnt_sock.sendall(struct.pack("=i", calculate(opnds, body[-1:])))
        clnt_sock.close()


if __name__ == "__main__":
    main()
