# bound_host2.py -- three sendto() calls: three datagrams (sent without '\0')
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("Usage : python3 bound_host2.py <IP> <port>")
        sys.exit(1)

    your_adr = (sys.argv[1], int(sys.argv[2]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for msg in (b"Hi!", b"I'm another UDP host!", b"Nice to meet you"):
        sock.sendto(msg, your_adr)
    sock.close()


if __name__ == "__main__":
    main()
