"""What a program's processes are doing right now, from /proc: each thread's state and
the system call it waits in, the descriptors it holds, its timers; recorded as plain
values for `judge.quiescence` to decide whether anything can still come from it.

Rules this module keeps:
- Read only: /proc files, and for the one descriptor a thread waits on, a duplicate
  taken with pidfd_getfd(2) for getsockopt/ioctl/tcgetattr and closed at once (the
  program's descriptor is not touched). Nothing from the program is read but numbers
  and link names; no student file is opened.
- Whatever cannot be read is recorded as unknown (None, ''), never as a quiet value.
- Processes come from the run's cgroup (a program cannot leave it), or, without one,
  from the harness's own descendants (orphans come back to it, the subreaper).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import re
import socket
import stat
import struct
import termios
from collections.abc import Iterable
from dataclasses import dataclass

import psutil

from harness.sandbox import syscalls
from harness.sandbox.syscalls import Call

_PIDFD_GETFD = 438  # the same number on every architecture (new system calls are)
_libc = ctypes.CDLL(None, use_errno=True)
_TCP_INFO, _BYTES_RECEIVED = 11, 128  # getsockopt's option; the counter's offset in it
_TFD = re.compile(r"^tfd:\s*(\d+)\s+events:\s*([0-9a-f]+).*?\bino:([0-9a-f]+)", re.M)


@dataclass(frozen=True)
class FdInfo:
    """The descriptor a thread waits on."""

    kind: str  # socket, pipe, tty, or the link's text for anything else
    inode: int
    queued: int | None  # bytes ready to read (FIONREAD); None: could not tell
    timed: bool | None  # SO_RCVTIMEO set, or a non-canonical tty read with VTIME


@dataclass(frozen=True)
class TaskSample:
    pid: int
    tid: int
    state: str  # R, S, D, T, Z, ... ('' gone)
    syscall: tuple[int, ...] | None  # (nr, arg0..arg5) while blocked in a call
    stack: int  # the user stack pointer (a 32-bit program's is below 4 GiB)
    wchan: str
    runs: str  # /proc/.../schedstat: changes whenever the thread has run
    fd: FdInfo | None = None  # what it waits on, for a call on a descriptor
    timeout: float | None = None  # the relative time-out it passed (s), if one was read
    ends_at: float | None = None  # an absolute CLOCK_MONOTONIC time-out (s), if one was read
    seen: bool = True  # /proc/.../syscall could be read (False: what it does is unknown)


@dataclass(frozen=True)
class ProcSample:
    pid: int
    name: str
    tasks: tuple[TaskSample, ...]
    sockets: frozenset[int]  # socket inodes among its descriptors
    posix_timers: int | None  # timer_create() timers; None: could not tell
    armed_timerfds: int  # and io_uring instances (they may hold timed operations)
    alarm: bool | None  # alarm()/setitimer() may fire (TimerWatch); None: cannot tell


@dataclass(frozen=True)
class SockQueue:
    """One row of /proc/net/{tcp,tcp6,udp,udp6}."""

    proto: str
    inode: int
    local_port: int
    remote_port: int
    state: int
    tx: int
    rx: int
    local: str = ""  # the address and port as /proc lists them ("0100007F:23E6")
    remote: str = ""


def run_pids(cgroup_procs: Iterable[str], roots: Iterable[int]) -> set[int] | None:
    """Every process of the run: its cgroup's, or the harness's descendants; None when
    the cgroup cannot be read."""
    found: set[int] = set()
    files = list(cgroup_procs)
    for path in files:
        try:
            with open(path) as f:
                found |= {int(p) for p in f.read().split() if p.isdigit()}
        except OSError:
            return None
    if not files:
        with contextlib.suppress(psutil.Error):
            found |= {c.pid for c in psutil.Process().children(recursive=True)}
    return found | {p for p in roots if os.path.exists(f"/proc/{p}")}


def _read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _task(pid: int, tid: int, table: dict[int, Call]) -> TaskSample:
    base = f"/proc/{pid}/task/{tid}"
    st = _read(f"{base}/stat")
    state = st.rsplit(") ", 1)[1][:1] if ") " in st else ""
    words = _read(f"{base}/syscall").split()
    call: tuple[int, ...] | None = None
    stack = 0
    if len(words) >= 9 and words[0].lstrip("-").isdigit() and int(words[0]) >= 0:
        call = (int(words[0]), *(int(w, 16) for w in words[1:7]))
        stack = int(words[7], 16)
    fd = None
    timeout = None
    known = table.get(call[0]) if call is not None else None
    if call is not None and known is not None:
        if known.fd_arg is not None:
            fd = fd_info(pid, tid, call[1 + known.fd_arg])
        timeout = _timeout(pid, known, call[1:])
    ends_at = None
    if (known is not None and known.sleep and call is not None
            and call[2] & syscalls.TIMER_ABSTIME and call[1] == syscalls.CLOCK_MONOTONIC):
        ends_at = _timespec(pid, call[3])  # clock_nanosleep(MONOTONIC, TIMER_ABSTIME, t)
    return TaskSample(pid, tid, state, call, stack, _read(f"{base}/wchan").strip(),
                      _read(f"{base}/schedstat").strip(), fd, timeout, ends_at, bool(words))


def _timespec(pid: int, address: int, per_second: float = 1e9) -> float | None:
    raw = read_memory(pid, address, 16) if address else None
    if raw is None:
        return None
    sec, frac = (int(x) for x in struct.unpack("qq", raw))
    return None if sec < 0 or frac < 0 else sec + frac / per_second


def _timeout(pid: int, call: Call, args: tuple[int, ...]) -> float | None:
    """The relative time-out a call was given, in seconds (None: none, or unknown)."""
    if call.timeout is None:
        return None
    how, i = call.timeout
    if how == "ms":
        ms = args[i] & 0xFFFFFFFF
        return None if ms >= 1 << 31 else ms / 1000
    if not args[i] or not call.clock or (call.name == "clock_nanosleep"
                                         and args[1] & syscalls.TIMER_ABSTIME):
        return None
    return _timespec(pid, args[i], 1e6 if call.clock == "timeval" else 1e9)


def read_memory(pid: int, address: int, size: int) -> bytes | None:
    """`size` bytes of process `pid`'s memory (a time-out it passed to a call)."""
    try:
        fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY)
    except OSError:
        return None
    try:
        got = os.pread(fd, size, address)
        return got if len(got) == size else None
    except (OSError, OverflowError):
        return None
    finally:
        os.close(fd)


