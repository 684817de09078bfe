# fifo.py -- a named pipe (FIFO) in the working directory. usage: python3 fifo.py MESSAGE
# The child (the writer) writes MESSAGE into it; the parent (the reader) prints what it
# read. The FIFO is removed at the end, so the program can run again.
import os
import sys

NAME = "myfifo"
if len(sys.argv) != 2:
    sys.exit(f"Usage: {sys.argv[0]} <message>")
try:
    os.mkfifo(NAME, 0o666)
except OSError as e:
    sys.exit(f"mkfifo() error: {e}")
pid = os.fork()
if pid == 0:
    fd = os.open(NAME, os.O_WRONLY)
    # TODO: write the message: os.write(fd, sys.argv[1].encode())
    # TODO: 메시지를 쓰세요: os.write(fd, sys.argv[1].encode())
    os.close(fd)
    os._exit(0)
fd = os.open(NAME, os.O_RDONLY)
data = b""
while chunk := os.read(fd, 1024):
    data += chunk
os.close(fd)
print("Reader read:", data.decode(), flush=True)
os.waitpid(pid, 0)
# TODO: remove the FIFO: os.unlink(NAME)
# TODO: FIFO를 지우세요: os.unlink(NAME)
