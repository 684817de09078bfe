# bound_host2.py -- sends three messages with three sendto() calls (textbook ch. 6)
# usage: python3 bound_host2.py <IP> <port>
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("Usage : %s <IP> <port>" % sys.argv[0])
        sys.exit(1)

    your_adr = (sys.argv[1], int(sys.argv[2]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.sendto(b"Hi!", your_adr)

    # TODO: send b"I'm another UDP host!" and b"Nice to meet you" the same way, each
    #   with a sendto() of its own.
    # TODO: b"I'm another UDP host!"와 b"Nice to meet you"도 각각 sendto() 한 번씩
    #   보내세요.

    sock.close()


if __name__ == "__main__":
    main()
