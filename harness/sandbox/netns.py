"""A private network namespace for one behaviour, entered by the calling thread.

Rules this module keeps:
- The namespace is anonymous: it is never named in /var/run/netns, so it cannot leak;
  it lives while a process is in it or our fd holds it, and dies with them.
- Only the calling thread enters it (unshare/setns act per thread). Sockets it opens
  and processes it forks while inside belong to the namespace; `leave()` returns the
  thread to where it was.
- `lo` is brought up by ioctl, so iproute2 is not needed; it is made MULTICAST, with a
  route for 224.0.0.0/4, so programs may send to and join a multicast group in it.
- It is made from a "nursery" namespace this process holds, whose children get a TCP
  hash table of their own (tcp_child_ehash_entries, Linux 6.1+): reading
  /proc/net/tcp walks the whole table, which is shared with the host by default and
  has 262,144 buckets on a 24 GB machine (3.4 ms a read, each readiness poll reads two).
  The sysctls the kernel sizes from that table (SYN backlog, TIME_WAIT buckets) are set
  back to what a namespace sharing the host's table gets, so programs see no difference.
  Without the sysctl, namespaces are made as before.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import socket
import struct
import threading

CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_IFF_RUNNING = 0x40
_IFF_MULTICAST = 0x1000
_SIOCADDRT = 0x890B
_RTF_UP = 0x1

_libc = ctypes.CDLL(None, use_errno=True)


class IsolationUnavailable(Exception):
    """A namespace could not be made here (no root, no user namespaces, a container)."""


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


class _Rtentry(ctypes.Structure):
    """struct rtentry of <linux/route.h>, for SIOCADDRT."""

    _fields_ = [("rt_pad1", ctypes.c_ulong), ("rt_dst", ctypes.c_ubyte * 16),
                ("rt_gateway", ctypes.c_ubyte * 16), ("rt_genmask", ctypes.c_ubyte * 16),
                ("rt_flags", ctypes.c_ushort), ("rt_pad2", ctypes.c_short),
                ("rt_pad3", ctypes.c_ulong), ("rt_pad4", ctypes.c_void_p),
                ("rt_metric", ctypes.c_short), ("rt_dev", ctypes.c_char_p),
                ("rt_mtu", ctypes.c_ulong), ("rt_window", ctypes.c_ulong),
                ("rt_irtt", ctypes.c_ushort)]


def _sockaddr_in(ip: str) -> ctypes.Array[ctypes.c_ubyte]:
    return (ctypes.c_ubyte * 16).from_buffer_copy(
        struct.pack("HH4s8x", socket.AF_INET, 0, socket.inet_aton(ip)))


def _bring_up_lo() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifreq = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, _SIOCGIFFLAGS, ifreq))[1]
        fcntl.ioctl(s, _SIOCSIFFLAGS, struct.pack(
            "16sH14x", b"lo", flags | _IFF_UP | _IFF_RUNNING | _IFF_MULTICAST))
        # the multicast range on lo: without a route, sending to a group or joining one
        # fails (ENETUNREACH, ENODEV) in a namespace that has no other interface
        route = _Rtentry(rt_dst=_sockaddr_in("224.0.0.0"), rt_genmask=_sockaddr_in("240.0.0.0"),
                         rt_flags=_RTF_UP, rt_dev=b"lo")
        fcntl.ioctl(s, _SIOCADDRT, bytes(route))


_NURSERY_HASH = "1024"  # buckets: a behaviour has a few dozen sockets at most
_SIZED_BY_HASH = ("tcp_max_syn_backlog", "tcp_max_tw_buckets")
_nursery_lock = threading.Lock()
_nursery: tuple[int, dict[str, str]] | None = None
_nursery_tried = False


def _sysctl(name: str, value: str | None = None) -> str:
    """Read or write net.ipv4.NAME of the calling thread's namespace."""
    with open(f"/proc/sys/net/ipv4/{name}", "w" if value is not None else "r") as f:
        if value is not None:
            f.write(value)
            return value
        return f.read().strip()


def _make_nursery() -> tuple[int, dict[str, str]] | None:
    """(fd, sysctls to set in each child) of the nursery, made once; None where the
    kernel has no per-namespace hash table or the nursery cannot be made."""
    global _nursery, _nursery_tried
    with _nursery_lock:
        if _nursery_tried:
            return _nursery
        _nursery_tried = True
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            if _libc.unshare(CLONE_NEWNET) != 0:
                return None
            fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            try:
                keep = {n: _sysctl(n) for n in _SIZED_BY_HASH}  # as with the shared table
                _sysctl("tcp_child_ehash_entries", _NURSERY_HASH)
            except OSError:
                os.close(fd)
                return None
            _nursery = (fd, keep)
            return _nursery
        finally:
            _check(_libc.setns(home, CLONE_NEWNET), "setns back to the host namespace")
            os.close(home)


def current_inode(pid: int | str = "thread-self") -> str:
    return os.readlink(f"/proc/{pid}/ns/net")


class NetNamespace:
    """Enter a fresh namespace on construction; `leave()` (idempotent) goes back."""

    def __init__(self) -> None:
        nursery = _make_nursery()
        self._home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        if nursery is not None:
            _check(_libc.setns(nursery[0], CLONE_NEWNET), "setns into the nursery namespace")
        if _libc.unshare(CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            _libc.setns(self._home, CLONE_NEWNET)
            os.close(self._home)
            reason = "needs root (CAP_SYS_ADMIN)" if err in (errno.EPERM, errno.EACCES) else ""
            raise IsolationUnavailable(f"unshare(CLONE_NEWNET): {os.strerror(err)} {reason}")
        self._fd: int | None = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        self.inode = current_inode()
        try:
            for name, value in (nursery[1] if nursery is not None else {}).items():
                _sysctl(name, value)
            _bring_up_lo()
        except OSError:
            self.leave()
            raise

    def leave(self) -> None:
        if self._fd is None:
            return
        _check(_libc.setns(self._home, CLONE_NEWNET), "setns back to the host namespace")
        os.close(self._fd)
        os.close(self._home)
        self._fd = None

    def pids(self) -> list[int]:
        """Every process whose network namespace is this one (our own pid excluded)."""
        me = os.getpid()
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            try:
                if os.readlink(f"/proc/{entry}/ns/net") == self.inode:
                    found.append(int(entry))
            except OSError:
                continue  # exited meanwhile, or not ours to read
        return found


def probe() -> str | None:
    """None if namespaces work here, else why not (checked once, without side effects)."""
    try:
        ns = NetNamespace()
    except (IsolationUnavailable, OSError) as exc:
        return str(exc)
    ns.leave()
    return None
