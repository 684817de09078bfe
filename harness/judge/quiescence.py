"""Whether a program is quiescent: every thread of every process of the run waits in a
call that only the harness can end, with nothing in flight and no timer set, so that
nothing more can come from it however long the harness waits.

Rules this module keeps:
- Pure: a decision over samples recorded by `sandbox.procwatch` and the run; no I/O.
- Conservative: anything not known to be a wait only the harness can end (a thread
  running, a call not in the tables, a time-out, a descriptor it cannot see into, a
  timer, bytes not yet delivered, a 32-bit program) means not quiescent, and the step
  keeps its time-out.
- Quiescence is concluded only from two samples `settle` seconds apart that are both
  quiescent and identical (same threads, same calls, and no thread has run between
  them): a thread that woke and went back to the same wait shows in its run count.
- A proven loop counts from when the tracer stopped the process: the two samples'
  `settle` is also counted from then, and the first of them may be the sample on which
  the proof was asked (the others' run counts are compared from there).
- A running thread counts as waiting only in a process proven to loop for ever
  (`sandbox.looptrace`: the same read() returning 0 with the same registers and memory),
  with CPU time left past the end of the wait, and only for a wait for something to
  come (`usable`): the CPU limit's signal could still end it and close its sockets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from harness.i18n import _
from harness.sandbox import syscalls
from harness.sandbox.procwatch import ProcSample, SockQueue, TaskSample
from harness.transcript import Check

_LISTEN = 10  # TCP state number
GOT_FIN = (8, 9, 11, 6)  # CLOSE_WAIT, LAST_ACK, CLOSING, TIME_WAIT: the other's FIN came
MARGIN = 0.1  # seconds a timed wait must outlast the harness's wait to count as none
LOOP_MARGIN = 1.0  # CPU seconds a proven loop must have left past the end of the wait
_MULTIPLEX = ("poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait",
              "epoll_pwait2")


@dataclass(frozen=True)
class LoopProof:
    """A process proven to call `call` on the socket `inode` over and over for ever (until
    a signal), with `cpu_left` CPU seconds before its CPU limit, measured at `at`; it has
    done nothing else since `entered` (the tracer stopped it then)."""

    call: str
    inode: int
    cpu_left: float
    at: float  # seconds (monotonic)
    entered: float = float("inf")  # seconds (monotonic); unknown: never


@dataclass(frozen=True)
class Sample:
    """One look at a run: its processes, its sockets' queues, the harness's own side."""

    t: float  # seconds (monotonic)
    arch: str
    procs: tuple[ProcSample, ...]
    queues: tuple[SockQueue, ...]
    harness_ports: frozenset[int]  # local ports of the harness's connections
    harness_busy: tuple[str, ...] = ()  # what the harness itself still has in hand
    problem: str = ""  # why the run could not be looked at ('' when it could)
    until: float | None = None  # when the harness stops waiting (monotonic)
    # by thread: a time before which it cannot have entered its current call (it ran
    # after it); a timed wait counts as none only when known to end after `until`
    since: dict[int, float] = dataclasses.field(default_factory=dict)
    endless: dict[int, LoopProof] = dataclasses.field(default_factory=dict)  # by pid


@dataclass(frozen=True)
class Wait:
    """One thread waiting in a call only the harness can end."""

    pid: int
    tid: int
    call: str
    fd_kind: str = ""
    inode: int = 0
    timed: bool = False  # with a time-out that ends after the harness stops waiting
    loop: bool = False  # running a loop proven endless (`LoopProof`)


@dataclass(frozen=True)
class Verdict:
    quiet: bool
    why: str = ""  # when not quiet: the first reason found (for tests and the curious)
    waits: tuple[Wait, ...] = ()
    key: tuple[object, ...] = ()  # what must stay the same between two samples


def task_wait(task: TaskSample, arch: str, since: float | None = None,
              until: float | None = None) -> Wait | str:
    """The thread's wait, or why it is not one only the harness can end (a time-out
    that ends after `until` is as good as none: it changes nothing before then)."""
    if task.state in ("Z", "X", ""):
        return Wait(task.pid, task.tid, "")  # ended: nothing more can come from it
    if task.state == "T":
        return Wait(task.pid, task.tid, "stopped")  # SIGSTOP: only SIGCONT wakes it
    if task.state != "S":
        return f"thread {task.tid} is in state {task.state}"
    if task.syscall is None:
        return f"thread {task.tid} is not in a system call"
    if task.stack < 1 << 32:
        return f"thread {task.tid} looks like a 32-bit program (no table for it)"
    nr, *args = task.syscall
    call = syscalls.lookup(arch, nr)
    if call is None:
        return f"thread {task.tid} is in system call {nr}, not one only the harness can end"
    if call.futex and args[1] & syscalls.FUTEX_CMD_MASK not in syscalls.FUTEX_WAITS:
        return f"thread {task.tid} is in futex operation {args[1]}"
    timed = False
    if call.timeout is not None:
        how, i = call.timeout
        value = args[i] & 0xFFFFFFFF if how == "ms" else args[i]
        timed = how == "ms" and value < 1 << 31 or how == "ptr" and value != 0
    ends = (task.ends_at if task.ends_at is not None  # absolute, or relative to its start
            else since + task.timeout if since is not None and task.timeout is not None
            else None)
    if timed and (ends is None or until is None or ends <= until + MARGIN):
        return f"thread {task.tid} waits in {call.name}() with a time-out that may end first"
    if call.fd_arg is None:
        return Wait(task.pid, task.tid, call.name, timed=timed)
    fd = task.fd
    if fd is None or fd.kind not in ("socket", "pipe", "tty"):
        return f"thread {task.tid} waits in {call.name}() on {fd.kind if fd else 'nothing known'}"
    if fd.timed is None or fd.queued is None:
        return f"thread {task.tid}: cannot see into the {fd.kind} it reads"
    if fd.timed:
        return f"thread {task.tid} reads a {fd.kind} with a time-out (SO_RCVTIMEO or VTIME)"
    if fd.queued:
        return f"thread {task.tid} has {fd.queued} bytes ready on the {fd.kind} it reads"
    return Wait(task.pid, task.tid, call.name, fd.kind, fd.inode, timed)


def loop_wait(task: TaskSample, proof: LoopProof, until: float | None) -> Wait | str:
    """A thread of a process proven to loop for ever, as a wait, while its CPU limit
    cannot end it before the harness stops waiting (it uses at most one CPU second a
    second)."""
    if task.state not in ("R", "S", "D"):
        return f"thread {task.tid} is in state {task.state}"
    if until is None or proof.cpu_left <= until - proof.at + LOOP_MARGIN:
        return f"thread {task.tid} loops, but its CPU limit may end it first"
    return Wait(task.pid, task.tid, proof.call, "socket", proof.inode, loop=True)


def usable(verdict: Verdict | None, negative: bool) -> Verdict | None:
    """The verdict, unless the wait is a check that nothing happens and a program waits
    on a clock or loops (a time-out or its CPU limit could still end it first)."""
    if verdict is not None and negative and any(w.timed or w.loop for w in verdict.waits):
        return None
    return verdict


def judge(sample: Sample) -> Verdict:
    """Whether this one sample shows the run quiescent."""
    if sample.problem:
        return Verdict(False, sample.problem)
    if not sample.arch:
        return Verdict(False, "no system call table for this machine")
    if sample.harness_busy:
        return Verdict(False, "the harness: " + sample.harness_busy[0])
    waits: list[Wait] = []
    key: list[object] = []
    sockets: set[int] = set()
    for proc in sample.procs:
        if proc.alarm is None or proc.posix_timers is None:
            return Verdict(False, f"cannot tell whether process {proc.pid} set a timer")
        if proc.alarm or proc.posix_timers or proc.armed_timerfds:
            return Verdict(False, f"process {proc.pid} has a timer set")
        sockets |= proc.sockets
        proof = sample.endless.get(proc.pid)
        if proof is not None and len(proc.tasks) != 1:
            return Verdict(False, f"process {proc.pid} has more than one thread")
        for task in proc.tasks:
            got = (loop_wait(task, proof, sample.until) if proof is not None
                   else task_wait(task, sample.arch, sample.since.get(task.tid), sample.until))
            if isinstance(got, str):
                return Verdict(False, got)
            waits.append(got)
            # a proven loop runs all the time: its state and run count change, not its loop
            key.append((task.pid, task.tid, "loop") if proof is not None
                       else (task.pid, task.tid, task.state, task.syscall, task.runs))
    ports = set(sample.harness_ports) | {q.local_port for q in sample.queues
                                         if q.inode in sockets}
    arrived = _arrived(sample)
    for q in sample.queues:
        ours = q.inode in sockets or q.inode == 0 and bool({q.local_port, q.remote_port} & ports)
        if (ours and q.tx and not (q.proto == "tcp" and q.state == _LISTEN)
                and (q.proto, q.local, q.remote) not in arrived):
            return Verdict(False, f"{q.tx} bytes from port {q.local_port} not yet delivered")
    return Verdict(True, waits=tuple(waits), key=tuple(key))


def _arrived(sample: Sample) -> set[tuple[str, str, str]]:
    """The ends of TCP connections whose other end has received their FIN, by (proto,
    local, remote): TCP delivers in order, so all they sent has arrived, and what they
    count as unacknowledged (the FIN itself, while the other kernel delays its ACK) is
    only that kernel's to answer. Either end may be the harness's or the program's (the
    harness's reads what has arrived: `harness_busy`). Matched by the whole 4-tuple."""
    return {(q.proto, q.remote, q.local) for q in sample.queues
            if q.proto == "tcp" and q.state in GOT_FIN and q.local and q.remote}


