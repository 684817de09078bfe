# sock_type.py -- prints the type of a TCP and of a UDP socket (textbook ch. 9)
# usage: python3 sock_type.py
import socket

tcp_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
udp_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# TODO: read SO_TYPE of tcp_sock, then of udp_sock, with getsockopt(socket.SOL_SOCKET,
#   socket.SO_TYPE) and print "Socket type one:" and "Socket type two:" with them.
# TODO: tcp_sock, udp_sock 순서로 getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)를 읽어
#   "Socket type one:"과 "Socket type two:"로 출력하세요.

tcp_sock.close()
udp_sock.close()
