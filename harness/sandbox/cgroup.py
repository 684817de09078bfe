"""One cgroup per behaviour run: every process of the run, however it forked, in one place.

Rules this module keeps:
- cgroup v2 where a cgroup2 file system is mounted and our own cgroup in it is writable
  (`/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` on a hybrid machine): `cgroup.kill`
  ends the whole tree at teardown, `cpu.stat` accounts CPU, and `pids.max` and
  `memory.max` are set when those controllers are enabled for our children (we enable
  them in our own cgroup's subtree_control when the kernel lets us, never higher up);
  memory.max counts only once read back from the run's own cgroup (`counts_memory`).
- Where v2 has no pids controller but a v1 `pids` hierarchy is mounted, a v1 pids
  cgroup adds the process limit. The v1 memory hierarchy is never touched: on shared
  machines it belongs to whoever runs us.
- The child enters the cgroup itself, before exec (`procs_files` for `sandbox.Jail`),
  so not one fork escapes it. `close()` kills, waits until the cgroup is empty and
  removes it; it never raises.
- A cgroup's name is random (`sockgrade-<hex>`): a program reads its own cgroup's name
  in /proc/self/cgroup, and it must learn nothing of the grader from it (not its pid).
- Its owner holds an flock on the cgroup's directory for as long as it lives. A grader
  killed outright (SIGKILL, OOM, a platform's time limit) cannot close its cgroups, but
  the kernel drops its lock; the first cgroup a later grader makes removes the unlocked
  ones that are empty (in any pid namespace). One with processes in it is left: a slot's
  processes are killed by the slot's next holder anyway.
- Nothing available: `CgroupUnavailable`, and the caller relies on the subreaper.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import signal
import time
from pathlib import Path

from harness.i18n import _

PREFIX = "sockgrade-"


class CgroupUnavailable(Exception):
    pass


def _mounts() -> dict[str, list[tuple[str, str]]]:
    """fstype -> [(mount point, super options)] from /proc/self/mountinfo."""
    out: dict[str, list[tuple[str, str]]] = {}
    try:
        text = Path("/proc/self/mountinfo").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        left, _sep, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) >= 5 and len(rest) >= 3:
            out.setdefault(rest[0], []).append((fields[4], rest[2]))
    return out


def _own(hierarchy: str) -> str:
    """Our cgroup path in a hierarchy: '' for v2, else a v1 controller name."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        num, ctrls, path = line.split(":", 2)
        if (hierarchy == "" and num == "0") or hierarchy in ctrls.split(","):
            return path
    raise CgroupUnavailable(f"not in a {hierarchy or 'v2'} cgroup")


def _v2_parent() -> Path:
    for point, _opts in _mounts().get("cgroup2", []):
        parent = Path(point + _own(""))
        if (parent / "cgroup.procs").is_file() and os.access(parent, os.W_OK):
            return parent
    raise CgroupUnavailable("no writable cgroup v2")


def _v1_pids_parent() -> Path | None:
    for point, opts in _mounts().get("cgroup", []):
        if "pids" in opts.split(","):
            with contextlib.suppress(CgroupUnavailable, OSError):
                parent = Path(point + _own("pids"))
                if os.access(parent, os.W_OK):
                    return parent
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _keyed(path: Path, key: str) -> int:
    for line in _read(path).splitlines():
        k, _sep, v = line.partition(" ")
        if k == key and v.strip().isdigit():
            return int(v)
    return 0


_swept = False


