# sock_type.py -- TCP/UDP 소켓의 타입 (SO_TYPE)
import socket

tcp_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
udp_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("TCP 소켓 타입:", tcp_sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE))
print("UDP 소켓 타입:", udp_sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE))
