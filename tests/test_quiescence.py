"""Quiescence (issue 16): when is "nothing more can come from the program" concluded?

Two kinds of tests:
- the pure decision (`judge.quiescence`) over made-up samples, one per rule;
- live programs, each stopped in one blocked state, sampled from /proc by the harness's
  own code (`run.quiet.wait`): a read, an accept, epoll_wait with and without a
  time-out, select with a time-out, sleep, a child still running, data still in flight,
  an alarm() set, a receive time-out (SO_RCVTIMEO). Each asserts whether the wait ended
  by quiescence, never how long anything took.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.judge import quiescence as q
from harness.run import quiet
from harness.run.peers import Conn, _drop_data
from harness.sandbox import procs, syscalls
from harness.sandbox.procwatch import FdInfo, ProcSample, SockQueue, TaskSample
from harness.sandbox.walls import NO_WALLS
from harness.transcript import Check, Transcript

X86 = {c.name: nr for nr, c in syscalls.TABLES["x86_64"].items()}
STACK = 0x7FFC00000000
live = pytest.mark.skipif(syscalls.machine() not in syscalls.TABLES or os.geteuid() != 0,
                          reason="needs a system call table for this machine, and root")

# ---- the pure decision ------------------------------------------------------------------


SOCKET = FdInfo("socket", 7, 0, False)


def task(call: str = "read", args: tuple[int, ...] = (3, 0, 0, 0, 0, 0), state: str = "S",
         fd: FdInfo | None = SOCKET, runs: str = "1 2 3", stack: int = STACK) -> TaskSample:
    return TaskSample(100, 100, state, (X86[call], *args), stack, "wait_woken", runs, fd)


def sample(*tasks: TaskSample, t: float = 0.0, alarm: bool | None = False,
           posix: int | None = 0, timerfds: int = 0, queues: tuple[SockQueue, ...] = (),
           busy: tuple[str, ...] = (), sockets: frozenset[int] = frozenset({7})) -> q.Sample:
    proc = ProcSample(100, "echo_server", tasks, sockets, posix, timerfds, alarm)
    return q.Sample(t, "x86_64", (proc,), queues, frozenset({40000}), busy)


def test_a_blocking_read_on_a_socket_is_quiet() -> None:
    v = q.judge(sample(task()))
    assert v.quiet, v.why
    assert q.describe(v, {100: "echo_server"}, (SockQueue("tcp", 7, 9190, 40000, 1, 0, 0),),
                      {40000: "c1"}) == "echo_server is waiting in read() on the socket of c1"


@pytest.mark.parametrize(("t", "quiet"), [
    (task("accept4"), True),
    (task("epoll_wait", (4, 0, 16, 0xFFFFFFFF, 0, 0), fd=None), True),  # -1: no time-out
    (task("epoll_wait", (4, 0, 16, 5000, 0, 0), fd=None), False),
    (task("pselect6", (5, 1, 0, 0, 0, 0), fd=None), True),  # NULL time-out
    (task("pselect6", (5, 1, 0, 0, 0x7FFC1000, 0), fd=None), False),
    (task("select", (5, 1, 0, 0, 0x7FFC1000, 0), fd=None), False),
    (task("poll", (1, 1, 0xFFFFFFFF, 0, 0, 0), fd=None), True),
    (task("poll", (1, 1, 250, 0, 0, 0), fd=None), False),
    (task("wait4", (0xFFFFFFFF, 0, 0, 0, 0, 0), fd=None), True),
    (task("pause", fd=None), True),
    (task("futex", (0x1000, 128, 0, 0, 0, 0), fd=None), True),  # FUTEX_WAIT_PRIVATE
    (task("futex", (0x1000, 128, 0, 0x7FFC1000, 0, 0), fd=None), False),  # timed
    (task("futex", (0x1000, 129, 1, 0, 0, 0), fd=None), False),  # FUTEX_WAKE
    (TaskSample(100, 100, "S", (230, 0, 0, 0x7FFC, 0, 0, 0), STACK, "hrtimer_nanosleep",
                "1", None), False),  # clock_nanosleep: not in the table
    (task(state="R"), False),
    (task(state="D"), False),
    (task(state="T"), True),  # stopped by the harness: only SIGCONT wakes it
    (TaskSample(100, 100, "S", None, 0, "", "1", None), False),  # no system call seen
    (task(stack=0xFFF00000), False),  # a 32-bit program: its numbers are another table's
    (task(fd=FdInfo("socket", 7, 0, True)), False),  # SO_RCVTIMEO
    (task(fd=FdInfo("socket", 7, 12, False)), False),  # bytes ready: it is about to wake
    (task(fd=FdInfo("socket", 7, None, None)), False),  # could not look
    (task(fd=FdInfo("anon_inode:[timerfd]", 9, None, None)), False),
    (task(fd=FdInfo("tty", 3, 0, True)), False),  # non-canonical read with VTIME
    (task(fd=FdInfo("pipe", 5, 0, False)), True),
])
def test_each_blocked_state(t: TaskSample, quiet: bool) -> None:
    assert q.judge(sample(t)).quiet == quiet, q.judge(sample(t)).why


@pytest.mark.parametrize("kwargs", [{"alarm": True}, {"alarm": None}, {"posix": 1},
                                    {"posix": None}, {"timerfds": 1}])
def test_a_timer_that_may_fire_is_not_quiet(kwargs: dict[str, Any]) -> None:
    assert not q.judge(sample(task(), **kwargs)).quiet


def test_bytes_in_flight_are_not_quiet() -> None:
    sent = SockQueue("tcp", 7, 9190, 40000, 1, 5, 0)  # the program's, not yet acknowledged
    assert not q.judge(sample(task(), queues=(sent,))).quiet
    orphan = SockQueue("tcp", 0, 9190, 40000, 4, 1, 0)  # closed, its FIN not acknowledged
    assert not q.judge(sample(task(), queues=(orphan,))).quiet
    parked = SockQueue("tcp", 7, 9190, 40000, 1, 0, 9)  # delivered, waiting to be read
    assert q.judge(sample(task(), queues=(parked,))).quiet
    stranger = SockQueue("tcp", 99, 22, 50000, 1, 64, 0)  # not the run's
    assert q.judge(sample(task(), queues=(stranger,))).quiet
    assert not q.judge(sample(task(), busy=("c1: something arrived, not yet read",))).quiet


def test_a_fin_the_other_end_has_received_has_arrived() -> None:
    """The program answered and closed; the harness's kernel has the answer and the FIN
    (its socket is in CLOSE_WAIT) and delays the FIN's ACK (some 40 ms): the FIN still
    counts in the program's send queue, yet all it sent has arrived. The same the other
    way: the harness closed, the program's socket has its FIN (CLOSE_WAIT) and has not
    acknowledged it. Only that connection counts so, by its whole 4-tuple."""
    closed = SockQueue("tcp", 0, 9190, 40000, 4, 1, 0, "0100007F:23E6", "0100007F:9C40")
    harness = SockQueue("tcp", 55, 40000, 9190, 8, 0, 0, "0100007F:9C40", "0100007F:23E6")
    assert q.judge(sample(task(), queues=(closed, harness))).quiet
    # the harness's end still established: the FIN may still be on its way
    waiting = dataclasses.replace(harness, state=1)
    assert "not yet delivered" in q.judge(sample(task(), queues=(closed, waiting))).why
    # the same ports, another address: another connection
    other = dataclasses.replace(closed, remote="0200007F:9C40")
    assert not q.judge(sample(task(), queues=(other, harness))).quiet
    # the other end not listed (or its addresses unknown): not matched
    assert not q.judge(sample(task(), queues=(closed,))).quiet
    blank = dataclasses.replace(closed, local="", remote="")
    assert not q.judge(sample(task(), queues=(
        blank, dataclasses.replace(harness, local="", remote="")))).quiet
    # the harness closed (its FIN unacknowledged, its socket an orphan) and the
    # program's end has the FIN: in every state that means it came
    gone = SockQueue("tcp", 0, 40000, 9190, 4, 1, 0, "0100007F:9C40", "0100007F:23E6")
    for state in (8, 9, 11, 6):
        program = SockQueue("tcp", 7, 9190, 40000, state, 0, 0, "0100007F:23E6",
                            "0100007F:9C40")
        assert q.judge(sample(task(), queues=(gone, program))).quiet, state
    program = SockQueue("tcp", 7, 9190, 40000, 1, 0, 0, "0100007F:23E6", "0100007F:9C40")
    assert not q.judge(sample(task(), queues=(gone, program))).quiet


def test_quiescence_needs_two_alike_samples_apart() -> None:
    a, b = sample(task(), t=0.0), sample(task(), t=0.05)
    assert q.settled(a, b, 0.03) is not None
    assert q.settled(a, sample(task(), t=0.01), 0.03) is None  # too close together
    ran = sample(task(runs="1 2 4"), t=0.05)  # it woke and went back to the same read
    assert q.settled(a, ran, 0.03) is None
    assert q.settled(sample(task(state="R"), t=0.0), b, 0.03) is None


def test_a_failed_check_says_why_the_wait_ended() -> None:
    failed = Check(3, "expect_echo", "echo", False, "'x'", "nothing came back within 3 s")
    why, then = "echo_server is waiting in read()", "it has nothing more to send"
    got = q.explained(failed, why, then)
    assert got.actual == ("nothing came back within 3 s (echo_server is waiting in read(): "
                          "it has nothing more to send)")
    # a diagnosis ("seen: echo_server is waiting in read()") already names the call
    seen = dataclasses.replace(failed, diagnosis="echo_server is waiting in read()")
    assert q.explained(seen, why, then).actual == (
        "nothing came back within 3 s (the wait ended early: it has nothing more to send)")
    passed = Check(3, "expect_nothing", "nothing", True)
    assert q.explained(passed, "whatever", "it") == passed


# ---- live programs --------------------------------------------------------------------


def _start(tmp: Path, code: str) -> procs.Program:
    prog = procs.Program("prog", [sys.executable, "-c", code], tmp, {"PATH": "/usr/bin"},
                         tmp / "stderr", Transcript())
    assert procs.wait_for(lambda: b"ready" in prog.stdout() or prog.poll(), 10), prog.stderr()
    assert prog.poll() is None, prog.stderr()
    return prog


def _ended_early(tmp: Path, code: str, conns: dict[str, Any] | None = None) -> str:
    """Start `code` (which prints 'ready' before it blocks), wait up to 1.5 s for
    something that never comes: what quiescence said ('' if the wait ran out)."""
    prog = _start(tmp, code)
    ctx = SimpleNamespace(conns=conns or {}, started=[prog], walls=NO_WALLS, slow=1.0,
                          quiescence=True, marks=[])
    try:
        return quiet.wait(ctx, lambda: False, 1.5)
    finally:
        prog.close()


EPOLL = ("import os, select; r, w = os.pipe(); e = select.epoll(); "
         "e.register(r, select.EPOLLIN); print('ready'); ")


@live
@pytest.mark.parametrize(("code", "says"), [
    ("import sys; print('ready'); sys.stdin.read()", "read() on its terminal"),
    ("import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
     "print('ready'); s.accept()", "accept() on its listening socket"),
    (EPOLL + "e.poll()", "epoll_wait() with no time-out"),
    ("import os, sys; pid = os.fork()\nif pid == 0: sys.stdin.read()\n"
     "else: print('ready'); os.waitpid(pid, 0)", "wait() for a child process"),
    ("import os, sys; r, w = os.pipe(); print('ready'); os.read(r, 1)", "read() on a pipe"),
])
def test_a_program_that_only_the_harness_can_wake_is_quiet(tmp_path: Path, code: str,
                                                           says: str) -> None:
    why = _ended_early(tmp_path, code)
    assert says in why


WOKE = "; print('woke', flush=True); sys.stdin.read()"


@live
@pytest.mark.parametrize("code", [
    # time-outs that end before the harness stops waiting: it must see what follows
    "import sys; " + EPOLL + "e.poll(0.7)" + WOKE,
    "import select, sys; print('ready'); select.select([0], [], [], 0.7)" + WOKE,
    "import time, sys; print('ready'); time.sleep(0.7)" + WOKE,
    # a child still running, its parent waiting for it
    "import os, sys, time; pid = os.fork()\nif pid == 0:\n  t = time.time()\n"
    "  while time.time() < t + 0.7: pass\n  os._exit(0)\n"
    "else: print('ready'); os.waitpid(pid, 0)" + WOKE,
    # alarm(): /proc does not show it, the timer watch does
    "import signal, sys; signal.signal(signal.SIGALRM, lambda *a: print('woke'));"
    " signal.alarm(1); print('ready'); sys.stdin.read()",
    "import signal, sys; signal.signal(signal.SIGALRM, lambda *a: print('woke'));"
    " signal.setitimer(signal.ITIMER_REAL, 0.7); print('ready'); sys.stdin.read()",
    # a receive time-out set on the socket it reads
    "import socket, struct, sys; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen();"
    " s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 0, 700000));"
    " print('ready')\ntry: s.accept()\nexcept OSError: pass\nprint('woke')",
])
def test_a_program_that_wakes_by_itself_is_seen_waking(tmp_path: Path, code: str) -> None:
    """Each wakes after 0.7-1 s, before the harness stops waiting (3 s): quiescence
    must not end the wait first."""
    prog = _start(tmp_path, code)
    ctx = SimpleNamespace(conns={}, started=[prog], walls=NO_WALLS, slow=1.0,
                          quiescence=True, marks=[])
    try:
        assert quiet.wait(ctx, lambda: b"woke" in prog.stdout(), 3.0) == ""
        assert b"woke" in prog.stdout()
    finally:
        prog.close()


@live
@pytest.mark.parametrize(("code", "says", "relative"), [
    ("import select; select.select([0], [], [], 60)", "with a time-out that ends after",
     True),
    # Python sleeps until an absolute CLOCK_MONOTONIC time: known without a mark
    ("import time; time.sleep(60)", "sleep() until after the harness stops", False),
])
def test_a_time_out_that_ends_after_the_wait_is_as_good_as_none(
        tmp_path: Path, code: str, says: str, relative: bool) -> None:
    """Marked before it entered its call (it ran after the mark), so its time-out is
    known to end after the harness's wait."""
    prog = _start(tmp_path, "import sys; print('ready'); sys.stdin.readline(); " + code)
    ctx = SimpleNamespace(conns={}, started=[prog], walls=NO_WALLS, slow=1.0,
                          quiescence=True, marks=[])
    try:
        quiet.note(ctx)
        prog.sendline("go")
        # a check that nothing happens must take its time: the steps after it would
        # otherwise meet the program's time-out that much sooner (select's times_out)
        assert quiet.wait(ctx, lambda: False, 1.0, negative=True) == ""
        assert says in quiet.wait(ctx, lambda: False, 1.5)
        ctx.marks.clear()  # without the mark, only since the program started
        prog.started_at -= 100
        assert (quiet.wait(ctx, lambda: False, 1.0) == "") == relative
    finally:
        prog.close()


