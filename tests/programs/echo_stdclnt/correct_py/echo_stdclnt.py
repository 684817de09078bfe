import socket
import sys

if len(sys.argv) != 3:
    print("Usage : python3 echo_stdclnt.py <IP> <port>")
    sys.exit(1)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((sys.argv[1], int(sys.argv[2])))
print("연결되었습니다...")
readfp = sock.makefile("r")
writefp = sock.makefile("w")
while True:
    message = sys.stdin.readline()
    if not message or message in ("q\n", "Q\n"):
        break
    writefp.write(message)
    writefp.flush()
    reply = readfp.readline()
    if not reply:
        break
    print("서버가 보낸 메시지:", reply, end="", flush=True)
writefp.close()
readfp.close()
sock.close()
