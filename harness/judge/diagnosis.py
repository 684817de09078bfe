"""What the programs were doing when a check failed, in the student's words: blocked in
which call on which descriptor (the socket of c1, its listening socket, its terminal, a
pipe), running without pause, stopped, ended; bytes left unread or not yet delivered;
an answer that may sit in an unflushed FILE*. And whether a spec's hint fits that.

Rules this module keeps:
- Pure: words and a decision over what `sandbox.procwatch` recorded at the failure
  (run.diagnose takes the samples); no I/O.
- Only what the samples show is said. A thread whose call could not be read (another
  uid, no CAP_SYS_PTRACE) is left unsaid, and the diagnosis then is not `known`: a hint
  is hidden only by what was seen, never by what could not be.
- Short: a line for what the programs do, a line for what that leaves undone; every
  thread and process is in `details` (the transcript's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.i18n import _
from harness.judge import quiescence
from harness.sandbox import syscalls
from harness.sandbox.procwatch import Descriptor, ProcSample, SockQueue, TaskSample

SPIN_SHARE = 0.1  # CPU time per wall time (of a thread found running) that is no pause
SPIN_MIN = 0.1  # seconds of CPU, at least
_LISTEN, _ESTABLISHED = 10, 1  # TCP state numbers
_MULTIPLEX = {"select", "poll", "epoll_wait"}
_MOST = 3  # clauses on the first line


@dataclass(frozen=True)
class ConnSeen:
    """One harness connection, as the harness saw it."""

    name: str
    port: int  # the harness's own (local) port
    peer: int  # the program's port at the other end
    proto: str  # tcp, udp
    sent: int  # bytes the harness sent on it
    received: int  # bytes the harness got on it
    ended: bool  # the program closed or reset it, or the harness closed it


Conns = dict[tuple[str, int, int], ConnSeen]  # by (proto, program's port, harness's port)


@dataclass(frozen=True)
class EndSeen:
    name: str
    how: str  # ExitStatus.describe(): 'exited with code 1', 'killed by SIGSEGV'
    killed: bool
    at: float | None  # seconds into the behaviour, when the harness saw it end


@dataclass(frozen=True)
class Seen:
    """One look at the run at the moment a check failed."""

    arch: str
    procs: tuple[ProcSample, ...] = ()
    fds: dict[int, tuple[Descriptor, ...] | None] = field(default_factory=dict)  # by pid
    queues: tuple[SockQueue, ...] = ()
    cpu: dict[int, tuple[float, float]] = field(default_factory=dict)  # tid: (cpu s, wall s)
    names: dict[int, str] = field(default_factory=dict)  # the programs started, by pid
    python: frozenset[int] = frozenset()  # pids running python3
    conns: tuple[ConnSeen, ...] = ()
    ended: tuple[EndSeen, ...] = ()
    problem: str = ""  # why the run could not be looked at ('' when it could)
    looping: dict[int, str] = field(default_factory=dict)  # pids proven to loop: the call


@dataclass(frozen=True)
class Diagnosis:
    text: str = ""  # a line or two for the student ('' when nothing can be told)
    details: tuple[str, ...] = ()  # every process and thread, for the transcript
    situations: frozenset[str] = frozenset()  # stepbase.Situation names
    known: bool = False  # every program was seen through: `situations` is all there is


@dataclass(frozen=True)
class _Clause:
    situation: str
    text: str  # the predicate: 'is blocked in read() on descriptor 0, its terminal ...'
    inode: int = 0  # the socket it waits on


def diagnose(seen: Seen) -> Diagnosis:
    if seen.problem:
        return Diagnosis()
    conns = {(c.proto, c.peer, c.port): c for c in seen.conns}
    rows = {q.inode: q for q in seen.queues if q.inode}
    states: list[str] = []
    facts: list[str] = []
    situations: set[str] = set()
    known = True
    children: dict[str, int] = {}
    for proc in sorted(seen.procs, key=lambda p: (p.pid not in seen.names, p.pid)):
        fds = seen.fds.get(proc.pid)
        known = known and fds is not None
        by_fd = {d.fd: d for d in fds or ()}
        live = [t for t in proc.tasks if t.state not in ("Z", "X", "")]
        clauses = [_clause(t, seen, by_fd, rows, conns) for t in live]
        known = known and None not in clauses
        said = [c for c in clauses if c is not None]
        situations |= {c.situation for c in said}
        who = seen.names.get(proc.pid)
        if who is None:
            for c in said:
                children[c.text] = children.get(c.text, 0) + 1
        else:
            states += _grouped(who, said, len(live))
        facts += _facts(proc, who or _("a child process"), said, by_fd, rows, conns, seen,
                        situations)
    for text, n in children.items():
        who = _("a child process") if n == 1 else _("each of {n} child processes").format(n=n)
        states.append(_("{who} {what}").format(who=who, what=text))
    for e in seen.ended:
        situations.add("killed" if e.killed else "exited")
        how = (_("{name} was {how}") if e.killed else _("{name} {how}")).format(
            name=e.name, how=e.how)
        states.append(how if e.at is None else _("{what} at {t} s").format(
            what=how, t=f"{e.at:.2f}"))
    waiting = _backlog(seen, conns)
    if waiting:
        situations.add("unaccepted")
        facts.append(_("{conns}: connected, but never accept()ed (it waits in the listening "
                       "socket's queue)").format(conns=", ".join(waiting)))
    details = (*states, *facts)
    lines = [_joined(states), _joined(facts)]
    return Diagnosis("\n".join(x for x in lines if x), details, frozenset(situations),
                     known and bool(states))


def _joined(items: Sequence[str]) -> str:
    if len(items) <= _MOST:
        return "; ".join(items)
    return "; ".join(items[:_MOST]) + _(" (and {n} more)").format(n=len(items) - _MOST)


def _grouped(who: str, said: Sequence[_Clause], threads: int) -> list[str]:
    """'echo_server is blocked in ...', or per group of alike threads."""
    if threads == 1 and said:
        return [_("{who} {what}").format(who=who, what=said[0].text)]
    groups: dict[str, int] = {}
    for c in said:
        groups[c.text] = groups.get(c.text, 0) + 1
    out = []
    for text, n in groups.items():
        lead = (_("each of {n} threads of {name}").format(n=n, name=who) if n > 1
                else _("a thread of {name}").format(name=who))
        out.append(_("{who} {what}").format(who=lead, what=text))
    return out


def _spinning(task: TaskSample, seen: Seen) -> tuple[float, float] | None:
    """(CPU s, wall s) of a thread found running that has hardly waited lately (on a
    loaded machine a thread that never waits still gets only its share of a CPU)."""
    used = seen.cpu.get(task.tid)
    if used is None or used[1] <= 0 or task.state != "R":
        return None
    return used if used[0] >= SPIN_MIN and used[0] >= SPIN_SHARE * used[1] else None


def _clause(task: TaskSample, seen: Seen, by_fd: dict[int, Descriptor],
            rows: dict[int, SockQueue], conns: Conns) -> _Clause | None:
    """What one thread does; None when that cannot be told."""
    if task.state in ("T", "t"):
        return _Clause("stopped", _("is stopped (SIGSTOP): only SIGCONT lets it go on"))
    if task.pid in seen.looping:  # proven (sandbox.looptrace): no CPU to measure
        return _Clause("spinning", quiescence.endless(seen.looping[task.pid]))
    spun = _spinning(task, seen)
    if spun is not None:
        return _Clause("spinning", _(
            "is running without pause: {cpu} s of CPU in the last {span} s, never waiting "
            "for anything").format(cpu=f"{spun[0]:.1f}", span=f"{spun[1]:.1f}"))
    if not task.seen or not seen.arch:
        return None
    if task.syscall is None:  # running, not for long (or it would be spinning): in passing
        return None
    nr, *args = task.syscall
    call = syscalls.describe_call(seen.arch, nr)
    if call is None:
        return _Clause("waiting_other", _("is in system call number {nr}").format(nr=nr))
    name = syscalls.shown(call.name)
    if call.fd_arg is not None:
        fd = args[call.fd_arg] & 0xFFFFFFFF
        situation, what, inode = _descriptor(by_fd.get(fd), fd, rows, conns)
        if name == "accept" and situation == "waiting_socket":
            situation = "waiting_accept"
        text = (_("is blocked in {call}() on descriptor {fd}, {what}") if what
                else _("is blocked in {call}() on descriptor {fd}")).format(
                    call=name, fd=fd, what=what)
        return _Clause(situation, text, inode)
    if name in _MULTIPLEX:
        return _Clause("waiting_select", _("is waiting in {call}()").format(call=name))
    if name in ("wait", "waitid"):
        return _Clause("waiting_child", _("is waiting in {call}() for a child process to "
                                          "end").format(call=name))
    if call.futex:
        return _Clause("waiting_lock", _("is waiting for a lock or a condition variable "
                                         "(futex)"))
    if call.sleep:
        return _Clause("sleeping", _("is sleeping (sleep(), nanosleep())"))
    if name in ("msgrcv", "semop", "mq_timedreceive"):
        return _Clause("waiting_ipc", _("is waiting in {call}() on an IPC object").format(
            call=name))
    if name in ("pause", "sigsuspend", "sigtimedwait"):
        return _Clause("waiting_signal", _("is waiting for a signal ({call}())").format(
            call=name))
    return _Clause("waiting_other", _("is waiting in {call}()").format(call=name))


def _descriptor(d: Descriptor | None, fd: int, rows: dict[int, SockQueue],
                conns: Conns) -> tuple[str, str, int]:
    """(situation, what the descriptor is, its socket inode)."""
    if d is None:
        return "waiting_other", "", 0
    if d.kind == "tty":
        return "waiting_terminal", (_("its terminal (standard input)") if fd == 0
                                    else _("its terminal")), 0
    if d.kind == "pipe":
        return "waiting_pipe", (_("a pipe (standard input)") if fd == 0 else _("a pipe")), 0
    if d.kind == "epoll":
        return "waiting_select", _("an epoll instance"), 0
    if d.kind != "socket":
        return "waiting_other", _("a file"), 0
    row = rows.get(d.inode)
    conn = _conn(row, conns)
    if conn is not None:
        return "waiting_connection", _("the socket of {conn}").format(conn=conn.name), d.inode
    if row is not None and row.proto == "tcp" and row.state == _LISTEN:
        return "waiting_accept", _("its listening socket (port {port})").format(
            port=row.local_port), d.inode
    return "waiting_socket", _("a socket"), d.inode


def _facts(proc: ProcSample, who: str, said: Sequence[_Clause], by_fd: dict[int, Descriptor],
           rows: dict[int, SockQueue], conns: Conns, seen: Seen,
           situations: set[str]) -> list[str]:
    """What the process leaves undone on the harness's connections."""
    out = []
    spinning = any(c.situation == "spinning" for c in said)
    waits_on = {c.inode for c in said if c.inode}
    settled = bool(said) and not spinning and all(c.situation != "running" for c in said)
    for d in by_fd.values():
        row = rows.get(d.inode) if d.kind == "socket" else None
        conn = _conn(row, conns)
        if row is None or conn is None:
            continue
        if row.rx:
            situations.add("unread")
            out.append(_("{n} bytes from {conn} wait unread in its socket").format(
                n=row.rx, conn=conn.name))
        if row.tx and row.proto == "tcp":
            situations.add("unsent")
            out.append(_("{n} bytes {who} wrote to {conn} have not reached the harness "
                         "yet").format(n=row.tx, who=who, conn=conn.name))
        if spinning and d.nonblocking and not row.rx:
            out.append(_("its socket of {conn} is non-blocking (O_NONBLOCK) and has nothing "
                         "to read: read() on it returns -1 (EAGAIN) at once, so a loop that "
                         "retries it never waits").format(conn=conn.name))
        elif (settled and row.proto == "tcp" and not row.rx and not row.tx and conn.sent
              and not conn.received and not conn.ended and d.inode not in waits_on):
            situations.add("unflushed")
            out.append((_(
                "{who} read all that {conn} sent and wrote nothing back, yet keeps its socket "
                "open (descriptor {fd}): text written to a file from makefile() stays in its "
                "buffer until flush() or close()") if proc.pid in seen.python else _(
                "{who} read all that {conn} sent and wrote nothing back, yet keeps its socket "
                "open (descriptor {fd}): text written to a FILE* (fdopen(), fprintf(), fputs()) "
                "stays in its buffer until fflush() or fclose()")).format(
                    who=who, conn=conn.name, fd=d.fd))
    return out


def _conn(row: SockQueue | None, conns: Conns) -> ConnSeen | None:
    """The harness's connection a socket of the program is the other end of."""
    if row is None:
        return None
    found = conns.get((row.proto, row.local_port, row.remote_port))
    if found is None and row.proto == "udp" and not row.remote_port:  # not connect()ed
        found = next((c for c in conns.values() if c.proto == "udp"
                      and c.peer == row.local_port), None)
    return found


def _backlog(seen: Seen, conns: Conns) -> list[str]:
    """Connections the kernel completed that no program accept()ed."""
    return sorted(c.name for q in seen.queues if q.proto == "tcp" and not q.inode
                  and q.state == _ESTABLISHED and (c := _conn(q, conns)) is not None
                  and not c.ended)


def hint_fits(d: Diagnosis | None, hint_for: Sequence[str], hint_not_for: Sequence[str]) -> bool:
    """Whether a hint may be shown: not when what was seen contradicts it (a situation
    it does not fit, or, where every program was seen through, none it is for)."""
    if d is None:
        return True
    if set(hint_not_for) & d.situations:
        return False
    return not (hint_for and d.known and not set(hint_for) & d.situations)
