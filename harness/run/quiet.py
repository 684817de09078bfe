"""Ending a wait at the speed of evidence: while a step waits for something from the
programs, look at them too, and stop once they provably cannot answer.

Rules this module keeps:
- A sample is the run's processes (`sandbox.procwatch`), its sockets' queues, and the
  harness's own side: bytes it has received but not yet handed to the step, bytes it
  sent that the program's kernel has not acknowledged, input it typed moments ago.
  The processes are read first and the harness's side after, so whatever a program
  sends after it was seen waiting is seen on the harness's side of the same sample.
- The decision is `judge.quiescence`'s. This module only samples and waits.
- Off (`--sockgrade-quiescence=off`), with no program started, or where /proc cannot
  tell, every wait keeps its time-out.
- A process that keeps running while all else is quiet is handed, once per wait, to
  `sandbox.looptrace` (`run.loops`: a process of its own, not waited for here) to prove
  its loop endless; only for a wait for something to come, never for a check that
  nothing does.
"""

from __future__ import annotations

import contextlib
import fcntl
import select
import struct
import termios
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from harness.judge import quiescence
from harness.run.loops import TRACER, Loops
from harness.run.peers import Conn
from harness.sandbox import procwatch, syscalls
from harness.sandbox.procs import Program
from harness.sandbox.walls import RunWalls


class RunContext(Protocol):
    """What this module reads of a run (run.context.RunContext has it)."""

    conns: dict[str, Conn]
    started: list[Program]
    walls: RunWalls
    slow: float
    quiescence: bool
    marks: list[tuple[float, dict[int, str]]]  # (when, run count by thread), oldest first
    looping: dict[int, str]  # pids proven to loop for ever in this step's wait: the call

SETTLE = 0.03  # seconds two alike quiet samples must be apart (times `slow`)
_SIOCOUTQ = 0x5411  # TIOCOUTQ: bytes not yet acknowledged (TCP) or sent (UDP)
_ARCH = syscalls.machine() if syscalls.machine() in syscalls.TABLES else ""
_TABLE = syscalls.TABLES.get(_ARCH, {})
HISTORY = 64  # marks kept per run


def _int_ioctl(fd: int, request: int) -> int:
    return int(struct.unpack("i", fcntl.ioctl(fd, request, b"\0" * 4))[0])


def harness_busy(ctx: RunContext, now: float, settle: float,
                 procs: Sequence[procwatch.ProcSample] = (),
                 queues: Sequence[procwatch.SockQueue] = ()) -> tuple[str, ...]:
    """What the harness itself still has in hand (each a reason not to conclude).
    `procs` and `queues` (the sample's): where the program's end of a connection can be
    looked at, bytes it has received are no longer in flight, acknowledged or not."""
    busy = []
    for conn in ctx.conns.values():
        if conn.closed or conn.eof or conn.reset:
            continue  # its reader is done: everything it got is in `received`
        if conn.busy:
            busy.append(f"{conn.name}: received bytes being stored")
            continue
        try:
            readable = bool(select.select([conn.sock], [], [], 0)[0])
            unacked = _int_ioctl(conn.sock.fileno(), _SIOCOUTQ)
        except (OSError, ValueError):
            busy.append(f"{conn.name}: cannot look at its socket")
            continue
        if readable:
            busy.append(f"{conn.name}: something arrived, not yet read")
        elif unacked and not (conn.proto == "tcp" and _arrived_all(conn, procs, queues)):
            busy.append(f"{conn.name}: {unacked} bytes not yet acknowledged")
    for prog in ctx.started:
        if prog.status is not None:
            continue
        if now - prog.typed_at < settle:
            busy.append(f"{prog.name}: input typed just now")
        elif prog.reading_output:
            busy.append(f"{prog.name}: output being stored")
        else:
            with contextlib.suppress(OSError, ValueError):
                if _int_ioctl(prog.terminal_fd, termios.FIONREAD):
                    busy.append(f"{prog.name}: output not yet read")
    return tuple(busy)


def _arrived_all(conn: Conn, procs: Sequence[procwatch.ProcSample],
                 queues: Sequence[procwatch.SockQueue]) -> bool:
    """Whether the program's end of `conn` has received every byte the harness wrote
    (its state, its unread bytes, or its kernel's counter): what is not yet acknowledged
    then waits only for the program's kernel's delayed ACK, not to arrive."""
    row = next((q for q in queues if q.proto.startswith("tcp")
                and q.remote_port == conn.local_port and q.local_port == conn.remote_port),
               None)
    if row is not None and row.state in quiescence.GOT_FIN:
        return True  # it has the harness's FIN, so all before it (the judge's own rule)
    if row is not None and not row.inode:
        # no descriptor holds it (still in the listening socket's queue): its unread
        # bytes, in order, are at most what it received; as many as were sent, all came
        return row.rx >= len(conn.sent)
    proc = next((p for p in procs if row is not None and row.inode in p.sockets), None)
    if row is None or proc is None:
        return False
    fd = next((d.fd for d in procwatch.descriptors(proc.pid) or ()
               if d.kind == "socket" and d.inode == row.inode), None)
    if fd is None:
        return False
    # in order only, so every data byte is in once as many have come (a FIN counts one)
    got = procwatch.received(proc.pid, fd)
    return got is not None and got >= len(conn.sent)


