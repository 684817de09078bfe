# set_buf.py -- set 3 KB buffers, then print what the kernel made of them
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024 * 3)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1024 * 3)
print("Output buffer size:", sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
print("Input buffer size:", sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
sock.close()
