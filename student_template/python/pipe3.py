# pipe3.py -- two pipes, one per direction (textbook ch. 11). usage: python3 pipe3.py
# The parent prints the child's "Who are you?"; the child prints the parent's
# "Thank you for your message".
import os

to_parent_r, to_parent_w = os.pipe()
to_child_r, to_child_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(to_parent_w, b"Who are you?")
    reply = b""
    # TODO: reply = os.read(to_child_r, 30)
    # TODO: 부모의 답을 읽으세요: reply = os.read(to_child_r, 30)
    print("Child proc output:", reply.decode())
    os._exit(0)
print("Parent proc output:", os.read(to_parent_r, 30).decode())
# TODO: answer on the other pipe: os.write(to_child_w, b"Thank you for your message").
# TODO: 다른 파이프로 답하세요: os.write(to_child_w, b"Thank you for your message").
os.waitpid(pid, 0)