def fd_info(pid: int, tid: int, fd: int) -> FdInfo:
    link = ""
    with contextlib.suppress(OSError):
        link = os.readlink(f"/proc/{pid}/task/{tid}/fd/{fd}")
    try:
        mode = os.stat(f"/proc/{pid}/task/{tid}/fd/{fd}")
    except OSError:
        return FdInfo(link or "?", 0, None, None)
    kind = ("socket" if stat.S_ISSOCK(mode.st_mode) else "pipe" if stat.S_ISFIFO(mode.st_mode)
            else "tty" if stat.S_ISCHR(mode.st_mode) and os.major(mode.st_rdev) in (
                4, 5, *range(136, 144)) else link)
    if kind not in ("socket", "pipe", "tty"):
        return FdInfo(kind, mode.st_ino, None, None)
    queued: int | None = None
    timed: bool | None = None
    dup = _getfd(pid, fd)
    if dup is not None:
        try:
            if os.fstat(dup).st_ino == mode.st_ino:  # still the same file
                queued, timed = _ready_and_timed(dup, kind)
        finally:
            os.close(dup)
    return FdInfo(kind, mode.st_ino, queued, timed)


def _getfd(pid: int, fd: int) -> int | None:
    try:
        pidfd = os.pidfd_open(pid)
    except (OSError, AttributeError):
        return None
    try:
        got = int(_libc.syscall(ctypes.c_long(_PIDFD_GETFD), ctypes.c_long(pidfd),
                                   ctypes.c_long(fd), ctypes.c_long(0)))
        return got if got >= 0 else None
    finally:
        os.close(pidfd)


def received(pid: int, fd: int) -> int | None:
    """The bytes process `pid`'s TCP socket `fd` has received in order, read or not
    (tcp_info's counter, on a duplicate: nothing is read from the socket); None when it
    cannot be looked at. Bytes it counts have arrived, acknowledged or not."""
    dup = _getfd(pid, fd)
    if dup is None:
        return None
    try:
        sock = socket.socket(fileno=dup)
    except OSError:
        os.close(dup)
        return None
    with sock:
        if sock.type != socket.SOCK_STREAM or sock.family not in (socket.AF_INET,
                                                                  socket.AF_INET6):
            return None
        try:
            raw = sock.getsockopt(socket.IPPROTO_TCP, _TCP_INFO, 256)
        except OSError:
            return None
    # appended to, never moved (Linux 4.1+)
    return int(struct.unpack_from("Q", raw, _BYTES_RECEIVED)[0]) \
        if len(raw) >= _BYTES_RECEIVED + 8 else None


def _ready_and_timed(fd: int, kind: str) -> tuple[int | None, bool | None]:
    queued: int | None = None
    with contextlib.suppress(OSError):
        queued = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
    if kind == "pipe":
        return queued, False
    try:
        if kind == "tty":
            attrs = termios.tcgetattr(fd)
            vtime = attrs[6][termios.VTIME]  # an int in non-canonical mode, else bytes
            vtime = vtime if isinstance(vtime, int) else ord(vtime)
            return queued, not attrs[3] & termios.ICANON and vtime != 0
        with socket.socket(fileno=os.dup(fd)) as s:
            sec, usec = struct.unpack("ll", s.getsockopt(socket.SOL_SOCKET,
                                                         socket.SO_RCVTIMEO, 16))
            if queued is None and s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                queued = 0  # a listener: FIONREAD has no meaning there
            return queued, bool(sec or usec)
    except (OSError, termios.error, struct.error):
        return queued, None


