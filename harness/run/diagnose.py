"""Looking at the programs the moment a check fails, before anything is killed: every
process and thread (`sandbox.procwatch`), their descriptors, the sockets' queues, the
CPU time each thread used lately; `judge.diagnosis` says what that means.

Rules this module keeps:
- Called by RunContext.check for a failed check, while the programs still run.
- CPU time is compared with the run's marks (`quiet`: taken at each step and while
  waiting); when none is old enough, a second look SPAN seconds later measures it (a
  measurement of the program, not a wait for it to answer).
- Only /proc link names, states, numbers and flags are read, never a program's memory
  or files; what cannot be read is left for the judge to leave unsaid.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Protocol

from harness.judge import diagnosis
from harness.run import quiet
from harness.sandbox import procwatch
from harness.sandbox.procs import Program
from harness.transcript import Transcript


class RunContext(quiet.RunContext, Protocol):
    """What this module reads of a run (run.context.RunContext has it)."""

    programs: dict[str, Program]  # by instance name, the latest
    transcript: Transcript

SPAN = 0.3  # seconds: the shortest CPU measurement
LONG = 2.0  # seconds: a mark this old measures best (the whole wait, not its start)


def _ns(runs: str) -> int | None:
    first = runs.split()[:1]
    return int(first[0]) if first and first[0].isdigit() else None


def _cpu(ctx: RunContext, now: float, runs: dict[int, str], pids: list[int],
         running: bool) -> dict[int, tuple[float, float]]:
    """CPU time by thread lately; measured for a second look only when a thread was found
    running (the judge's spinning is of a running thread: a blocked one's CPU says
    nothing, and a failure ended by quiescence is then told at once)."""
    if not runs:
        return {}
    old = [(t, m) for t, m in ctx.marks if now - t >= SPAN]
    if old:
        far = [x for x in old if now - x[0] >= LONG]
        t0, before = far[-1] if far else old[0]
    elif not running:
        return {}
    else:
        t0, before = now, dict(runs)
        time.sleep(SPAN)
        now, runs = time.monotonic(), procwatch.marks(pids)
    out = {}
    for tid, value in runs.items():
        a, b = _ns(before.get(tid, "")), _ns(value)
        if a is not None and b is not None and b >= a:
            out[tid] = ((b - a) / 1e9, now - t0)
    return out


def _python(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return os.path.basename(os.readlink(f"/proc/{pid}/exe")).startswith("python")
    return False


def look(ctx: RunContext) -> diagnosis.Diagnosis:
    sample = quiet.sample(ctx, 0.0)
    names = {p.pid: p.name for p in ctx.started if p.poll() is None}
    pids = [p.pid for p in sample.procs]
    runs = {t.tid: t.runs for p in sample.procs for t in p.tasks}
    ended = []
    for p in ctx.programs.values():
        st = p.poll()
        if st is not None:
            at = [e.t for e in ctx.transcript.snapshot() if e.who == p.name and e.kind == "ended"]
            ended.append(diagnosis.EndSeen(p.name, st.describe(), st.signal is not None,
                                           at[-1] if at else None))
    conns = tuple(diagnosis.ConnSeen(
        c.name, c.local_port, c.remote_port, c.proto, len(c.sent),
        len(c.received) + c.overflow, c.eof or c.reset or c.closed)
        for c in ctx.conns.values())
    seen = diagnosis.Seen(
        sample.arch, sample.procs, {pid: procwatch.descriptors(pid) for pid in pids},
        sample.queues, _cpu(ctx, sample.t, runs, pids,
                            any(t.state == "R" and p.pid not in ctx.looping
                                for p in sample.procs for t in p.tasks)),
        names,
        frozenset(pid for pid in pids if _python(pid)), conns, tuple(ended), sample.problem,
        dict(ctx.looping))
    return diagnosis.diagnose(seen)
