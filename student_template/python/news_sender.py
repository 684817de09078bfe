# news_sender.py -- multicast news sender (textbook ch. 14)
# usage: python3 news_sender.py <GroupIP> <PORT>   (sends the lines of news.txt)
import socket
import sys
import time

if len(sys.argv) != 3:
    print("Usage : %s <GroupIP> <PORT>" % sys.argv[0])
    sys.exit(1)

send_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
send_sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 64)
with open("news.txt", "rb") as fp:
    for line in fp:
        # TODO: send_sock.sendto(line, (sys.argv[1], int(sys.argv[2])))
        time.sleep(2)
send_sock.close()
