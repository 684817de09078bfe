# set_buf.py -- sets a TCP socket's buffer sizes, prints what the kernel made of them
# (textbook ch. 9)
# usage: python3 set_buf.py
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024 * 3)

# TODO: set SO_SNDBUF to 1024 * 3 the same way, read both back with getsockopt() and
#   print "Input buffer size:" and "Output buffer size:" with what the kernel reports
#   (it doubles what you ask).
# TODO: SO_SNDBUF도 1024 * 3으로 설정하고, getsockopt()로 둘 다 다시 읽어
#   "Input buffer size:"와 "Output buffer size:"로 출력하세요 (커널은 두 배로 잡음).
print("asked for", 1024 * 3, "bytes")

sock.close()
