# 스레드로 요청마다 처리하는 HTTP/1.0 웹 서버
import os
import socket
import sys
import threading


def content_type(name):
    return "text/html" if name.endswith((".html", ".htm")) else "text/plain"


def send_error(out, status):
    body = "<html><body>%s</body></html>" % status
    out.write(("HTTP/1.0 %s\r\nContent-Type: text/html\r\n\r\n%s" % (status, body)).encode())


def handle(clnt_sock):
    try:
        with clnt_sock, clnt_sock.makefile("rb") as rd, clnt_sock.makefile("wb") as out:
            parts = rd.readline().decode("latin-1").split()
            if len(parts) != 3 or not parts[2].startswith("HTTP/") or not parts[1].startswith("/") \
                    or ".." in parts[1]:
                send_error(out, "400 Bad Request")
                return
            if parts[0] != "GET":
                send_error(out, "501 Not Implemented")
                return
            name = parts[1][1:] or "index.html"
            if not os.path.isfile(name):
                send_error(out, "404 Not Found")
                return
            with open(name, "rb") as f:
                data = f.read()
            out.write(("HTTP/1.0 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
                       % (content_type(name), len(data))).encode())
            out.write(data)
    except OSError:
        pass


def main():
    if len(sys.argv) != 2:
        print("Usage : python3 webserv.py <port>")
        sys.exit(1)
    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(20)
    while True:
        clnt_sock, addr = serv_sock.accept()
        print("요청: %s:%d" % addr)
        threading.Thread(target=handle, args=(clnt_sock,), daemon=True).start()


if __name__ == "__main__":
    main()
