import socket
import struct
import sys

if len(sys.argv) != 3:
    print("Usage : python3 news_receiver.py <GroupIP> <PORT>")
    sys.exit(1)

recv_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
recv_sock.bind(("", int(sys.argv[2])))
mreq = struct.pack("4s4s", socket.inet_aton(sys.argv[1]), socket.inet_aton("0.0.0.0"))
recv_sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
while True:
    print(recv_sock.recv(1024).decode(errors="replace"), end="", flush=True)