def note(ctx: RunContext) -> None:
    """Mark when each thread last ran (at each step): a timed wait entered after a mark
    has been waiting no longer than since then."""
    if ctx.quiescence and _ARCH and ctx.started:
        now = time.monotonic()
        pids = procwatch.run_pids(ctx.walls.join, [p.pid for p in ctx.started
                                                   if p.status is None])
        if pids is not None:
            _remember(ctx, now, procwatch.marks(pids - TRACER.pids()))


def _remember(ctx: RunContext, t: float, marks: dict[int, str]) -> None:
    """Keep a mark unless it repeats the last one (dropping a repeat only makes a later
    `since` earlier, never later: still true)."""
    if not ctx.marks or ctx.marks[-1][1] != marks:
        ctx.marks.append((t, marks))
        del ctx.marks[:-HISTORY]


def _since(ctx: RunContext, tid: int, runs: str) -> float | None:
    for t, marks in reversed(ctx.marks):
        if marks.get(tid) != runs:
            return t  # it ran after t, so it entered its present call after t
    # every thread of the run was made after the first program started
    return min((p.started_at for p in ctx.started), default=None)


def sample(ctx: RunContext, settle: float, until: float | None = None,
           endless: dict[int, quiescence.LoopProof] | None = None) -> quiescence.Sample:
    now = time.monotonic()
    roots = {p.pid: p for p in ctx.started if p.status is None}
    pids = procwatch.run_pids(ctx.walls.join, roots)
    if pids is not None:
        pids -= TRACER.pids()  # without a cgroup the harness's children are the run's
    ports = frozenset(c.local_port for c in ctx.conns.values())
    if pids is None:
        return quiescence.Sample(now, _ARCH, (), (), ports, problem="cannot list the processes")
    procs = []
    for pid in sorted(pids):
        owner = roots.get(pid)
        # a descendant's timers are in the watch of the program it came from
        alarm = _any_alarm(ctx) if owner is None else owner.timers.pending()
        got = procwatch.sample_process(pid, owner.name if owner else "", _TABLE, alarm)
        if got is not None:
            procs.append(got)
    queues = procwatch.socket_queues()
    tasks = [t for p in procs for t in p.tasks]
    since = {t.tid: s for t in tasks if (s := _since(ctx, t.tid, t.runs)) is not None}
    _remember(ctx, now, {t.tid: t.runs for t in tasks})
    return quiescence.Sample(now, _ARCH, tuple(procs), queues, ports,
                             harness_busy(ctx, time.monotonic(), settle, procs, queues),
                             until=until,
                             since=since, endless=endless or {})


def _any_alarm(ctx: RunContext) -> bool | None:
    seen = [p.timers.pending() for p in ctx.started]
    return None if None in seen else any(seen)


def wait(ctx: RunContext, ready: Callable[[], object], seconds: float,
         pause: Callable[[float], object] | None = None, negative: bool = False,
         look: bool = False) -> str:
    """Wait until `ready()`, `seconds` pass, or the programs are quiescent. Returns ''
    or, when quiescence ended the wait, what the programs are waiting in.

    `negative`: the wait is a check that nothing happens, which passes when it ends, so
    the steps after it run that much sooner: it ends early only if no program waits on
    a clock at all (a time-out that would have ended later still ends at the same time
    of the program's life, now nearer the next steps: a 5 s select() after a 3.5 s
    "prints nothing" must still be 1.5 s away when the next step starts waiting).

    `look`: the wait decides no verdict, only what a failure says (has a program ended?):
    one quiet sample ends it, as no program that waits in such a call is ending."""
    deadline = time.monotonic() + seconds
    settle = SETTLE * ctx.slow
    watching = ctx.quiescence and bool(_ARCH) and bool(ctx.started)
    loops = Loops()
    try:
        return _wait(ctx, ready, deadline, settle, watching, pause, negative, look, loops)
    finally:
        loops.close()


def _wait(ctx: RunContext, ready: Callable[[], object], deadline: float, settle: float,
          watching: bool, pause: Callable[[float], object] | None, negative: bool,
          look: bool, loops: Loops) -> str:
    first: quiescence.Sample | None = None
    step = 0.003
    while True:
        if ready():
            return ""
        left = deadline - time.monotonic()
        if left <= 0:
            return ""
        endless = None if negative or not watching else loops.proven()
        if endless and first is None:
            first = loops.first(endless)
        if loops.asked:
            pass  # the answer decides: sampling meanwhile only takes the tracer's CPU
        elif first is not None and time.monotonic() < quiescence.settles_at(first, settle):
            pass  # only a sample that can settle `first` decides; one before it, nothing
        elif watching:
            now = sample(ctx, settle, deadline, endless)
            if not quiescence.judge(now).quiet:
                if not negative and not look:
                    loops.look(now)
                first = None
            elif first is None:
                first = now
                if look and not ready():
                    return "quiet"
            else:
                done = quiescence.usable(quiescence.settled(first, now, settle), negative)
                if done is not None and not ready():
                    ctx.looping = {w.pid: w.call for w in done.waits if w.loop}
                    return quiescence.describe(
                        done, {p.pid: p.name for p in ctx.started}, now.queues,
                        {c.local_port: c.name for c in ctx.conns.values()})
                if done is None and quiescence.judge(first).key != quiescence.judge(now).key:
                    first = now
        nap = min(step, max(0.0, deadline - time.monotonic()))
        if first is not None:  # the second sample as soon as it can settle the first
            nap = min(nap, max(0.001, quiescence.settles_at(first, settle) - time.monotonic()))
        if loops.asked:  # an answer may come any moment (it cannot wake `pause`)
            nap = min(nap, 0.002)
        (pause or time.sleep)(nap)
        step = min(step * 1.5, 0.015)
