"""The diagnosis of a failed check, from recorded samples (judge.diagnosis), what the
compiler warned (judge.buildlog), how reports show both; and a live look at /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from harness import i18n
from harness.judge import buildlog
from harness.judge.diagnosis import ConnSeen, Diagnosis, EndSeen, Seen, diagnose, hint_fits
from harness.report.text import render_failure
from harness.run.outcome import Outcome
from harness.sandbox import procwatch
from harness.sandbox.procwatch import Descriptor, ProcSample, SockQueue, TaskSample
from harness.transcript import Check

PID = 4000
STACK = 0x7FFD_0000_0000  # a 64-bit program's stack pointer
READ, WRITE, ACCEPT, SELECT = 0, 1, 43, 23  # x86_64 numbers
C1 = ConnSeen("c1", 40000, 9190, "tcp", sent=10, received=0, ended=False)
LISTENING = SockQueue("tcp", 100, 9190, 0, 10, 0, 0)


def task(state: str = "S", call: tuple[int, ...] | None = None, tid: int = PID,
         seen: bool = True) -> TaskSample:
    return TaskSample(PID, tid, state, call, STACK, "", "1 0 1", seen=seen)


def proc(*tasks: TaskSample) -> ProcSample:
    return ProcSample(PID, "srv", tasks, frozenset(), 0, 0, False)


def seen(*tasks: TaskSample, fds: tuple[Descriptor, ...] = (), queues: tuple[SockQueue, ...] = (),
         conns: tuple[ConnSeen, ...] = (C1,), **kw: object) -> Seen:
    return Seen("x86_64", (proc(*tasks),), {PID: fds}, queues, names={PID: "srv"}, conns=conns,
                **kw)  # type: ignore[arg-type]


def call(nr: int, fd: int = 0) -> tuple[int, ...]:
    return (nr, fd, 0x1000, 100, 0, 0, 0)


@pytest.fixture
def korean() -> Iterator[None]:
    i18n.use("ko")
    yield
    i18n.use("en")


def test_blocked_reading_its_terminal_with_a_client_never_accepted() -> None:
    """The select() server that forgot FD_ISSET: read(0) on its terminal, c1 queued."""
    d = diagnose(seen(task(call=call(READ, 0)),
                      fds=(Descriptor(0, "tty", 0, False), Descriptor(3, "socket", 100, False)),
                      queues=(LISTENING, SockQueue("tcp", 0, 9190, 40000, 1, 0, 10))))
    assert d.text == ("srv is blocked in read() on descriptor 0, its terminal (standard input)\n"
                      "c1: connected, but never accept()ed (it waits in the listening socket's "
                      "queue)")
    assert d.situations == {"waiting_terminal", "unaccepted"} and d.known
    assert not hint_fits(d, ["waiting_select"], [])  # "FD_SET the client's socket": withheld
    assert hint_fits(d, ["waiting_terminal"], []) and hint_fits(d, [], [])


def test_the_same_in_korean(korean: None) -> None:
    d = diagnose(seen(task(call=call(READ, 0)), fds=(Descriptor(0, "tty", 0, False),)))
    assert d.text == "srv: 디스크립터 0(자신의 터미널(표준 입력))에 대한 read()에서 멈춰 있습니다"


def test_spinning_on_a_non_blocking_socket() -> None:
    """The EPOLLET server that never breaks on EAGAIN: running, CPU rising."""
    fds = (Descriptor(3, "socket", 100, True), Descriptor(5, "socket", 200, True))
    queues = (LISTENING, SockQueue("tcp", 200, 9190, 40000, 1, 0, 0))
    d = diagnose(seen(task("R"), fds=fds, queues=queues, cpu={PID: (0.9, 1.0)}))
    assert d.text.startswith("srv is running without pause: 0.9 s of CPU in the last 1.0 s")
    assert "its socket of c1 is non-blocking (O_NONBLOCK) and has nothing to read: read() on " \
           "it returns -1 (EAGAIN) at once" in d.text
    assert "spinning" in d.situations and not hint_fits(d, ["waiting_connection"], [])
    # little CPU: a thread merely caught running is not said to spin, nor anything else
    calm = diagnose(seen(task("R"), fds=fds, queues=queues, cpu={PID: (0.02, 1.0)}))
    assert "spinning" not in calm.situations and not calm.known
    assert hint_fits(calm, ["waiting_connection"], [])  # nothing seen contradicts it
    # a thread that worked, then blocked: its wait is what it does now
    blocked = diagnose(seen(task("S", call(READ, 5)), fds=fds, queues=queues,
                            cpu={PID: (0.9, 1.0)}))
    assert blocked.situations == {"waiting_connection"}
    assert "blocked in read() on descriptor 5, the socket of c1" in blocked.text


def test_an_answer_that_may_sit_in_an_unflushed_file() -> None:
    """The web server: read the request, wrote nothing, keeps c1 open, back in accept()."""
    fds = (Descriptor(3, "socket", 100, False), Descriptor(6, "socket", 300, False))
    queues = (LISTENING, SockQueue("tcp", 300, 9190, 40000, 1, 0, 0))
    d = diagnose(seen(task(call=call(ACCEPT, 3)), fds=fds, queues=queues))
    assert d.text == (
        "srv is blocked in accept() on descriptor 3, its listening socket (port 9190)\n"
        "srv read all that c1 sent and wrote nothing back, yet keeps its socket open "
        "(descriptor 6): text written to a FILE* (fdopen(), fprintf(), fputs()) stays in its "
        "buffer until fflush() or fclose()")
    assert d.situations == {"waiting_accept", "unflushed"}
    assert not hint_fits(d, [], ["unflushed"])
    py = diagnose(seen(task(call=call(ACCEPT, 3)), fds=fds, queues=queues,
                       python=frozenset({PID})))
    assert "a file from makefile() stays in its buffer until flush() or close()" in py.text
    # not when something came back, when the request is still unread, or while it reads c1
    answered = diagnose(seen(task(call=call(ACCEPT, 3)), fds=fds, queues=queues,
                             conns=(ConnSeen("c1", 40000, 9190, "tcp", 10, 4, False),)))
    unread = diagnose(seen(task(call=call(ACCEPT, 3)), fds=fds,
                           queues=(LISTENING, SockQueue("tcp", 300, 9190, 40000, 1, 0, 7))))
    reading = diagnose(seen(task(call=call(READ, 6)), fds=fds, queues=queues))
    assert all("unflushed" not in x.situations for x in (answered, unread, reading))
    assert "7 bytes from c1 wait unread in its socket" in unread.text
    assert reading.situations == {"waiting_connection"}


def test_blocked_writing_with_bytes_not_delivered() -> None:
    fds = (Descriptor(5, "socket", 200, False),)
    d = diagnose(seen(task(call=call(WRITE, 5)), fds=fds,
                      queues=(SockQueue("tcp", 200, 9190, 40000, 1, 65536, 0),)))
    assert d.text == ("srv is blocked in write() on descriptor 5, the socket of c1\n"
                      "65536 bytes srv wrote to c1 have not reached the harness yet")
    assert d.situations == {"waiting_connection", "unsent"}


def test_threads_children_stopped_and_ended_programs() -> None:
    fds = (Descriptor(3, "socket", 100, False), Descriptor(4, "pipe", 9, False))
    many = Seen("x86_64", (
        proc(task(call=call(ACCEPT, 3)), task(call=call(READ, 4), tid=PID + 1),
             task(call=call(READ, 4), tid=PID + 2)),
        ProcSample(PID + 9, "", (TaskSample(PID + 9, PID + 9, "T", None, STACK, "", ""),),
                   frozenset(), 0, 0, False)),
        {PID: fds, PID + 9: ()}, (LISTENING,), names={PID: "srv"},
        ended=(EndSeen("clnt", "killed by SIGSEGV", True, 0.524),))
    d = diagnose(many)
    assert d.text == ("a thread of srv is blocked in accept() on descriptor 3, its listening "
                      "socket (port 9190); each of 2 threads of srv is blocked in read() on "
                      "descriptor 4, a pipe; a child process is stopped (SIGSTOP): only SIGCONT "
                      "lets it go on (and 1 more)")
    assert "clnt was killed by SIGSEGV at 0.52 s" in d.details
    assert d.situations == {"waiting_accept", "waiting_pipe", "stopped", "killed"}


def test_what_cannot_be_seen_is_not_said_and_hides_no_hint() -> None:
    blind = diagnose(seen(task(seen=False)))
    assert (blind.text, blind.known) == ("", False)
    assert hint_fits(blind, ["waiting_select"], [])
    no_fds = diagnose(Seen("x86_64", (proc(task(call=call(READ, 0))),), {PID: None},
                           names={PID: "srv"}))
    assert no_fds.text == "srv is blocked in read() on descriptor 0" and not no_fds.known
    assert hint_fits(no_fds, ["waiting_select"], [])
    assert diagnose(Seen("x86_64", problem="cannot list the processes")) == Diagnosis()
    assert hint_fits(None, ["waiting_select"], ["unflushed"])
    unknown_arch = diagnose(Seen("", (proc(task(call=call(READ, 0))),), {PID: ()},
                                 names={PID: "srv"}))
    assert not unknown_arch.known and unknown_arch.text == ""


def test_the_compiler_s_warnings_short() -> None:
    log = ("echo_server.c: In function 'main':\n"
           "echo_server.c:73:22: warning: left-hand operand of comma expression has no effect "
           "[-Wunused-value]\n"
           "   73 |                 close, (clnt_sock);\n"
           "      |                      ^\n"
           "echo_server.c:9:5: note: declared here\n")
    assert buildlog.warnings({"echo_server": log}) == (
        "echo_server.c:73:22: warning: left-hand operand of comma expression has no effect "
        "[-Wunused-value]\n   73 |                 close, (clnt_sock);")
    assert buildlog.warnings({"a": "", "b": "gcc -o b b.c\n"}) == ""
    many = "".join(f"x.c:{i}:1: warning: unused variable 'v{i}'\n" for i in range(9))
    got = buildlog.warnings({"x": many}).splitlines()
    assert len(got) == buildlog.MOST + 1 and got[-1] == "… and 3 more warnings"


def _outcome(check: Check, behaviour: str = "b", warnings: str = "") -> Outcome:
    return Outcome("s.yaml", "a", behaviour, "T", "failed", 0, 1, checks=(check,),
                   warnings=warnings)


def test_the_report_says_the_diagnosis_first_and_a_compile_error_once() -> None:
    seen_first = render_failure(_outcome(Check(3, "expect_echo", "echo on c1", False, "'x'",
                                               "nothing came back", "a hint",
                                               diagnosis="srv is blocked in read()\nc1: queued"),
                                         warnings="x.c:1:1: warning: w"))
    lines = seen_first.splitlines()
    assert lines[2:5] == ["    seen:     srv is blocked in read()", "              c1: queued",
                          "    expected: 'x'"]
    assert "  The compiler warned:\n    x.c:1:1: warning: w" in seen_first
    from harness.judge.stream import builds

    failed = Check(1, "start", "srv builds and starts", False, builds(),
                   "srv.c does not compile\nsrv.c:1:1: error: expected ';'")
    shown: set[str] = set()
    first = render_failure(_outcome(failed, "b1"), shown)
    again = render_failure(_outcome(failed, "b2"), shown)
    assert "srv.c:1:1: error" in first and "srv.c:1:1: error" not in again
    assert "srv.c does not compile (the compiler's message is shown with the first " in again
    assert "srv.c:1:1: error" in render_failure(_outcome(failed, "b3"))  # no memory: all


def test_descriptors_of_a_live_process() -> None:
    """A live look: descriptor kinds, socket inodes and O_NONBLOCK from /proc."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE, pass_fds=(listener.fileno(),))
    try:
        got = procwatch.descriptors(child.pid)
        assert got is not None
        by_fd = {d.fd: d for d in got}
        assert by_fd[0].kind == "pipe" and by_fd[0].inode == os.fstat(
            child.stdin.fileno()).st_ino  # type: ignore[union-attr]
        mine = by_fd[listener.fileno()]
        assert (mine.kind, mine.inode, mine.nonblocking) == (
            "socket", os.fstat(listener.fileno()).st_ino, True)
        assert by_fd[0].nonblocking is False
    finally:
        child.kill()
        child.wait()
        listener.close()
    assert procwatch.descriptors(child.pid) is None  # gone: nothing to say
