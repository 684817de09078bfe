# get_buf.py -- TCP 소켓의 입출력 버퍼 크기 확인
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
snd_buf = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
rcv_buf = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
print("출력 버퍼 크기:", snd_buf)
print("입력 버퍼 크기:", rcv_buf)
sock.close()
