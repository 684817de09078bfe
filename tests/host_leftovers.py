"""The host-wide half of the suite's leftover check: what a grading left outside its sandbox.

A `snapshot()` is taken when the session starts; `leftovers()` at its end names what is
new on the host and should not be:
- /dev/shm and /var/tmp: entries that were not there at the start (whoever owns them:
  a build or a harness bug leaves them as root), and any entry of a slot uid;
- System V IPC of the host's namespace: segments, semaphore sets and queues created (or
  changed) since the start;
- kernel keys of slot uids: any key but their standard keyrings left empty (a key in a
  slot uid's user keyring is readable by the next run with that uid). Keys are read with
  the slot uid as this thread's fsuid, so no process of that uid is started for it; keys
  the uid cannot even see are counted from /proc/key-users;
- disk use: the free space of the filesystems of /tmp and /dev/shm, lower than at the
  start by more than the growth of the suites' own directories (this one's and those of
  suites running beside it: their artifacts are kept on purpose) and a slack for the
  other work on this shared machine.
/tmp itself is too busy on a shared machine for "new since the start"; conftest checks the
slot uids' entries there.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

WATCHED = (Path("/dev/shm"), Path("/var/tmp"))
DISKS = (Path("/tmp"), Path("/dev/shm"))
DISK_SLACK = int(os.environ.get("SOCKGRADE_LEFTOVER_DISK_SLACK_MB", "512")) << 20
# keyrings the kernel makes for a uid on demand; empty, they hold nothing of a run
_STANDARD = re.compile(r"^_(uid|uid_ses|persistent)\.\d+: empty$")
_libc = ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True)
class Snapshot:
    t: float
    entries: frozenset[tuple[str, int]]  # (path, inode) in WATCHED
    free: tuple[tuple[int, int], ...]  # (st_dev, free bytes) of DISKS' filesystems
    suites: tuple[tuple[int, int], ...]  # (st_dev, bytes) in the suites' directories


def _entries() -> set[tuple[str, int]]:
    found = set()
    for d in WATCHED:
        with contextlib.suppress(OSError):
            found |= {(str(p), p.lstat().st_ino) for p in d.iterdir()}
    return found


def _free() -> tuple[tuple[int, int], ...]:
    seen: dict[int, int] = {}
    for d in DISKS:
        with contextlib.suppress(OSError):
            st = os.statvfs(d)
            seen[os.stat(d).st_dev] = st.f_bavail * st.f_frsize
    return tuple(sorted(seen.items()))


def _suites(own: Path) -> tuple[tuple[int, int], ...]:
    """Disk used under `own` and under every other suite's directory beside it. Walked
    with a stack of its own: a hostile program's 3000-deep tree is no recursion limit."""
    used: dict[int, int] = {}
    todo = [str(own), *map(str, own.parent.glob("sockgrade-suite-*"))]
    done = set()
    while todo:
        top = todo.pop()
        if top in done:
            continue
        done.add(top)
        with contextlib.suppress(OSError), os.scandir(top) as it:  # one going away: skipped
            for e in it:
                with contextlib.suppress(OSError):
                    if e.is_dir(follow_symlinks=False):
                        todo.append(e.path)
                    else:
                        st = e.stat(follow_symlinks=False)
                        used[st.st_dev] = used.get(st.st_dev, 0) + st.st_blocks * 512
    return tuple(sorted(used.items()))


def snapshot(own: Path) -> Snapshot:
    """The host now; `own`: the suite's own directory (its growth is not a leftover)."""
    return Snapshot(time.time(), frozenset(_entries()), _free(), _suites(own))


def _new_entries(before: Snapshot, slot_uids: set[int]) -> list[str]:
    found = []
    for path, ino in sorted(_entries()):
        try:
            uid = os.lstat(path).st_uid
        except OSError:
            continue
        if (path, ino) not in before.entries or uid in slot_uids:
            found.append(f"{path} (uid {uid}), new since the session started"
                         if (path, ino) not in before.entries else f"{path} of uid {uid}")
    return found


def _sysv(before: Snapshot) -> list[str]:
    found = []
    for kind in ("shm", "sem", "msg"):
        try:
            head, *rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        except OSError:
            continue
        cols = head.split()
        for r in rows:
            v = dict(zip(cols, r.split(), strict=False))
            if int(v["ctime"]) >= int(before.t):
                found.append(f"host SysV {kind} id {v[cols[1]]} key {v['key']} of uid "
                             f"{v['uid']}, made since the session started")
    return found


@contextlib.contextmanager
def as_fsuid(uid: int) -> Iterator[None]:
    """This thread acts on files and keys as `uid` (setfsuid is per thread; root only)."""
    _libc.setfsuid(uid)
    try:
        yield
    finally:
        _libc.setfsuid(0)


def key_counts() -> dict[int, int]:
    """uid -> keys it owns, from /proc/key-users (every key, whatever its permissions)."""
    counts = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/key-users").read_text().splitlines():
            uid, rest = line.split(":", 1)
            counts[int(uid)] = int(rest.split()[1].split("/")[0])
    return counts


def keys_of(uid: int) -> list[str]:
    """/proc/keys rows owned by `uid`, as `uid` sees them."""
    with as_fsuid(uid):
        rows = Path("/proc/keys").read_text().splitlines()
    return [r for r in rows if len(r.split()) > 8 and r.split()[5] == str(uid)]


def _keys(slot_uids: set[int]) -> list[str]:
    found = []
    for uid, n in sorted(key_counts().items()):
        if uid not in slot_uids or not n:
            continue
        rows = keys_of(uid)
        found += [f"key of uid {uid}: {' '.join(r.split()[7:])}" for r in rows
                  if not (r.split()[7] == "keyring" and _STANDARD.match(" ".join(r.split()[8:])))]
        if n > len(rows):
            found.append(f"{n - len(rows)} keys of uid {uid} that it cannot see")
    return found


def _disk(before: Snapshot, own: Path, slack: int) -> list[str]:
    now, grown = dict(_free()), dict(_suites(own))
    for dev, used in before.suites:
        grown[dev] = grown.get(dev, 0) - used
    found = []
    for dev, free in before.free:
        lost = free - now.get(dev, free) - grown.get(dev, 0)
        if lost > slack:
            found.append(f"{lost >> 20} MiB less free disk space on device {dev} than at the "
                         f"start (slack {slack >> 20} MiB; the suites' own files not counted)")
    return found


def leftovers(before: Snapshot, slot_uids: set[int], own: Path, slack: int = DISK_SLACK,
              settle: float = 5.0) -> list[str]:
    """What is on the host now that a grading should not have left. A key dies a moment
    after its last user (the kernel collects it in the background): keys are polled for
    up to `settle` seconds while any is found."""
    deadline = time.monotonic() + settle
    while (keys := _keys(slot_uids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _new_entries(before, slot_uids) + _sysv(before) + keys + _disk(before, own, slack)