def settles_at(first: Sample, settle: float) -> float:
    """When a second sample can settle `first`: `settle` after it, and after the moment
    from which each proven loop has done nothing else (a first sample may be older than
    its proofs: the one on which they were asked)."""
    return max([first.t, *(p.entered for p in first.endless.values())]) + settle


def settled(first: Sample, last: Sample, settle: float) -> Verdict | None:
    """The quiet verdict, when both samples are quiescent, alike, and `settle` apart
    (and `settle` after each proven loop's start)."""
    if last.t < settles_at(first, settle):
        return None
    a, b = judge(first), judge(last)
    return b if a.quiet and b.quiet and a.key == b.key else None


def describe(verdict: Verdict, names: dict[int, str], queues: tuple[SockQueue, ...],
             conns: dict[int, str]) -> str:
    """'echo_server is waiting in read() on the socket of c1' for the program's first
    waiting thread; `names` by pid, `conns` the harness's connections by local port."""
    waits = [w for w in verdict.waits if w.call]
    if not waits:
        return _("no program is running any more")
    first = sorted(waits, key=lambda w: (w.pid not in names, w.pid, w.tid))[0]
    who = names.get(first.pid, _("a child process"))
    if first.call == "stopped":
        text = _("{who} is stopped (SIGSTOP)").format(who=who)
    elif first.loop:
        text = f"{who} {endless(first.call, _what(first, queues, conns))}"
    else:
        text = _("{who} is waiting in {call}() {what}").format(
            who=who, call=syscalls.shown(first.call), what=_what(first, queues, conns))
    if len(waits) > 1:
        text += _(" (and {n} more threads or processes, all waiting)").format(n=len(waits) - 1)
    return text


