"""The blocking system calls a program can wait in, per architecture: what each waits
for and where its time-out is, so a wait only someone else can end is told from a
timed one.

Rules this module keeps:
- Data only, no I/O: a table per architecture (x86_64, aarch64), keyed by the number
  /proc/PID/task/TID/syscall shows. A number not in the table, or an architecture
  without a table, is "cannot tell" (None): never a quiet wait.
- Only calls that nothing but another process, a signal or arriving data can end are
  listed; a call that ends by itself after a while (nanosleep, connect's SYN retries, a
  write the harness drains) is left out, so it is never quiet.
- `timeout` says how the call's own time-out is passed: ("ms", i) an int in argument i,
  negative for none; ("ptr", i) a pointer in argument i, NULL for none. `clock` says what
  that pointer holds, when it is a time-out relative to the call ("timeval",
  "timespec"); an absolute or unknown one is "" (its end cannot be told).
- sleeps (nanosleep, clock_nanosleep) are listed too: a sleep that ends after the
  harness stops waiting cannot change what the harness sees before then.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass


@dataclass(frozen=True)
class Call:
    name: str
    fd_arg: int | None = None  # the argument holding the descriptor it waits on
    timeout: tuple[str, int] | None = None
    futex: bool = False  # futex(): only its wait operations are quiet
    clock: str = ""  # what a ("ptr", i) time-out points to: timeval, timespec, or unknown
    sleep: bool = False  # nanosleep/clock_nanosleep: always timed


_COMMON = {  # name -> (descriptor argument, time-out)
    "read": (0, None), "readv": (0, None), "pread64": (0, None), "preadv": (0, None),
    "preadv2": (0, None), "recvfrom": (0, None), "recvmsg": (0, None),
    "recvmmsg": (0, ("ptr", 4)), "accept": (0, None), "accept4": (0, None),
    "ppoll": (None, ("ptr", 2)), "pselect6": (None, ("ptr", 4)),
    "epoll_pwait": (None, ("ms", 3)), "epoll_pwait2": (None, ("ptr", 3)),
    "rt_sigsuspend": (None, None), "rt_sigtimedwait": (None, ("ptr", 2)),
    "wait4": (None, None), "waitid": (None, None), "futex": (None, ("ptr", 3)),
    "futex_waitv": (None, ("ptr", 3)), "msgrcv": (None, None), "semop": (None, None),
    "semtimedop": (None, ("ptr", 3)), "mq_timedreceive": (None, ("ptr", 4)),
    "nanosleep": (None, ("ptr", 0)), "clock_nanosleep": (None, ("ptr", 2)),
}
_TIMESPEC = {"ppoll", "pselect6", "epoll_pwait2", "rt_sigtimedwait", "recvmmsg", "semtimedop",
             "nanosleep", "clock_nanosleep"}  # relative time-outs (futex's may be absolute)
_X86_64_ONLY = {"poll": (None, ("ms", 2)), "select": (None, ("ptr", 4)),
                "epoll_wait": (None, ("ms", 3)), "pause": (None, None)}

_NUMBERS = {
    "x86_64": {
        "read": 0, "readv": 19, "pread64": 17, "preadv": 295, "preadv2": 327, "recvfrom": 45,
        "recvmsg": 47, "recvmmsg": 299, "accept": 43, "accept4": 288, "poll": 7, "ppoll": 271,
        "select": 23, "pselect6": 270, "epoll_wait": 232, "epoll_pwait": 281,
        "epoll_pwait2": 441, "pause": 34, "rt_sigsuspend": 130, "rt_sigtimedwait": 128,
        "wait4": 61, "waitid": 247, "futex": 202, "futex_waitv": 449, "msgrcv": 70,
        "semop": 65, "semtimedop": 220, "mq_timedreceive": 243, "nanosleep": 35,
        "clock_nanosleep": 230,
    },
    "aarch64": {  # the generic table (include/uapi/asm-generic/unistd.h)
        "read": 63, "readv": 65, "pread64": 67, "preadv": 69, "preadv2": 286,
        "recvfrom": 207, "recvmsg": 212, "recvmmsg": 243, "accept": 202, "accept4": 242,
        "ppoll": 73, "pselect6": 72, "epoll_pwait": 22, "epoll_pwait2": 441,
        "rt_sigsuspend": 133, "rt_sigtimedwait": 137, "wait4": 260, "waitid": 95,
        "futex": 98, "futex_waitv": 449, "msgrcv": 188, "semop": 193, "semtimedop": 192,
        "mq_timedreceive": 180, "nanosleep": 101, "clock_nanosleep": 115,
    },
}

# futex operations that wait (FUTEX_WAIT, FUTEX_LOCK_PI, FUTEX_WAIT_BITSET,
# FUTEX_WAIT_REQUEUE_PI, FUTEX_LOCK_PI2), after masking FUTEX_PRIVATE_FLAG and
# FUTEX_CLOCK_REALTIME
FUTEX_WAITS = frozenset({0, 6, 9, 11, 13})
FUTEX_CMD_MASK = ~(128 | 256)


def _table(arch: str) -> dict[int, Call]:
    args = {**_COMMON, **(_X86_64_ONLY if arch == "x86_64" else {})}
    return {nr: Call(name, *args[name], futex=name == "futex",
                     clock="timeval" if name == "select" else "timespec" if name in _TIMESPEC
                     else "", sleep=name in ("nanosleep", "clock_nanosleep"))
            for name, nr in _NUMBERS[arch].items()}


TIMER_ABSTIME = 1  # clock_nanosleep's flags (argument 1)
CLOCK_MONOTONIC = 1  # its clock (argument 0): the harness's time.monotonic()


TABLES = {arch: _table(arch) for arch in _NUMBERS}


def machine() -> str:
    """This kernel's architecture as the tables name it ('' when there is no table)."""
    arch = platform.machine()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch)


def lookup(arch: str, nr: int) -> Call | None:
    return TABLES.get(arch, {}).get(nr)


# Calls a program may be found in that the harness's own side can end (a write it
# drains, a connect it answers): never quiet, but named when a failure is explained.
# name -> the argument holding the descriptor
_OTHERS = {"write": 0, "writev": 0, "sendto": 0, "sendmsg": 0, "connect": 0}
_OTHER_NUMBERS = {
    "x86_64": {"write": 1, "writev": 20, "sendto": 44, "sendmsg": 46, "connect": 42},
    "aarch64": {"write": 64, "writev": 66, "sendto": 206, "sendmsg": 211, "connect": 203},
}


def describe_call(arch: str, nr: int) -> Call | None:
    """Any call this module can name: the blocking ones, and the few the harness ends."""
    known = lookup(arch, nr)
    if known is not None:
        return known
    name = next((n for n, x in _OTHER_NUMBERS.get(arch, {}).items() if x == nr), None)
    return None if name is None else Call(name, _OTHERS[name])


# what a student called, for the kernel's name of it (glibc's select() is pselect6 here)
_SHOWN = {"accept4": "accept", "pselect6": "select", "ppoll": "poll",
          "epoll_pwait": "epoll_wait", "epoll_pwait2": "epoll_wait", "pread64": "pread",
          "nanosleep": "sleep", "clock_nanosleep": "sleep", "rt_sigsuspend": "sigsuspend",
          "rt_sigtimedwait": "sigtimedwait", "wait4": "wait", "semtimedop": "semop"}


def shown(name: str) -> str:
    """The call's name as the program's source most likely has it."""
    return _SHOWN.get(name, name)
