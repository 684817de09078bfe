# zombie.py -- a zombie on purpose (textbook ch. 10). usage: python3 zombie.py
# The child ends at once; the parent sleeps 30 s without waiting, so the child stays a
# zombie meanwhile (see it with `ps au`: state Z).
pid = 0

# TODO: pid = os.fork() (import os, time); the child prints a line and ends; the parent
#   prints the child's PID and time.sleep(30)s.
# TODO: pid = os.fork(); 자식은 한 줄 출력하고 끝나고, 부모는 자식의 PID를 출력한 뒤
#   time.sleep(30) 하세요.

if pid == 0:
    print("End child process")
else:
    print("End parent process")
