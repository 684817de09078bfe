# 브로드캐스트로 뉴스 보내기: news.txt의 각 줄을 2초 간격으로 보낸다
import socket
import sys
import time

if len(sys.argv) != 3:
    print("Usage : python3 news_sender_brd.py <Broadcast IP> <PORT>")
    sys.exit(1)

send_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
send_sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
with open("news.txt", "rb") as fp:
    for line in fp:
        send_sock.sendto(line, (sys.argv[1], int(sys.argv[2])))
        time.sleep(2)
send_sock.close()
