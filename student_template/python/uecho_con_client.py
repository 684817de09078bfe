# uecho_con_client.py -- connected UDP echo client (textbook ch. 6)
# usage: python3 uecho_con_client.py <IP> <port>
import socket
import sys

BUF_SIZE = 1024


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)

    serv_adr = (sys.argv[1], int(sys.argv[2]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    # TODO: sock.connect(serv_adr) once: the kernel then delivers only the server's
    #   datagrams, and send()/recv() need no address.
    # TODO: sock.connect(serv_adr)를 한 번 호출하세요. 그러면 서버의 데이터그램만 받고
    #   send()/recv()에 주소가 필요 없습니다.

    while True:
        try:
            message = input("Insert message(q to quit): ")
        except EOFError:
            break
        if message in ("q", "Q"):
            break

        # TODO: send() the line, recv() the reply and print it.
        # TODO: 입력한 줄을 send()로 보내고, 답을 recv()로 받아 출력하세요.

    sock.close()


if __name__ == "__main__":
    main()
