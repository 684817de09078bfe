"""Ports of the host's loopback held for one behaviour, where no namespace is private.

Rules this module keeps:
- A port is held by an flock'ed file named after it, in a lock directory that is ours
  alone; every grader on the machine (xdist workers, batch jobs) takes the same locks,
  so two behaviours never hold one port. The lock dies with its holder.
- A behaviour's own port is picked below the kernel's ephemeral range, so no socket's
  automatic port can take it meanwhile; it is held only if a TCP and a UDP socket can
  bind it now (no listener, no TIME_WAIT a program without SO_REUSEADDR would trip on).
- The spec's own port (for a program the library cannot map) is waited for: the lock
  first, then for the port to be free, each bounded.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import socket
import stat
import tempfile
import time
from pathlib import Path


class PortBusy(Exception):
    """No port could be held in time."""


def lock_dir() -> Path:
    if os.geteuid() == 0:
        d = Path("/run/sockgrade-ports")
    else:
        base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
        d = Path(base) / f"sockgrade-ports-{os.geteuid()}"
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = os.stat(d, follow_symlinks=False)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
        raise PortBusy(f"{d} is not a directory only this user may write")
    return d


def _free(port: int) -> bool:
    """Both protocols can bind `port` on every address right now."""
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                return False
    return True


def _ephemeral_start() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


class Held:
    """One port, held until `release()` (idempotent)."""

    def __init__(self, port: int, fd: int) -> None:
        self.port = port
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _try_lock(port: int, block: bool) -> int | None:
    fd = os.open(lock_dir() / f"{port}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    except OSError:
        os.close(fd)
        return None
    return fd


def any_free(tries: int = 200) -> Held:
    """A free port of the behaviour's own, below the ephemeral range."""
    top = max(_ephemeral_start(), 12000)
    for port in random.sample(range(10000, top), min(tries, top - 10000)):
        fd = _try_lock(port, block=False)
        if fd is None:
            continue
        if _free(port):
            return Held(port, fd)
        os.close(fd)
    raise PortBusy("no free port below the ephemeral range")


def exactly(port: int, seconds: float) -> Held:
    """`port` itself: wait (up to `seconds`) for every other behaviour holding it, then
    for the port to be free (a TIME_WAIT lasts 60 s)."""
    deadline = time.monotonic() + seconds
    fd = None
    while fd is None:
        fd = _try_lock(port, block=False)
        if fd is None:
            if time.monotonic() > deadline:
                raise PortBusy(f"port {port} stayed held by another behaviour for {seconds:g} s")
            time.sleep(0.05)  # another grader's behaviour holds it: nothing to poll on
    while not _free(port):
        if time.monotonic() > deadline:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise PortBusy(f"port {port} stayed in use for {seconds:g} s")
        time.sleep(0.1)
    return Held(port, fd)
