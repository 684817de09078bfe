"""Ending what a run started: kill by pid and reap, and find what escaped the tree.

Rules this module keeps:
- Only processes this run started are killed: the programs, their descendants, our
  descendants in the sessions the programs lead (pexpect makes each a session leader),
  what is left in the behaviour's own namespace, or processes of the run's own slot uid.
- Every one of them is reaped: a zombie must never fill the process table or count
  against a later run's process limit.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import time
from collections.abc import Iterable

import psutil

from harness.sandbox.procs import state


def descendants(pids: Iterable[int]) -> set[int]:
    found: set[int] = set()
    for pid in pids:
        try:
            found.update(c.pid for c in psutil.Process(pid).children(recursive=True))
        except psutil.Error:
            continue
    return found


def in_sessions(leaders: Iterable[int]) -> set[int]:
    """Our descendants in the sessions these programs lead (each is a session leader):
    a child whose parent ended was reparented to us, the subreaper, and no longer
    descends from the program; without a cgroup or a uid of the run's own, its session
    is what still ties it to the run."""
    sids = set(leaders)
    found: set[int] = set()
    with contextlib.suppress(psutil.Error):
        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(OSError):
                if os.getsid(child.pid) in sids:
                    found.add(child.pid)
    return found


def kill_and_reap(pids: Iterable[int], deadline: float = 5.0) -> list[int]:
    """SIGKILL these pids (ours by construction), then reap those that are our children.

    Returns the pids still present afterwards (should be none)."""
    targets = set(pids)
    for pid in targets:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    end = time.monotonic() + deadline
    remaining = set(targets)
    while remaining and time.monotonic() < end:
        for pid in list(remaining):
            try:
                done, _status = os.waitpid(pid, os.WNOHANG)
                if done:
                    remaining.discard(pid)
            except ChildProcessError:
                # not our child: gone once /proc says so (its parent reaps it)
                if not _exists(pid):
                    remaining.discard(pid)
            except OSError as exc:
                if exc.errno == errno.ESRCH:
                    remaining.discard(pid)
        if remaining:
            time.sleep(0.01)
    return sorted(remaining)


def _exists(pid: int) -> bool:
    return state(pid) not in ("", "Z")


def kill_uid(uid: int | None, deadline: float = 5.0) -> list[int]:
    """SIGKILL every process of a slot uid (ours by construction: this process holds the
    slot), until none is left: what escaped a run or a build's namespace and cgroup.
    Our zombie children of that uid are waited for too: one killed while a tracer held
    it cannot be reaped until the tracer has (sandbox.looptrace), and one left would
    count against the uid's process limit in the next run, or outlive the slot.
    Returns those still there (should be none)."""
    if uid is None:
        return []
    end = time.monotonic() + deadline
    me = os.getpid()
    while True:
        left = []
        for entry in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError, psutil.Error):
                if os.stat(f"/proc/{entry}").st_uid != uid:
                    continue
                now = state(int(entry))
                if now not in ("Z", ""):
                    os.kill(int(entry), signal.SIGKILL)
                    left.append(int(entry))
                elif now == "Z" and psutil.Process(int(entry)).ppid() == me:
                    left.append(int(entry))
        reaped = reap_strays(uid)
        left = [pid for pid in left if pid not in reaped]
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.01)


def reap_strays(uid: int | None) -> list[int]:
    """Reap our zombie children left by a run (daemons reparented to us, the subreaper),
    so they never fill the process table or a uid's process count: those of the run's
    uid, or every zombie child when programs run as ours."""
    reaped = []
    with contextlib.suppress(psutil.Error):
        for child in psutil.Process().children():
            with contextlib.suppress(psutil.Error, ChildProcessError, OSError):
                if child.status() != psutil.STATUS_ZOMBIE:
                    continue
                if uid is not None and child.uids().real != uid:
                    continue
                if os.waitpid(child.pid, os.WNOHANG)[0]:
                    reaped.append(child.pid)
    return reaped
