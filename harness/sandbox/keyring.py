"""Kernel keyrings of a slot uid: a fresh session keyring per program, none kept between runs.

Rules this module keeps:
- Every program and build command, in the child after it has become the slot uid and
  before exec (`fresh`: system calls only, safe after fork), joins a new anonymous
  session keyring, so it no longer holds the grader's own (whose keys it would
  possess); the new one dies with the run's last process. It then empties what
  outlives processes: the uid's user keyring (@u), user session keyring (@us) and
  persistent keyring. So no program sees a key an earlier one left, at no cost per run.
- When a grader lets its slot go (and when it takes one: a grader killed before that),
  `clear_user` empties them too, from a short child running as that uid (root cannot
  even see another uid's keyrings), so nothing is left on the machine.
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
_GET_KEYRING_ID, _JOIN_SESSION, _CLEAR, _READ, _GET_PERSISTENT = 0, 1, 7, 11, 22
_SESSION, _USER, _USER_SESSION = -3, -4, -5

_libc = ctypes.CDLL(None, use_errno=True)


def _keyctl(*args: int) -> int:
    if _NR_KEYCTL is None:
        return -1
    return int(_libc.syscall(ctypes.c_long(_NR_KEYCTL), *(ctypes.c_long(a) for a in args)))


def join_session() -> bool:
    """In the child: a new anonymous session keyring (KEYCTL_JOIN_SESSION_KEYRING, NULL)."""
    return _keyctl(_JOIN_SESSION, 0) >= 0


def fresh() -> None:
    """In the child, as the slot uid: a session keyring of its own, and the uid's
    lasting keyrings emptied (the session one first: never the grader's)."""
    if not join_session():
        return
    for ring in (_USER, _USER_SESSION):
        _keyctl(_CLEAR, ring)
    persistent = _keyctl(_GET_PERSISTENT, -1, _SESSION)
    if persistent > 0:
        _keyctl(_CLEAR, persistent)


def _clear_as_uid(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    fresh()


def _count_as_uid(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    join_session()
    user = _keyctl(_GET_KEYRING_ID, _USER, 1)
    rings = [_USER, _USER_SESSION, _keyctl(_GET_PERSISTENT, -1, _SESSION)]
    buf = (ctypes.c_int32 * 1024)()
    kept = 0
    for ring in (r for r in rings if r != -1):
        size = _keyctl(_READ, ring, ctypes.addressof(buf), ctypes.sizeof(buf))
        # a keyring it may not read (its permissions changed by a program) counts too;
        # the link from @us to @u, which the kernel makes, does not
        kept += 1 if size < 0 else sum(1 for k in buf[:size // 4] if k != user)
    os._exit(min(100, kept))  # told by the exit status


def kept_keys(uid: int) -> int:
    """How many keys the keyrings of `uid` that outlive its processes hold (for the
    test suite's leftover check; 0 where keyctl is refused)."""
    if _NR_KEYCTL is None or not has_keys(uid):
        return 0
    true = shutil.which("true") or "/bin/true"
    try:
        return subprocess.run([true], preexec_fn=lambda: _count_as_uid(uid), timeout=10,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              env={}).returncode
    except (OSError, subprocess.SubprocessError):
        return 0


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
