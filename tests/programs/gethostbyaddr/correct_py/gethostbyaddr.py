# gethostbyaddr.py -- the host at an IPv4 address
import socket
import sys

if len(sys.argv) != 2:
    print("Usage : python3 gethostbyaddr.py <IP>")
    sys.exit(1)

try:
    name, aliases, addrs = socket.gethostbyaddr(sys.argv[1])
except OSError as exc:
    print("gethostbyaddr() error:", exc, file=sys.stderr)
    sys.exit(1)

print("Official name:", name)
for i, alias in enumerate(aliases, 1):
    print("Aliases %d: %s" % (i, alias))
print("Address type: AF_INET")
for i, addr in enumerate(addrs, 1):
    print("IP addr %d: %s" % (i, addr))
