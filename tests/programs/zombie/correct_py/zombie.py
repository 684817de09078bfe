# zombie.py -- 자식은 바로 끝나고, 부모는 wait 없이 잔다 -> 자식은 좀비
import os
import time

pid = os.fork()
if pid == 0:
    print("자식 프로세스입니다")
    print("자식 프로세스 종료")
else:
    print("자식 프로세스 ID:", pid)
    time.sleep(30)
    print("부모 프로세스 종료")