@live
def test_the_timer_watch_sees_alarm(tmp_path: Path) -> None:
    """The attack on the rule above: without the watch, /proc alone calls it quiet."""
    prog = _start(tmp_path, "import signal, sys; signal.alarm(30); print('ready'); "
                            "sys.stdin.read()")
    try:
        assert prog.timers.pending() is True
        ctx = SimpleNamespace(conns={}, started=[prog], walls=NO_WALLS, slow=1.0,
                              quiescence=True, marks=[])
        s = quiet.sample(ctx, 0.03)
        blind = q.Sample(s.t, s.arch, tuple(p.__class__(**{**p.__dict__, "alarm": False})
                                            for p in s.procs), s.queues, s.harness_ports)
        assert q.judge(blind).quiet
        assert not q.judge(s).quiet
    finally:
        prog.close()


@live
def test_bytes_not_yet_acknowledged_are_in_flight(tmp_path: Path) -> None:
    """The program sent, then blocked in recv(); the other end drops its segments, so
    they wait in its send queue for a retransmission: not quiet."""
    with socket.socket() as lst:
        _drop_data(lst)  # inherited by the accepted socket
        lst.bind(("127.0.0.1", 0))
        lst.listen()
        code = (f"import socket; s = socket.create_connection(('127.0.0.1', "
                f"{lst.getsockname()[1]})); s.sendall(b'x' * 100); print('ready'); s.recv(1)")
        prog = _start(tmp_path, code)
        peer, _ = lst.accept()
        try:
            ctx = SimpleNamespace(conns={}, started=[prog], walls=NO_WALLS, slow=1.0,
                                  quiescence=True, marks=[])
            assert "not yet delivered" in q.judge(quiet.sample(ctx, 0.03)).why
            assert quiet.wait(ctx, lambda: False, 1.0) == ""
        finally:
            peer.close()
            prog.close()


