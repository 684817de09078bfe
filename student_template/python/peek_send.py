# peek_send.py -- the sender of the MSG_PEEK example (textbook ch. 13)
# usage: python3 peek_send.py <IP> <port>
import socket
import sys

if len(sys.argv) != 3:
    print("Usage : %s <IP> <port>" % sys.argv[0])
    sys.exit(1)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((sys.argv[1], int(sys.argv[2])))
# TODO: send the three bytes "123": sock.sendall(b"123")
# TODO: 세 바이트 "123"을 보내세요.
sock.close()
