# shm_sem.py -- System V shared memory and a semaphore (libc through ctypes). usage:
# python3 shm_sem.py MESSAGE. The parent (the writer) copies MESSAGE into a segment and
# posts the semaphore; the child (the reader) waits on it and prints the segment. At the
# end the writer removes the segment and the semaphore set.
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


if len(sys.argv) != 2:
    sys.exit(f"Usage: {sys.argv[0]} <message>")
shmid = libc.shmget(1234, SIZE, IPC_CREAT | 0o666)
semid = libc.semget(1234, 1, IPC_CREAT | 0o666)
libc.semctl(semid, 0, SETVAL, ctypes.c_int(0))

pid = os.fork()
if pid == 0:
    libc.semop(semid, ctypes.byref(Sembuf(0, -1, SEM_UNDO)), 1)
    text = ""
    # TODO: addr = libc.shmat(shmid, None, 0); text = ctypes.string_at(addr).decode();
    #       libc.shmdt(ctypes.c_void_p(addr))
    # TODO: 세그먼트를 붙여 (shmat) 내용을 읽고 (ctypes.string_at) 떼세요 (shmdt).
    print("Reader read:", text, flush=True)
    os._exit(0)
addr = libc.shmat(shmid, None, 0)
data = sys.argv[1].encode()[:SIZE - 1]
ctypes.memmove(addr, data + b"\0", len(data) + 1)
print("Writer wrote:", sys.argv[1], flush=True)
libc.semop(semid, ctypes.byref(Sembuf(0, 1, SEM_UNDO)), 1)
os.waitpid(pid, 0)
libc.shmdt(ctypes.c_void_p(addr))
# TODO: remove both: libc.shmctl(shmid, IPC_RMID, None); libc.semctl(semid, 0, IPC_RMID)
# TODO: 둘 다 지우세요: libc.shmctl(shmid, IPC_RMID, None); libc.semctl(semid, 0, IPC_RMID)
