# news_receiver_brd.py -- broadcast news receiver (textbook ch. 14)
# usage: python3 news_receiver_brd.py <PORT>
import socket
import sys

if len(sys.argv) != 2:
    print("Usage : %s <PORT>" % sys.argv[0])
    sys.exit(1)

recv_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
recv_sock.bind(("", int(sys.argv[1])))  # INADDR_ANY: broadcasts reach it
while True:
    data = recv_sock.recv(1024)
    # TODO: print what arrived / 받은 것을 출력하세요
