# news_sender_brd.py -- broadcast news sender (textbook ch. 14)
# usage: python3 news_sender_brd.py <Broadcast IP> <PORT>   (sends the lines of news.txt)
import socket
import sys
import time

if len(sys.argv) != 3:
    print("Usage : %s <Broadcast IP> <PORT>" % sys.argv[0])
    sys.exit(1)

send_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# TODO: allow broadcasting: send_sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
# TODO: 브로드캐스트를 허용하세요 (SO_BROADCAST)
with open("news.txt", "rb") as fp:
    for line in fp:
        # TODO: send_sock.sendto(line, (sys.argv[1], int(sys.argv[2])))
        time.sleep(2)
send_sock.close()