def _timers(pid: int) -> tuple[frozenset[int], int, int | None]:
    """(socket inodes, armed timerfds, timer_create() timers) of one process."""
    sockets: set[int] = set()
    armed = 0
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    sockets.add(int(link[8:-1]))
                elif link == "anon_inode:[timerfd]":
                    info = _read(f"/proc/{pid}/fdinfo/{fd}")
                    armed += "it_value: (0, 0)" not in info
                elif link == "anon_inode:[io_uring]":
                    armed += 1  # its queued operations may hold timeouts: not seen here
    text = None
    with contextlib.suppress(OSError), open(f"/proc/{pid}/timers") as f:
        text = f.read()
    return frozenset(sockets), armed, None if text is None else text.count("ID:")


def sample_process(pid: int, name: str, table: dict[int, Call],
                   alarm: bool | None) -> ProcSample | None:
    """One process and its threads; None if it is gone."""
    try:
        tids = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return None
    tasks = tuple(_task(pid, tid, table) for tid in tids)
    sockets, armed, posix = _timers(pid)
    return ProcSample(pid, name, tasks, sockets, posix, armed, alarm)


def marks(pids: Iterable[int]) -> dict[int, str]:
    """The run count (schedstat) of every thread of these processes, by thread id: a
    light look, taken at each step, that tells when a thread last ran."""
    out = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{pid}/task"):
                out[int(tid)] = _read(f"/proc/{pid}/task/{tid}/schedstat").strip()
    return out


def socket_queues() -> tuple[SockQueue, ...]:
    """Every TCP and UDP socket of the calling thread's network namespace."""
    out = []
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        for row in _read(f"/proc/thread-self/net/{proto}").splitlines()[1:]:
            cols = row.split()
            if len(cols) < 10:
                continue
            tx, rx = (int(x, 16) for x in cols[4].split(":"))
            out.append(SockQueue(proto.rstrip("6"), int(cols[9]),
                                 int(cols[1].rsplit(":", 1)[1], 16),
                                 int(cols[2].rsplit(":", 1)[1], 16), int(cols[3], 16), tx, rx,
                                 cols[1], cols[2]))
    return tuple(out)


def epoll_watches(pid: int) -> list[tuple[int, int, int]] | None:
    """(descriptor, event mask, inode) of every descriptor the epoll instances of process
    `pid` watch, as /proc/PID/fdinfo lists them ("tfd: 5 events: 80000019 ... ino:5550b");
    None if we may not look (root without CAP_SYS_PTRACE, as in Docker, and another uid)."""
    out: list[tuple[int, int, int]] = []
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
        if fds:
            os.readlink(f"/proc/{pid}/fd/{fds[0]}")  # the listing alone may be allowed
    except PermissionError:
        return None
    except OSError:
        return out
    for fd in fds:
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:[eventpoll]":
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                out += [(int(m[1]), int(m[2], 16), int(m[3], 16))
                        for m in _TFD.finditer(f.read())]
    return out


@dataclass(frozen=True)
class Descriptor:
    """One open descriptor of a process, as /proc/PID/fd and fdinfo show it."""

    fd: int
    kind: str  # socket, pipe, tty, epoll, file, or the link's text
    inode: int  # sockets and pipes; 0 otherwise
    nonblocking: bool | None  # O_NONBLOCK (fdinfo's flags); None: could not tell


def descriptors(pid: int) -> tuple[Descriptor, ...] | None:
    """Every descriptor of process `pid`: only link names and fdinfo's flags are read,
    no file is opened. None if we may not look (another uid without CAP_SYS_PTRACE)."""
    out = []
    try:
        fds = sorted(int(f) for f in os.listdir(f"/proc/{pid}/fd") if f.isdigit())
    except OSError:
        return None
    for fd in fds:
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except PermissionError:
            return None
        except OSError:
            continue  # closed meanwhile
        inode = 0
        if link.startswith(("socket:[", "pipe:[")):
            kind, inode = link.split(":", 1)[0], int(link.split("[", 1)[1].rstrip("]"))
        elif link.startswith(("/dev/pts/", "/dev/tty", "/dev/console")):
            kind = "tty"
        elif link == "anon_inode:[eventpoll]":
            kind = "epoll"
        else:
            kind = "file" if link.startswith("/") else link
        flags = re.search(r"^flags:\s*([0-7]+)", _read(f"/proc/{pid}/fdinfo/{fd}"), re.M)
        out.append(Descriptor(fd, kind, inode,
                              None if flags is None else bool(int(flags[1], 8) & os.O_NONBLOCK)))
    return tuple(out)


@dataclass(frozen=True)
class TreeSample:
    alive: bool
    zombies: int
    children: int
    threads: int


def sample_tree(pid: int) -> TreeSample:
    """The program's own threads and its direct children, by state."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return TreeSample(False, 0, 0, 0)
        kids = proc.children()
        states = []
        for k in kids:
            try:
                states.append(k.status())
            except psutil.Error:
                continue
        zombies = sum(1 for s in states if s == psutil.STATUS_ZOMBIE)
        return TreeSample(True, zombies, len(states) - zombies, proc.num_threads())
    except psutil.Error:
        return TreeSample(False, 0, 0, 0)
