import socket
import sys


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 sep_serv.py <port>")
        sys.exit(1)

    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(5)

    clnt_sock, clnt_adr = serv_sock.accept()
    readfp = clnt_sock.makefile("r")
    writefp = clnt_sock.makefile("w")

    writefp.write("FROM SERVER: Hi~ client? \n")
    writefp.write("I love all of the world \n")
    writefp.write("You are awesome! \n")
    writefp.flush()

    # like fclose(writefp) in C: the socket itself is closed, not only the write side
    writefp.close()
    readfp.close()
    clnt_sock.close()

    buf = ""
    try:
        buf = readfp.readline()
    except (ValueError, OSError):
        pass
    print(buf, end="")
    serv_sock.close()


if __name__ == "__main__":
    main()
