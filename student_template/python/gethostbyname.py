# gethostbyname.py -- a host's official name, aliases, address type and addresses
# (textbook ch. 8)
# usage: python3 gethostbyname.py <name>
import socket
import sys

if len(sys.argv) != 2:
    print("Usage : %s <addr>" % sys.argv[0])
    sys.exit(1)

try:
    name, aliases, addrs = socket.gethostbyname_ex(sys.argv[1])
except OSError:
    print("gethost... error", file=sys.stderr)
    sys.exit(1)

print("Official name:", name)

# TODO: print every alias ("Aliases 1: ..."), the address type ("Address type: AF_INET")
#   and every address ("IP addr 1: ...").
# TODO: 별칭을 모두, 주소 체계(AF_INET)와 주소를 모두 출력하세요.
