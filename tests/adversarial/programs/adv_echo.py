# Adversarial helper: a plain echo server on the port it is given; two of them run at
# once in parallel behaviours on the same port (expected: both pass).
import socket
import sys

srv = socket.socket()
srv.bind(("", int(sys.argv[1])))
srv.listen()
while True:
    conn, _ = srv.accept()
    with conn:
        while data := conn.recv(4096):
            conn.sendall(data)
