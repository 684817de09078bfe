"""Kernel keyrings of a slot uid: a fresh session keyring per program, none kept between runs.

Rules this module keeps:
- Every program and build joins a new anonymous session keyring in the child, after it
  has become the slot uid and before exec (`join_session`: one system call, safe after
  fork). It no longer holds the grader's own session keyring (whose keys it would
  possess), and the new one dies with the run's last process.
- What outlives processes is the slot uid's user keyring (@u), user session keyring
  (@us) and persistent keyring: `clear_user` empties them from a short child running as
  that uid (root cannot even see another uid's keyrings), after every run and build.
- Where keyctl is refused (Docker's seccomp profile) `works()` is False and the walls
  say so; nothing else changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import shutil
import subprocess

_NR_KEYCTL = {"x86_64": 250, "aarch64": 219, "i686": 288, "armv7l": 311, "riscv64": 219,
              "ppc64le": 271, "s390x": 280}.get(platform.machine())
_GET_KEYRING_ID, _JOIN_SESSION, _CLEAR, _GET_PERSISTENT = 0, 1, 7, 22
_SESSION, _USER, _USER_SESSION = -3, -4, -5

_libc = ctypes.CDLL(None, use_errno=True)


def _keyctl(*args: int) -> int:
    if _NR_KEYCTL is None:
        return -1
    return int(_libc.syscall(ctypes.c_long(_NR_KEYCTL), *(ctypes.c_long(a) for a in args)))


def join_session() -> bool:
    """In the child: a new anonymous session keyring (KEYCTL_JOIN_SESSION_KEYRING, NULL)."""
    return _keyctl(_JOIN_SESSION, 0) >= 0


def _clear_as_uid(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    join_session()  # not the grader's session keyring: never clear that one
    for ring in (_USER, _USER_SESSION):
        _keyctl(_CLEAR, ring)
    persistent = _keyctl(_GET_PERSISTENT, -1, _SESSION)
    if persistent > 0:
        _keyctl(_CLEAR, persistent)


def clear_user(uid: int | None) -> None:
    """Empty the keyrings of `uid` that outlive its processes (never raises)."""
    if uid is None or _NR_KEYCTL is None or not has_keys(uid):
        return
    true = shutil.which("true") or "/bin/true"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run([true], preexec_fn=lambda: _clear_as_uid(uid), timeout=10,
                       stdin=subprocess.DEVNULL, capture_output=True, env={})


def key_counts() -> dict[int, int]:
    """uid -> how many keys it owns, from /proc/key-users (root sees every uid)."""
    out: dict[int, int] = {}
    try:
        with open("/proc/key-users") as f:
            lines = f.read().splitlines()
    except OSError:
        return out
    for line in lines:
        fields = line.split()
        if len(fields) >= 3 and fields[0].rstrip(":").isdigit():
            out[int(fields[0].rstrip(":"))] = int(fields[2].split("/")[0])
    return out


def has_keys(uid: int) -> bool:
    return key_counts().get(uid, 0) > 0 or not os.path.exists("/proc/key-users")


_works: bool | None = None


def works() -> bool:
    """Whether keyctl is allowed here (probed once)."""
    global _works
    if _works is None:
        _works = _keyctl(_GET_KEYRING_ID, _SESSION, 0) >= 0
    return _works
