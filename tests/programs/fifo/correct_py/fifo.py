# fifo.py -- 작업 디렉터리의 이름 있는 파이프(FIFO): 자식이 쓰고 부모가 읽는다. 끝에 FIFO를 지운다.
# usage: python3 fifo.py MESSAGE
import os
import sys

NAME = "myfifo"
if len(sys.argv) != 2:
    sys.exit(f"사용법: {sys.argv[0]} <메시지>")
try:
    os.mkfifo(NAME, 0o666)
except OSError as e:
    sys.exit(f"mkfifo() 오류: {e}")
pid = os.fork()
if pid == 0:
    fd = os.open(NAME, os.O_WRONLY)
    os.write(fd, sys.argv[1].encode())
    os.close(fd)
    os._exit(0)
fd = os.open(NAME, os.O_RDONLY)
data = b""
while chunk := os.read(fd, 1024):
    data += chunk
os.close(fd)
print("읽는 쪽(부모)이 읽음:", data.decode(), flush=True)
os.waitpid(pid, 0)
os.unlink(NAME)
