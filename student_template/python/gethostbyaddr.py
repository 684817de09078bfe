# gethostbyaddr.py -- the host at an IPv4 address (textbook ch. 8)
# usage: python3 gethostbyaddr.py <IP>
import socket
import sys

if len(sys.argv) != 2:
    print("Usage : %s <IP>" % sys.argv[0])
    sys.exit(1)

# TODO: name, aliases, addrs = socket.gethostbyaddr(sys.argv[1]); on OSError print an
#   error and sys.exit(1); otherwise print the official name, every alias, the address
#   type (AF_INET) and every address.
# TODO: socket.gethostbyaddr()로 찾고, OSError이면 오류를 출력하고 sys.exit(1)하세요.
#   아니면 공식 이름, 별칭 전부, 주소 체계(AF_INET), 주소 전부를 출력하세요.
