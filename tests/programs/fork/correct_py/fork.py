# fork.py -- 부모와 자식은 변수를 따로 가진다
import os

gval = 10


def main():
    global gval
    lval = 20
    gval += 1
    lval += 5

    pid = os.fork()
    if pid == 0:   # 자식
        gval += 2
        lval += 2
        print("자식 프로세스: [%d, %d]" % (gval, lval), end="")  # 줄바꿈 없이, exit 때 flush
    else:          # 부모
        gval -= 2
        lval -= 2
        print("부모 프로세스: [%d, %d]" % (gval, lval))
        os.waitpid(pid, 0)


main()
