# gethostbyname.py -- 도메인 이름으로 호스트 정보 얻기
import socket
import sys

if len(sys.argv) != 2:
    print("사용법 : python3 gethostbyname.py <addr>")
    sys.exit(1)

try:
    name, aliases, addrs = socket.gethostbyname_ex(sys.argv[1])
except OSError:
    print("gethostbyname() 에러", file=sys.stderr)
    sys.exit(1)

print("공식 이름:", name)
for i, alias in enumerate(aliases, 1):
    print("별칭 %d: %s" % (i, alias))
print("주소 체계: AF_INET")
for i, addr in enumerate(addrs, 1):
    print("IP 주소 %d: %s" % (i, addr))
