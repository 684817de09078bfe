"""Whether a program may have a real-time timer running (alarm(), setitimer()): /proc
shows no one's ITIMER_REAL, so the harness sees them being armed instead.

A seccomp filter, installed in the child just before exec, hands every alarm() and
setitimer() call of the program and its descendants to the harness (seccomp user
notification); a thread of the harness notes the time it could fire and lets the call
go on unchanged. The program sees no difference but a few microseconds.

Rules this module keeps:
- Conservative: alarm(n) counts until n + 1 s after the call; any setitimer(ITIMER_REAL)
  and any system call of another ABI (32-bit int 0x80, x32: not in the tables) count as
  "a timer may be running" for the rest of the run.
- No watch (seccomp or the listener unavailable, another architecture) is "cannot
  tell" (None), never "no timer".
- `in_child` runs after fork: only system calls on memory made before the fork.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import select
import socket
import struct
import threading
import time

from harness.sandbox import syscalls

# <linux/audit.h>, <linux/seccomp.h>, <asm/unistd.h>
_ARCH = {"x86_64": (0xC000003E, 317, (37, 38)), "aarch64": (0xC00000B7, 277, (103,))}
_RET_ALLOW, _RET_NOTIFY = 0x7FFF0000, 0x7FC00000
_SET_MODE_FILTER, _FLAG_NEW_LISTENER = 1, 8
_NOTIF_RECV, _NOTIF_SEND = 0xC0502100, 0xC0182101
_NOTIF_SIZE, _FLAG_CONTINUE = 80, 1
_X32_BIT = 0x40000000
_ALARM_NR = {"x86_64": 37}
_libc = ctypes.CDLL(None, use_errno=True)


def _filter(arch: str) -> bytes:
    """BPF: another ABI -> notify; alarm/setitimer -> notify; the rest -> allow."""
    audit, _, watched = _ARCH[arch]
    n = len(watched)
    code = [(0x20, 0, 0, 4),  # A = seccomp_data.arch
            (0x15, 0, n + 3, audit),  # not this ABI: notify
            (0x20, 0, 0, 0)]  # A = seccomp_data.nr
    code += [(0x15, n - i + 1, 0, nr) for i, nr in enumerate(watched)]
    code += [(0x35, 1, 0, _X32_BIT),  # x32 numbers
             (0x06, 0, 0, _RET_ALLOW), (0x06, 0, 0, _RET_NOTIFY)]
    return b"".join(struct.pack("HBBI", *ins) for ins in code)


class TimerWatch:
    """One program's (and its descendants') alarm() and setitimer() calls."""

    def __init__(self) -> None:
        self.arch = syscalls.machine()
        self._mine, self._theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.child_fd = self._theirs.fileno()  # for pass_fds
        self._code = ctypes.create_string_buffer(_filter(self.arch) if self.arch in _ARCH
                                                 else b"")
        self._fprog = ctypes.create_string_buffer(struct.pack(
            "HP", len(self._code.raw) // 8, ctypes.addressof(self._code)))
        self._listener: int | None = None
        self._until = 0.0  # monotonic time until which an alarm may fire
        self._forever = False
        self.calls = 0
        self._wake_r, self._wake_w = os.pipe()
        self._thread: threading.Thread | None = None

    def in_child(self) -> None:
        """After fork, last thing before exec: install the filter, send its listener."""
        if self.arch in _ARCH:
            fd = _libc.syscall(ctypes.c_long(_ARCH[self.arch][1]), ctypes.c_long(_SET_MODE_FILTER),
                               ctypes.c_long(_FLAG_NEW_LISTENER),
                               ctypes.c_void_p(ctypes.addressof(self._fprog)))
            if fd >= 0:
                with contextlib.suppress(OSError):
                    socket.send_fds(self._theirs, [b"L"], [fd])
                os.close(fd)
        self._theirs.close()

    def started(self) -> None:
        """In the harness, once the child has exec'd: take the listener, serve it."""
        self._theirs.close()
        with contextlib.suppress(OSError):  # (socket.recv_fds ignores its flags)
            _, anc, _, _ = self._mine.recvmsg(1, socket.CMSG_LEN(4), socket.MSG_DONTWAIT)
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS and len(data) >= 4:
                    self._listener = struct.unpack("i", data[:4])[0]
        self._mine.close()
        if self._listener is not None:
            self._thread = threading.Thread(target=self._serve, name="timerwatch", daemon=True)
            self._thread.start()

    def _serve(self) -> None:
        assert self._listener is not None
        while True:
            ready, _, _ = select.select([self._listener, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            buf = bytearray(_NOTIF_SIZE)
            try:
                fcntl.ioctl(self._listener, _NOTIF_RECV, buf, True)
            except OSError:
                continue  # the caller died before it was received
            note_id, nr, audit = struct.unpack_from("=Q8xiI", buf)
            args = struct.unpack_from("=6Q", buf, 32)
            self._note(nr, audit, args)
            with contextlib.suppress(OSError):  # it may have died meanwhile
                fcntl.ioctl(self._listener, _NOTIF_SEND,
                            struct.pack("=QqiI", note_id, 0, 0, _FLAG_CONTINUE))

    def _note(self, nr: int, audit: int, args: tuple[int, ...]) -> None:
        self.calls += 1
        if audit == _ARCH[self.arch][0] and nr == _ALARM_NR.get(self.arch):
            seconds = args[0] & 0xFFFFFFFF
            if seconds:
                self._until = max(self._until, time.monotonic() + seconds + 1.0)
            return
        self._forever = True  # setitimer, or a call of another ABI

    def pending(self) -> bool | None:
        """True: a timer may fire; False: none can; None: cannot tell (no watch)."""
        if self._listener is None:
            return None
        return self._forever or time.monotonic() < self._until

    def close(self) -> None:
        if self._thread is not None:
            os.write(self._wake_w, b"x")
            self._thread.join(2)
        if self._listener is not None:
            os.close(self._listener)
            self._listener = None
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._mine.close()
        self._theirs.close()
