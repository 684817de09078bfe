# uecho_con_client.py -- connected UDP echo client: connect() once, then send()/recv()
import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 3:
        print("Usage : python3 uecho_con_client.py <IP> <port>")
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect((sys.argv[1], int(sys.argv[2])))  # only the server's datagrams now

    while True:
        try:
            message = input("Insert message(q to quit): ")
        except EOFError:
            break
        if message in ("q", "Q"):
            break
        sock.send((message + "\n").encode())
        reply = sock.recv(BUF_SIZE)
        print("Message from server:", reply.decode(errors="replace"), end="")

    sock.close()


if __name__ == "__main__":
    main()
