import socket
import sys

if len(sys.argv) != 2:
    print("Usage : python3 news_receiver_brd.py <PORT>")
    sys.exit(1)

recv_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
recv_sock.bind(("", int(sys.argv[1])))
while True:
    data = recv_sock.recv(1024)
    print(data.decode(errors="replace"), end="", flush=True)
