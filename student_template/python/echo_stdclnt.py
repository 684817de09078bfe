# echo_stdclnt.py -- echo client with file objects on the socket (textbook ch. 15)
# usage: python3 echo_stdclnt.py <IP> <port>
import socket
import sys

if len(sys.argv) != 3:
    print("Usage : %s <IP> <port>" % sys.argv[0])
    sys.exit(1)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((sys.argv[1], int(sys.argv[2])))
readfp = sock.makefile("r")
writefp = sock.makefile("w")
while True:
    message = sys.stdin.readline()
    if not message or message in ("q\n", "Q\n"):
        break
    # TODO: writefp.write(message), writefp.flush() (buffered!), then print
    #   readfp.readline(), the reply.
    # TODO: writefp.write(message) 후 writefp.flush()(버퍼링!), 그 다음
    #   readfp.readline()으로 받은 답장을 출력하세요.
writefp.close()
readfp.close()
sock.close()
