# fork.py -- parent and child each have their own copy of the variables (textbook ch. 10)
# usage: python3 fork.py      The child must print [13, 27] and the parent [9, 23].
gval = 10


def main():
    global gval
    lval = 20
    gval += 1
    lval += 5
    pid = 1

    # TODO: pid = os.fork() (import os); then the child (pid == 0) adds 2 to gval and lval,
    #   the parent subtracts 2.
    # TODO: pid = os.fork(); 자식(pid == 0)은 gval과 lval에 2를 더하고, 부모는 2를 빼세요.

    if pid == 0:
        print("Child Proc: [%d, %d]" % (gval, lval))
    else:
        print("Parent Proc: [%d, %d]" % (gval, lval))


main()
