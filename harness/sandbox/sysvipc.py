"""System V IPC namespaces the harness holds: made before a program starts, read after.

Rules this module keeps:
- The grader itself never changes namespace: a namespace is made, and later read, by a
  short-lived thread of its own (unshare/setns of CLONE_NEWIPC change the calling thread
  only); the thread leaves an fd behind and ends.
- A namespace is made before the program starts (its child joins it between fork and
  exec), so what a program left is still there to count however quickly it ended: the
  fd keeps the namespace, and every segment, semaphore set and queue in it, alive.
- Counting reads /proc/sysvipc/{shm,sem,msg}, which show the reading thread's namespace.
- Shared memory in a namespace is capped at the program's memory limit (`shm_sysctls`,
  written by the child once in the namespace: kernel.shmmax and shmall are the
  namespace's own), so segments made, touched and detached cannot pile up beyond it.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable

from harness.sandbox import files

KINDS = ("shm", "sem", "msg")
_CLONE_NEWIPC = 0x08000000
_libc = ctypes.CDLL(None, use_errno=True)


def _in_thread(work: Callable[[], object]) -> object:
    box: list[object] = [None]

    def run() -> None:
        try:
            box[0] = work()
        except OSError:
            box[0] = None

    t = threading.Thread(target=run, name="sysvipc", daemon=True)
    t.start()
    t.join()
    return box[0]


def new_namespace() -> int | None:
    """An fd of a fresh IPC namespace (None where it cannot be made: not root)."""
    def make() -> int | None:
        if _libc.unshare(_CLONE_NEWIPC) != 0:
            return None
        return os.open("/proc/thread-self/ns/ipc", os.O_RDONLY | os.O_CLOEXEC)

    fd = _in_thread(make)
    return fd if isinstance(fd, int) else None


def shm_sysctls(memory_mib: int) -> tuple[tuple[str, bytes], ...]:
    """(file, value) pairs that cap System V shared memory at `memory_mib`: no segment
    larger, and no more pages in all (the namespace's own sysctls)."""
    pages = (memory_mib << 20) // os.sysconf("SC_PAGE_SIZE")
    return (("/proc/sys/kernel/shmmax", str(memory_mib << 20).encode()),
            ("/proc/sys/kernel/shmall", str(pages).encode()))


def shm_mib(ns_fd: int) -> float:
    """MiB of shared memory segments the namespace holds (0 if it cannot be entered)."""
    def read() -> float:
        if _libc.setns(ns_fd, _CLONE_NEWIPC) != 0:
            return 0.0
        with open("/proc/sysvipc/shm") as f:
            rows = [ln.split() for ln in f.read().splitlines()[1:]]
        return sum(int(r[3]) for r in rows if len(r) > 3 and r[3].isdigit()) / (1 << 20)

    got = _in_thread(read)
    return got if isinstance(got, float) else 0.0


def count(ns_fd: int) -> dict[str, int] | None:
    """How many shared memory segments, semaphore sets and message queues the namespace
    holds; None if it cannot be entered."""
    def read() -> dict[str, int] | None:
        if _libc.setns(ns_fd, _CLONE_NEWIPC) != 0:
            return None
        out = {}
        for kind in KINDS:
            with open(f"/proc/sysvipc/{kind}") as f:
                out[kind] = max(0, len([ln for ln in f.read().splitlines() if ln.strip()]) - 1)
        return out

    got = _in_thread(read)
    return got if isinstance(got, dict) else None


_IPC_RMID = 0
_RMID = {"shm": lambda i: _libc.shmctl(i, _IPC_RMID, None),
         "sem": lambda i: _libc.semctl(i, 0, _IPC_RMID),
         "msg": lambda i: _libc.msgctl(i, _IPC_RMID, None)}


def remove_left(uid: int | None, pids: set[int], since: float) -> list[str]:
    """Where a run had no IPC namespace of its own: remove from the grader's namespace
    what it left, and say what. A slot uid's objects are all the run's (no one else has
    that uid); the grader's own uid (an ordinary user) is shared with the user's other
    programs, so only a segment a run's process made (cpid), or a set or queue of that
    uid created while it ran (ctime), is taken, never another program's of the user."""
    slot = uid is not None and uid != os.getuid()
    mine = uid if uid is not None else os.getuid()
    removed = []
    for kind in KINDS:
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                rows = table.read().splitlines()
        except OSError:
            continue
        head = rows[0].split()
        for row in rows[1:]:
            f = dict(zip(head, row.split(), strict=True))
            if int(f["cuid"]) != mine:
                continue
            ours = slot or (int(f["cpid"]) in pids if kind == "shm"
                            else int(f["ctime"]) >= int(since))
            ident = int(f.get("shmid") or f.get("semid") or f.get("msqid") or -1)
            if not ours or ident < 0:
                continue
            if _RMID[kind](ident) == 0:
                removed.append(f"{kind} {f['key']}")
            elif slot:  # root without CAP_IPC_OWNER (Docker): the owner may remove it
                flag = {"shm": "-m", "sem": "-s", "msg": "-q"}[kind]
                if files.run_as(uid, ["ipcrm", flag, str(ident)], 10).returncode == 0:
                    removed.append(f"{kind} {f['key']}")
    return removed
