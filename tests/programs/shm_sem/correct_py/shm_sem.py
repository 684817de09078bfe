# shm_sem.py -- System V 공유 메모리와 세마포어 (ctypes로 libc 호출): 부모가 쓰고 자식이 읽는다.
# usage: python3 shm_sem.py MESSAGE
import ctypes
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmdt.argtypes = [ctypes.c_void_p]
IPC_CREAT, IPC_RMID, SETVAL, SEM_UNDO = 0o1000, 0, 16, 0x1000
SIZE = 1024


class Sembuf(ctypes.Structure):
    _fields_ = [("sem_num", ctypes.c_ushort), ("sem_op", ctypes.c_short),
                ("sem_flg", ctypes.c_short)]


def check(result, what):
    if result == -1:
        err = ctypes.get_errno()
        sys.exit(f"{what} 오류: {os.strerror(err)}")
    return result


if len(sys.argv) != 2:
    sys.exit(f"사용법: {sys.argv[0]} <메시지>")
shmid = check(libc.shmget(1234, SIZE, IPC_CREAT | 0o666), "shmget()")
semid = check(libc.semget(1234, 1, IPC_CREAT | 0o666), "semget()")
check(libc.semctl(semid, 0, SETVAL, ctypes.c_int(0)), "semctl(SETVAL)")

pid = os.fork()
if pid == 0:
    check(libc.semop(semid, ctypes.byref(Sembuf(0, -1, SEM_UNDO)), 1), "semop()")
    addr = libc.shmat(shmid, None, 0)
    print("읽은 쪽(자식)이 읽음:", ctypes.string_at(addr).decode(), flush=True)
    libc.shmdt(ctypes.c_void_p(addr))
    os._exit(0)
addr = libc.shmat(shmid, None, 0)
data = sys.argv[1].encode()[:SIZE - 1]
ctypes.memmove(addr, data + b"\0", len(data) + 1)
print("쓴 쪽(부모)이 씀:", sys.argv[1], flush=True)
libc.semop(semid, ctypes.byref(Sembuf(0, 1, SEM_UNDO)), 1)
os.waitpid(pid, 0)
libc.shmdt(ctypes.c_void_p(addr))
libc.shmctl(shmid, IPC_RMID, None)
libc.semctl(semid, 0, IPC_RMID)
