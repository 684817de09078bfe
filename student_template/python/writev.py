# writev.py -- gather two buffers into one send with writev() (textbook ch. 13)
# usage: python3 writev.py <IP> <port>
import socket
import sys

if len(sys.argv) != 3:
    print("Usage : %s <IP> <port>" % sys.argv[0])
    sys.exit(1)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((sys.argv[1], int(sys.argv[2])))
buf1 = b"ABCDEFG"
buf2 = b"1234567"
# TODO: send buf1[:3] and buf2[:4] with ONE call: n = os.writev(sock.fileno(), [...])
#   and print n ("Write bytes: 7").
# TODO: buf1[:3]과 buf2[:4]를 호출 한 번으로 보내고(os.writev) 보낸 바이트 수를 출력하세요.
sock.close()
