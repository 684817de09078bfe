import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("Usage : python3 sep_clnt.py <IP> <port>")
        sys.exit(1)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect((sys.argv[1], int(sys.argv[2])))
    except OSError:
        print("connect() error!", file=sys.stderr)
        sys.exit(1)

    readfp = sock.makefile("r")
    writefp = sock.makefile("w")

    while True:
        line = readfp.readline()
        if not line:
            break
        print(line, end="", flush=True)

    writefp.write("FROM CLIENT: Thank you! \n")
    writefp.flush()
    writefp.close()
    readfp.close()
    sock.close()


if __name__ == "__main__":
    main()
