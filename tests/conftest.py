"""Shared helpers: run the real `sockgrade` command the way a user does."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import host_leftovers
import pytest

from harness.sandbox import cgroup, keyring, netns, procs, walls

ROOT = Path(__file__).resolve().parent.parent

# Every temporary file of this suite (and of the graders it starts) goes under one
# directory of its own, so the leftover check below sees only this suite's processes
# and files, even while other suites run on the same machine. xdist workers and the
# `sockgrade` subprocesses inherit it through the environment.
if "SOCKGRADE_SUITE_TMP" not in os.environ:
    os.environ["SOCKGRADE_SUITE_TMP"] = tempfile.mkdtemp(prefix="sockgrade-suite-")
    # passable (not listable) for a program's own uid where no private /tmp hides it
    os.chmod(os.environ["SOCKGRADE_SUITE_TMP"], 0o711)
    os.environ["TMPDIR"] = os.environ["SOCKGRADE_SUITE_TMP"]
SUITE_TMP = Path(os.environ["SOCKGRADE_SUITE_TMP"])
tempfile.tempdir = str(SUITE_TMP)


@dataclass
class Graded:
    code: int
    out: str
    err: str
    results: dict[str, Any] | None

    def status(self) -> dict[str, str]:
        assert self.results is not None, self.out + self.err
        return {b["id"]: b["status"] for b in self.results["behaviours"]}

    def behaviour(self, bid: str) -> dict[str, Any]:
        assert self.results is not None
        return next(b for b in self.results["behaviours"] if b["id"] == bid)


def sockgrade(tmp_path: Path, *args: str, timeout: float = 300) -> Graded:
    """Run `python -m harness check ... --json` from the repository root."""
    out_json = tmp_path / f"results-{len(list(tmp_path.iterdir()))}.json"
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "check", *args, "--json", str(out_json),
         "--artifacts", str(tmp_path / "artifacts")],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    results = json.loads(out_json.read_text()) if out_json.exists() else None
    return Graded(proc.returncode, proc.stdout, proc.stderr, results)


needs_netns = pytest.mark.skipif(netns.probe() is not None,
                                 reason=f"no network namespaces here: {netns.probe()}")
needs_walls = pytest.mark.skipif(
    os.geteuid() != 0 or not walls.layers().namespaces,
    reason="the adversarial suite needs root and mount namespaces (every wall up)")


@pytest.fixture
def subreaper() -> Iterator[None]:
    """The test's process is a child subreaper, as a grader is, for this test only: a
    worker left one would collect the orphans of every grader it starts later and never
    reap them (zombies of a slot uid at the suite's end)."""
    assert procs.become_subreaper()
    yield
    procs.become_subreaper(False)


def _our_leftovers() -> list[str]:
    """Processes still running in this suite's temporary directory."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if cwd.startswith(str(SUITE_TMP)):
            found.append(f"{pid} {cwd} {cmd.decode(errors='replace')[:120]}")
    return found


def _stray_dirs() -> list[str]:
    """Working, private and build directories the graders should have removed."""
    # pcaps of failed behaviours are kept on purpose (a new folder per grader)
    return sorted(p.name for p in SUITE_TMP.glob("sockgrade-*")
                  if not p.name.startswith("sockgrade-artifacts-"))


def _free_slot_uids() -> set[int]:
    """Slot uids no grader holds right now: nothing may still belong to them."""
    free = set()
    for lock in walls.SLOT_DIR.glob("*.lock") if walls.SLOT_DIR.is_dir() else []:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            free.add(walls.BASE_UID + int(lock.stem))
        except (OSError, ValueError):
            pass  # held: a grader is running (ours or someone else's)
        finally:
            os.close(fd)
    return free


def _sandbox_leftovers() -> list[str]:
    """Anything of a slot uid no grader holds: processes, SysV IPC, /tmp entries, keys in
    its keyrings; and cgroups of graders that have ended (/dev/shm, /var/tmp and the
    host's own leftovers: host_leftovers)."""
    free = _free_slot_uids()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
        except OSError:
            continue
        if uid in free:
            found.append(f"process {pid} of uid {uid}")
    for kind in ("shm", "sem", "msg"):
        try:
            head, *rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        except OSError:
            continue
        col = head.split().index("uid")
        found += [f"SysV {kind} {r.split()[1]}" for r in rows if int(r.split()[col]) in free]
    for d in (Path("/tmp"),):  # /dev/shm and /var/tmp: host_leftovers
        with contextlib.suppress(OSError):
            found += [f"file {p}" for p in d.iterdir() if p.lstat().st_uid in free]
    counts = keyring.key_counts()
    found += [f"{n} key(s) kept by uid {uid}" for uid in sorted(free) if counts.get(uid)
              for n in [keyring.kept_keys(uid)] if n]
    for cg in cgroup.leftovers():
        if cgroup.orphaned(Path(cg)):  # no live grader holds its lock
            found.append(f"cgroup {cg}")
    return found


HOST_BEFORE: list[host_leftovers.Snapshot] = []  # the host as the session found it


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput") and os.geteuid() == 0:
        HOST_BEFORE.append(host_leftovers.snapshot(SUITE_TMP))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The suite's own leftover check: no student process, no named namespace remains,
    and nothing new on the host (tests/host_leftovers.py)."""
    if hasattr(session.config, "workerinput"):
        return  # the controller checks once, after every worker has finished
    problems = [f"process left running: {p}" for p in _our_leftovers()]
    problems += [f"temporary directory left: {d}" for d in _stray_dirs()]
    problems += [f"sandbox leftover: {x}" for x in _sandbox_leftovers()]
    if HOST_BEFORE:
        problems += [f"host leftover: {x}" for x in host_leftovers.leftovers(
            HOST_BEFORE[0], _free_slot_uids(), SUITE_TMP)]
    netns_dir = Path("/var/run/netns")
    if netns_dir.is_dir() and any(netns_dir.iterdir()):
        problems.append(f"network namespaces left: {sorted(os.listdir(netns_dir))}")
    if problems:
        print("\n".join(["", "LEFTOVERS after the test suite:", *problems]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        # rm, not shutil.rmtree: a test's folder may be deeper than Python's recursion
        subprocess.run(["rm", "-rf", "--one-file-system", str(SUITE_TMP)], check=False)