def _what(w: Wait, queues: tuple[SockQueue, ...], conns: dict[int, str]) -> str:
    if w.fd_kind == "socket":
        row = next((q for q in queues if q.inode == w.inode), None)
        if row is not None and row.remote_port in conns:
            return _("on the socket of {conn}").format(conn=conns[row.remote_port])
        if row is not None and row.proto == "tcp" and row.state == _LISTEN:
            return _("on its listening socket (port {port})").format(port=row.local_port)
        return _("on a socket")
    if w.fd_kind == "tty":
        return _("on its terminal (standard input)")
    if w.fd_kind == "pipe":
        return _("on a pipe")
    if w.call in ("nanosleep", "clock_nanosleep"):
        return _("until after the harness stops waiting")
    if w.call in _MULTIPLEX:
        return (_("with a time-out that ends after the harness stops waiting") if w.timed
                else _("with no time-out"))
    if w.call in ("wait4", "waitid"):
        return _("for a child process")
    if w.call == "futex":
        return _("for a lock or condition variable")
    if w.call in ("msgrcv", "semop"):
        return _("on a System V IPC object")
    return _("for a signal")


def endless(call: str, where: str = "") -> str:
    """What a process proven to loop for ever does (`where`: 'on the socket of c1'), for
    the wait it ended and for the diagnosis alike."""
    return _("is in an endless loop: it calls {call}() over and over{where}, which returns "
             "0 at once (the other end has closed that socket), and never waits for "
             "anything").format(call=call, where=f" {where}" if where else "")


def explained(check: Check, why: str, then: str) -> Check:
    """A failed check ended early by quiescence says why the harness stopped waiting:
    `why` names the call the program waits in, unless the check's diagnosis ("seen")
    already does, and `then` what that leaves undone ("it has nothing more to send")."""
    if check.passed:
        return check
    said = (_("the wait ended early: {then}").format(then=then) if check.diagnosis
            else f"{why}: {then}")
    return dataclasses.replace(check, actual=f"{check.actual} ({said})")
