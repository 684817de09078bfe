# pipe1.py -- the child sends the parent a message through a pipe (textbook ch. 11)
# usage: python3 pipe1.py      The parent prints "Who are you?", which it read from the pipe.
import os

rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    # TODO: os.write(wfd, b"Who are you?") -- wfd is the write end.
    # TODO: 쓰기 끝 wfd에 os.write(wfd, b"Who are you?") 하세요.
    os._exit(0)
msg = b""
# TODO: msg = os.read(rfd, 30) -- rfd is the read end.
# TODO: 읽기 끝 rfd에서 msg = os.read(rfd, 30) 하세요.
print(msg.decode())
os.waitpid(pid, 0)