@live
def test_fins_that_have_arrived_are_found_on_real_rows(tmp_path: Path) -> None:
    """The rule above on real /proc rows: the program's end of a connection whose FIN
    the harness's kernel has is found by its 4-tuple; a connection not at its end is
    not."""
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen()
        port = lst.getsockname()[1]
        code = (f"import socket, sys; a = socket.create_connection(('127.0.0.1', {port})); "
                f"b = socket.create_connection(('127.0.0.1', {port})); a.sendall(b'x' * 100);"
                f" a.close(); print('ready'); sys.stdin.read()")
        prog = _start(tmp_path, code)
        conns = {}
        for name in ("a", "b"):
            sock, addr = lst.accept()
            conns[name] = Conn(name, sock, Transcript(), addr[1])
        assert procs.wait_for(lambda: any(c.eof for c in conns.values()), 10)
        ended = next(c for c in conns.values() if c.eof)
        still = next(c for c in conns.values() if c is not ended)
        ctx = SimpleNamespace(conns=conns, started=[prog], walls=NO_WALLS, slow=1.0,
                              quiescence=True, marks=[])
        try:
            assert bytes(ended.received) == b"x" * 100

            def arrived(c: Conn) -> list[bool]:
                s = quiet.sample(ctx, 0.03)
                got = q._arrived(s)
                return [(r.proto, r.local, r.remote) in got for r in s.queues
                        if (r.local_port, r.remote_port) == (c.remote_port, c.local_port)]

            assert arrived(ended) == [True] and arrived(still) == [False]
        finally:
            for c in conns.values():
                c.close()
            prog.close()


