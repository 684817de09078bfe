# news_receiver.py -- multicast news receiver (textbook ch. 14)
# usage: python3 news_receiver.py <GroupIP> <PORT>
import socket
import sys

if len(sys.argv) != 3:
    print("Usage : %s <GroupIP> <PORT>" % sys.argv[0])
    sys.exit(1)

recv_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
recv_sock.bind(("", int(sys.argv[2])))
# TODO: join the group: struct.pack("4s4s", socket.inet_aton(sys.argv[1]),
#   socket.inet_aton("0.0.0.0")) with setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP, ...)
# TODO: 그룹에 가입하세요 (IP_ADD_MEMBERSHIP).
while True:
    print(recv_sock.recv(1024).decode(errors="replace"), end="", flush=True)
