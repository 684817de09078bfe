# get_buf.py -- prints a TCP socket's input and output buffer sizes (textbook ch. 9)
# usage: python3 get_buf.py
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# TODO: read SO_RCVBUF and SO_SNDBUF with sock.getsockopt(socket.SOL_SOCKET, ...) and
#   print "Input buffer size:" (SO_RCVBUF) and "Output buffer size:" (SO_SNDBUF).
# TODO: getsockopt()로 SO_RCVBUF와 SO_SNDBUF를 읽어 "Input buffer size:"(SO_RCVBUF)와
#   "Output buffer size:"(SO_SNDBUF)로 출력하세요.

sock.close()
