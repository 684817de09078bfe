# writev: 두 버퍼를 한 번의 호출로 모아서 보내기
import os
import socket
import sys

if len(sys.argv) != 3:
    print("Usage : python3 writev.py <IP> <port>")
    sys.exit(1)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((sys.argv[1], int(sys.argv[2])))
buf1 = b"ABCDEFG"
buf2 = b"1234567"
n = os.writev(sock.fileno(), [buf1[:3], buf2[:4]])
print("보낸 바이트 수:", n)
sock.close()
