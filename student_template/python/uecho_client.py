# uecho_client.py -- UDP echo client (textbook ch. 6)
# usage: python3 uecho_client.py <IP> <port>
import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)

    serv_adr = (sys.argv[1], int(sys.argv[2]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    while True:
        try:
            message = input("Insert message(q to quit): ")
        except EOFError:
            break
        if message in ("q", "Q"):
            break

        # TODO: sendto() the line to serv_adr, recvfrom() the reply and print it.
        # TODO: 입력한 줄을 serv_adr로 sendto()하고, 답을 recvfrom()으로 받아 출력하세요.

    sock.close()


if __name__ == "__main__":
    main()
