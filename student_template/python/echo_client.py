# echo_client.py -- TCP echo client (textbook ch. 4-5)
# usage: python3 echo_client.py <IP> <port>
import socket
import sys

BUF_SIZE = 1024


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
    print("Connected...........", flush=True)

    while True:
        try:
            message = input("Input message(Q to quit): ")
        except EOFError:
            break
        if message == "q" or message == "Q":
            break

        # TODO: send the line with its newline, (message + "\n").encode(), using sendall();
        #   then recv() in a loop until as many bytes as you sent have arrived (TCP has
        #   no message boundaries, ch. 5) and print the reply.
        # TODO: 입력한 줄을 개행과 함께 sendall()로 보내고, 보낸 바이트 수만큼 다 받을 때까지
        #   recv()를 반복한 다음 받은 메시지를 출력하세요.

    sock.close()


if __name__ == "__main__":
    main()
