# A hostile-ish submission: an echo server that first leaves a daemon behind
# (double fork + setsid), which the harness must still find and kill.
import os
import socket
import sys

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "1000", "sockgrade-daemon-marker"])
    os._exit(0)
os.wait()

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("", int(sys.argv[1])))
srv.listen(5)
while True:
    conn, _ = srv.accept()
    while data := conn.recv(1024):
        conn.sendall(data)
    conn.close()
