"""Isolation for an ordinary user: a user namespace of the grader's own (tier b).

Rules this module keeps:
- The tiers, tried in order, and named in every report (`tier()`): root with
  namespaces; an ordinary user inside a user namespace of its own; an ordinary user on
  the host's loopback (no namespaces at all).
- `enter()` is called once, at startup, by the whole process: unshare(CLONE_NEWUSER)
  refuses a process with more than one thread, so it runs before pytest or xdist start
  any. Child processes (xdist workers, builds, programs) inherit the namespaces.
- The user is mapped to root of the namespace (one uid, one gid), so the code that runs
  as root runs unchanged; what needs more than that one uid (a uid per grader slot) or
  the host's root (cgroups, a /proc of a pid namespace) is skipped, and `walls` says so.
- The same unshare gives the process a network namespace owned by the new user
  namespace, its home: each behaviour's namespace is made from it and left back to it
  (setns into the host's namespace would be refused there). Nothing graded ever needs
  the host's network.
- Programs started there run with every capability dropped (`drop_capabilities`, in the
  child between fork and exec): root of the namespace gives a program nothing.
- Why a tier could not be had is kept (`why_not()`), for the report's notes.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
ROOT, USERNS, HOST = "root", "user namespace", "ordinary user"
_PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
_CAP_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_why_not = ""


def _full_map() -> bool:
    """True in the initial user namespace (every uid mapped to itself)."""
    try:
        first = Path("/proc/self/uid_map").read_text().split()
    except OSError:
        return True
    return first[:3] == ["0", "0", "4294967295"]


def in_user_namespace() -> bool:
    """Root of a user namespace that is not the host's (ours, or one we were started in)."""
    return os.geteuid() == 0 and not _full_map()


def mapped(uid: int) -> bool:
    """Whether `uid` of this user namespace stands for some uid outside it."""
    try:
        rows = [line.split() for line in Path("/proc/self/uid_map").read_text().splitlines()]
    except OSError:
        return True
    return any(int(r[0]) <= uid < int(r[0]) + int(r[2]) for r in rows if len(r) == 3)


def tier() -> str:
    if os.geteuid() != 0:
        return HOST
    return USERNS if in_user_namespace() else ROOT


def why_not() -> str:
    """Why this ordinary user has no user namespace ('' when one was entered or tried none)."""
    return _why_not


def _threads() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 1


def enter() -> bool:
    """As an ordinary user, move this whole process into a user namespace of its own with
    a network namespace inside. True if it is in one now (entered here or before)."""
    global _why_not
    if os.geteuid() == 0:
        return in_user_namespace()
    uid, gid = os.geteuid(), os.getegid()
    if _threads() > 1:
        _why_not = "the grader had already started threads"
        return False
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        _why_not = f"unshare(CLONE_NEWUSER): {os.strerror(err)}" + (
            " (user.max_user_namespaces is 0)" if err == 28 else
            " (refused by the kernel's policy, e.g. AppArmor)" if err in (1, 13) else "")
        return False
    try:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
        Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
    except OSError as exc:  # cannot happen on a kernel that let us unshare; say so
        _why_not = f"mapping the user into its namespace: {exc}"
        return False
    return True


def last_capability() -> int:
    try:
        return int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        return 63


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities(last: int) -> None:
    """In the child before exec: empty the bounding, ambient, inheritable, permitted and
    effective sets, so the program (uid 0 of the namespace) execs with none."""
    for cap in range(last + 1):
        if _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
    _libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    data = (_CapData * 2)()
    if _libc.capset(ctypes.byref(_CapHeader(_CAP_VERSION_3, 0)), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