def _lock(path: Path) -> int | None:
    """An fd holding the flock of a cgroup directory, or None when another holds it."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def orphaned(path: Path) -> bool:
    """Whether a cgroup of ours has no live owner (its lock is free)."""
    if _legacy_owner_alive(path.name):
        return False
    try:
        fd = _lock(path)
    except OSError:
        return False  # gone already
    if fd is None:
        return False
    os.close(fd)
    return True


def _legacy_owner_alive(name: str) -> bool:
    """A cgroup named `sockgrade-<pid>-<n>` by an older sockgrade holds no lock: its owner
    is the pid in its name."""
    owner, _sep, n = name.removeprefix(PREFIX).partition("-")
    return owner.isdigit() and n.isdigit() and Path(f"/proc/{owner}").exists()


def _sweep(parent: Path) -> None:
    """Remove the cgroups under `parent` of graders that no longer exist."""
    with contextlib.suppress(OSError):
        for d in parent.iterdir():
            if not d.name.startswith(PREFIX) or _legacy_owner_alive(d.name):
                continue
            with contextlib.suppress(OSError):
                fd = _lock(d)
                if fd is None:
                    continue  # a live grader's
                try:
                    d.rmdir()  # EBUSY: not empty, left alone
                finally:
                    os.close(fd)


def _make(parent: Path) -> tuple[Path, int]:
    """A new cgroup of a random name, locked as ours."""
    for _attempt in range(5):
        path = parent / f"{PREFIX}{secrets.token_hex(8)}"
        path.mkdir()
        fd = _lock(path)  # None: another grader's sweep holds it for a moment
        if fd is not None and path.is_dir() and os.stat(path).st_ino == os.fstat(fd).st_ino:
            return path, fd
        if fd is not None:
            os.close(fd)
        with contextlib.suppress(OSError):
            path.rmdir()
    raise CgroupUnavailable("could not make a cgroup of our own")


class RunCgroup:
    def __init__(self, processes: int, memory_mib: int) -> None:
        global _swept
        parent = _v2_parent()
        if not _swept:
            _swept = True
            _sweep(parent)
            v1 = _v1_pids_parent()
            if v1 is not None:
                _sweep(v1)
        self._enable(parent, ("pids", "memory"))
        self.path, fd = _make(parent)
        self._locks = [fd]
        self.v1_pids: Path | None = None
        self.features = ["cgroup.kill", _("CPU accounting")]
        if (self.path / "pids.max").exists():
            (self.path / "pids.max").write_text(str(processes))
            self.features.append(f"pids.max {processes}")
        else:
            v1 = _v1_pids_parent()
            if v1 is not None:
                with contextlib.suppress(OSError, CgroupUnavailable):
                    self.v1_pids, fd = _make(v1)
                    self._locks.append(fd)
                    (self.v1_pids / "pids.max").write_text(str(processes))
                    self.features.append(f"pids.max {processes} (v1)")
        if (self.path / "memory.max").exists():
            (self.path / "memory.max").write_text(str(memory_mib << 20))
            with contextlib.suppress(OSError):
                (self.path / "memory.swap.max").write_text("0")
            # held only if the run's own cgroup reads it back (the programs are in it)
            if _read(self.path / "memory.max").strip() == str(memory_mib << 20):
                self.features.append(f"memory.max {memory_mib} MiB")
        if not (self.path / "cgroup.kill").exists():
            self.features.remove("cgroup.kill")

    @staticmethod
    def _enable(parent: Path, wanted: tuple[str, ...]) -> None:
        have = _read(parent / "cgroup.controllers").split()
        on = _read(parent / "cgroup.subtree_control").split()
        for c in wanted:
            if c in have and c not in on:
                with contextlib.suppress(OSError):  # EBUSY: processes in our own cgroup
                    (parent / "cgroup.subtree_control").write_text(f"+{c}")

    def describe(self) -> str:
        return "cgroup (" + ", ".join(self.features) + ")"

    def procs_files(self) -> tuple[str, ...]:
        files = [str(self.path / "cgroup.procs")]
        if self.v1_pids is not None:
            files.append(str(self.v1_pids / "cgroup.procs"))
        return tuple(files)

    def pids(self) -> set[int]:
        found: set[int] = set()
        for f in self.procs_files():
            found |= {int(p) for p in _read(Path(f)).split() if p.isdigit()}
        return found

    def cpu_seconds(self) -> float:
        return _keyed(self.path / "cpu.stat", "usage_usec") / 1e6

    def oom_kills(self) -> int:
        return _keyed(self.path / "memory.events", "oom_kill")

    def counts_pids(self) -> bool:
        return any(f.startswith("pids.max") for f in self.features)

    def counts_memory(self) -> bool:
        return any(f.startswith("memory.max") for f in self.features)

    def pids_limited(self) -> int:
        """How often a fork was refused by pids.max."""
        where = self.path if self.v1_pids is None else self.v1_pids
        return _keyed(where / "pids.events", "max")

    def kill(self) -> None:
        if "cgroup.kill" in self.features:
            with contextlib.suppress(OSError):
                (self.path / "cgroup.kill").write_text("1")
        for pid in self.pids():  # no cgroup.kill (kernel < 5.14): one by one
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def close(self, seconds: float = 5.0) -> list[str]:
        """Kill everything in it, wait until it is empty, remove it; return problems."""
        end = time.monotonic() + seconds
        while True:
            self.kill()
            if not self.pids() or time.monotonic() > end:
                break
            time.sleep(0.01)
        problems = []
        for d in (self.path, self.v1_pids):
            if d is None:
                continue
            while True:
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:  # EBUSY: a dying task still counted
                    if time.monotonic() > end:
                        problems.append(f"cgroup {d} not removed: {exc.strerror}")
                        break
                    time.sleep(0.01)
        for fd in self._locks:  # last: a sweep may take what is left, only now
            with contextlib.suppress(OSError):
                os.close(fd)
        self._locks = []
        return problems


def leftovers() -> list[str]:
    """Every cgroup of ours still present on this machine (for the test suite)."""
    found = []
    for kind in ("cgroup2", "cgroup"):
        for point, _opts in _mounts().get(kind, []):
            with contextlib.suppress(OSError):
                for root, dirs, _files in os.walk(point):
                    found += [os.path.join(root, d) for d in dirs if d.startswith(PREFIX)]
                    dirs[:] = [d for d in dirs if not d.startswith(PREFIX)]
    return found
