# peek_recv.py -- look at buffered data with MSG_PEEK, then read it again (textbook ch. 13)
# usage: python3 peek_recv.py <port>
import socket
import sys

BUF_SIZE = 30


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)
    acpt_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    acpt_sock.bind(("", int(sys.argv[1])))
    acpt_sock.listen(5)
    recv_sock, addr = acpt_sock.accept()

    # TODO: loop on recv_sock.recv(BUF_SIZE - 1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    #   (BlockingIOError while nothing is there) until it returns bytes; print their count
    #   and the bytes. Then recv() again without flags and print the same bytes again.
    # TODO: MSG_PEEK | MSG_DONTWAIT로 바이트가 올 때까지 반복해서 들여다보고 개수와 내용을
    #   출력한 뒤, 플래그 없이 recv()로 같은 바이트를 다시 읽어 출력하세요.

    recv_sock.close()
    acpt_sock.close()


if __name__ == "__main__":
    main()
