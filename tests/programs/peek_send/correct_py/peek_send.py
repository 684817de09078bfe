import socket
import sys

if len(sys.argv) != 3:
    print("Usage : python3 peek_send.py <IP> <port>")
    sys.exit(1)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((sys.argv[1], int(sys.argv[2])))
sock.sendall(b"123")
sock.close()