@live
def test_a_program_that_ended_is_quiet_before_it_is_reaped(tmp_path: Path) -> None:
    """Its terminal gave the harness's reader EIO, not output: nothing of it is left
    "being stored" (it was, and every later wait ran to its time-out)."""
    prog = _start(tmp_path, "import sys; print('ready'); sys.stdin.readline()")
    ctx = SimpleNamespace(conns={}, started=[prog], walls=NO_WALLS, slow=1.0,
                          quiescence=True, marks=[])
    try:
        prog.sendline("go")
        assert prog.drained.wait(10)
        assert prog.status is None  # not reaped yet: to the harness it is still running
        assert quiet.wait(ctx, lambda: False, 1.5) == "no program is running any more"
    finally:
        prog.close()


def test_data_arrived_but_not_read_by_the_harness_is_busy() -> None:
    a, b = socket.socketpair()
    with a, b:
        b.sendall(b"late")
        conn = SimpleNamespace(name="c1", sock=a, closed=False, eof=False, reset=False,
                               busy=False)
        ctx = SimpleNamespace(conns={"c1": conn}, started=[])
        assert quiet.harness_busy(ctx, 0.0, 0.03)
        a.recv(4)
        assert not quiet.harness_busy(ctx, 0.0, 0.03)
        conn.busy = True  # the reader took the bytes and has not stored them yet
        assert quiet.harness_busy(ctx, 0.0, 0.03)



@live
@pytest.mark.skipif(syscalls.machine() != "x86_64", reason="io_uring_setup's number here")
def test_an_io_uring_may_hold_a_timer(tmp_path: Path) -> None:
    """io_uring timeouts are hrtimers /proc does not attribute: a program holding one is
    never quiet (io_uring_setup is system call 425 on x86_64)."""
    prog = _start(tmp_path, "import ctypes, sys; p = ctypes.create_string_buffer(120); "
                            "fd = ctypes.CDLL(None).syscall(425, 1, p); "
                            "print('ready' if fd >= 0 else 'ready none'); sys.stdin.read()")
    try:
        if b"none" in prog.stdout():
            pytest.skip("io_uring is disabled on this machine")
        ctx = SimpleNamespace(conns={}, started=[prog], walls=NO_WALLS, slow=1.0,
                              quiescence=True, marks=[])
        assert "timer" in q.judge(quiet.sample(ctx, 0.03)).why
    finally:
        prog.close()
