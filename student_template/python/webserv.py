# webserv.py -- HTTP/1.0 web server, a thread per request (textbook ch. 24)
# usage: python3 webserv.py <port>   (serves the files of its working directory)
import socket
import sys
import threading


def content_type(name):
    return "text/html" if name.endswith((".html", ".htm")) else "text/plain"


def send_error(out, status):
    out.write(("HTTP/1.0 %s\r\nContent-type: text/html\r\n\r\n<html><body>%s</body></html>"
               % (status, status)).encode())


def handle(clnt_sock):
    with clnt_sock, clnt_sock.makefile("rb") as rd, clnt_sock.makefile("wb") as out:
        parts = rd.readline().decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            send_error(out, "400 Bad Request")
            return
        # TODO: for "GET /name": open the file (404 Not Found if it is not there), send
        #   "HTTP/1.0 200 OK\r\n", "Content-type: ...\r\n", an empty line "\r\n", then
        #   the file's bytes. "GET /" serves index.html.
        # TODO: "GET /이름"이면 파일을 열고(없으면 404 Not Found) 상태 줄, Content-type 헤더,
        #   빈 줄, 파일 내용을 보내세요. "GET /"에는 index.html을 보내세요.
        send_error(out, "501 Not Implemented")


def main():
    if len(sys.argv) != 2:
        print("Usage : %s <port>" % sys.argv[0])
        sys.exit(1)
    serv_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    serv_sock.bind(("", int(sys.argv[1])))
    serv_sock.listen(20)
    while True:
        clnt_sock, addr = serv_sock.accept()
        print("Connection Request : %s:%d" % addr, flush=True)
        threading.Thread(target=handle, args=(clnt_sock,), daemon=True).start()


if __name__ == "__main__":
    main()
