# pipe2.py -- one pipe both ways (textbook ch. 11). usage: python3 pipe2.py
# The parent prints the child's "Who are you?"; the child prints the parent's
# "Thank you for your message". The child sleeps 2 s after writing, so that it does not
# read its own message back.
import os
import time

rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(wfd, b"Who are you?")
    time.sleep(2)
    reply = b""
    # TODO: reply = os.read(rfd, 30)
    # TODO: 부모의 답을 읽으세요: reply = os.read(rfd, 30)
    print("Child proc output:", reply.decode())
    os._exit(0)
print("Parent proc output:", os.read(rfd, 30).decode())
# TODO: answer: os.write(wfd, b"Thank you for your message"), then wait for the child.
# TODO: 답하세요: os.write(wfd, b"Thank you for your message") 하고 자식을 기다리세요.
os.waitpid(pid, 0)
