#!/usr/bin/python3
# Adversarial helper (files): a plain echo server on the port it is given; each file
# attack puts it beside (or in place of) a hostile file of the submission.
import socket
import sys

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("", int(sys.argv[1])))
srv.listen()
while True:
    conn, _ = srv.accept()
    with conn:
        while data := conn.recv(4096):
            conn.sendall(data)
