import socket
import sys

BUF_SIZE = 30


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 file_server.py <port>")
        sys.exit(1)

    fp = open("file_server.c", "rb")

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)

    clnt_sock, clnt_adr = serv_sock.accept()

    while True:
        buf = fp.read(BUF_SIZE)
        if not buf:
            break
        clnt_sock.sendall(buf)

    clnt_sock.shutdown(socket.SHUT_WR)
    msg = clnt_sock.recv(BUF_SIZE)
    print("Message from client:", msg.rstrip(b"\0").decode(errors="replace").rstrip("\n"))

    fp.close()
    clnt_sock.close()
    serv_sock.close()


if __name__ == "__main__":
    main()
