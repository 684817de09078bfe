"""Proving a spinning program's loop endless (issue 16): `sandbox.looptrace` on small C
programs, each reading a TCP socket whose client has gone, and the judge's use of the
proof. Each live test asserts what the tracer answered, never how long it took."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT, needs_netns

from harness.judge import quiescence as q
from harness.run import loops, quiet
from harness.sandbox import looptrace, procs
from harness.sandbox.procwatch import FdInfo, ProcSample, SockQueue, TaskSample
from harness.sandbox.walls import NO_WALLS
from harness.transcript import Transcript

live = pytest.mark.skipif(
    os.uname().machine != "x86_64" or os.geteuid() != 0 or shutil.which("gcc") is None,
    reason="needs x86_64, root (ptrace) and gcc")

PROGRAM = r"""
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
volatile unsigned long sink;
static void on_alarm(int sig) { (void)sig; }
static void *idle(void *arg) { (void)arg; pause(); return NULL; }
int main(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t l = sizeof a;
    if (bind(s, (void *)&a, sizeof a) || listen(s, 1) || getsockname(s, (void *)&a, &l))
        return 1;
    printf("port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    int c = accept(s, 0, 0), len = 0, cnt;
    char buf[64];
    long n = 0;
    (void)n; (void)cnt; (void)len;
    LOOP
    printf("done %ld\n", n);
    fflush(stdout);
    return 0;
}
"""

SPIN = "while (10 > len) { cnt = read(c, &buf[len], sizeof buf - 1); len += cnt; }"
LOOPS = {
    "spin": SPIN,
    "recv": "while (10 > len) { cnt = recvfrom(c, &buf[len], 63, 0, NULL, NULL); len += cnt; }",
    "clock": "time_t t0 = time(NULL); while (time(NULL) < t0 + 60) read(c, buf, sizeof buf);",
    "counter": "for (n = 0; n < 1000000000L; n++) read(c, buf, sizeof buf);",
    "rdtsc": "for (;;) { sink = __rdtsc(); read(c, buf, sizeof buf); }",
    "threads": "pthread_t t; pthread_create(&t, NULL, idle, NULL); " + SPIN,
    "handler": "signal(SIGALRM, on_alarm); " + SPIN,
    "shut_rd": "shutdown(c, SHUT_RD); " + SPIN,  # read() returns 0, yet data can come
    "gives_up": "for (n = 0; n < 3000000L; n++) read(c, buf, sizeof buf);",
}
# waits (not a loop): the tracer's stop ends epoll_wait() with EINTR, which the kernel
# does not restart by itself; a program that takes EINTR for an error exits 3
EPOLL_SET = """int ep = epoll_create(1);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
    """
EPOLL_WAIT = """n = epoll_wait(ep, &ev, 1, -1);
    if (n < 0) { perror("epoll_wait"); return 3; }"""
EPOLL = EPOLL_SET + EPOLL_WAIT


def _compile(tmp: Path, loop: str, opt: str = "-O0") -> Path:
    src, exe = tmp / "loop.c", tmp / "loop"
    src.write_text(PROGRAM.replace("LOOP", loop))
    subprocess.run(["gcc", opt, "-pthread", "-o", str(exe), str(src)], check=True)
    return exe


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


@pytest.fixture
def spinning(tmp_path: Path) -> Iterator[tuple[Path, list[subprocess.Popen[str]]]]:
    started: list[subprocess.Popen[str]] = []
    yield tmp_path, started
    for p in started:
        p.kill()
        p.wait()


def _run(tmp: Path, started: list[subprocess.Popen[str]], loop: str,
         opt: str = "-O0", keep: list[socket.socket] | None = None) -> subprocess.Popen[str]:
    """Start the program, connect and leave (or stay, into `keep`): it spins on the
    client's EOF."""
    prog = subprocess.Popen([str(_compile(tmp, loop, opt))], stdout=subprocess.PIPE, text=True)
    started.append(prog)
    assert prog.stdout is not None
    port = int(prog.stdout.readline().split()[1])
    client = socket.create_connection(("127.0.0.1", port))
    if keep is None:
        client.close()
    else:
        keep.append(client)
    assert procs.wait_for(lambda: _state(prog.pid) == "R", 10), "it never ran"
    return prog


def _trace(pid: int) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-I", "-S", looptrace.__file__, str(pid)],
                         capture_output=True, text=True, timeout=30, check=True)
    answer: dict[str, object] = json.loads(out.stdout)
    return answer


@live
@pytest.mark.parametrize(("loop", "opt"), [("spin", "-O0"), ("spin", "-O2"), ("recv", "-O0")])
def test_the_textbook_eof_spin_is_endless(spinning: tuple[Path, list[subprocess.Popen[str]]],
                                          loop: str, opt: str) -> None:
    prog = _run(*spinning, LOOPS[loop], opt)
    got = _trace(prog.pid)
    assert got["endless"] is True, got
    assert got["call"] == ("read" if loop == "spin" else "recvfrom")
    assert got["fd"] == 4
    assert got["inode"] == os.stat(f"/proc/{prog.pid}/fd/4").st_ino
    assert got["cpu_left"] == math.inf
    # detached: it goes on spinning, neither stopped nor killed by a stray trap
    assert procs.wait_for(lambda: _state(prog.pid) == "R", 10)
    assert prog.poll() is None


@live
@pytest.mark.parametrize(("loop", "opt", "why"), [
    ("clock", "-O0", "[vdso]"),  # time() reads the clock through the vDSO
    ("counter", "-O0", "changed"),  # the count in memory
    ("counter", "-O2", "changed"),  # the count in a register
    ("rdtsc", "-O0", "rdtsc"),
    ("threads", "-O0", "more than one thread"),
    ("handler", "-O0", "SigCgt"),
])
def test_a_loop_that_can_end_is_not_proven(spinning: tuple[Path, list[subprocess.Popen[str]]],
                                           loop: str, opt: str, why: str) -> None:
    prog = _run(*spinning, LOOPS[loop], opt)
    got = _trace(prog.pid)
    assert got["endless"] is False
    assert why in str(got["why"])
    assert prog.poll() is None


@live
def test_a_socket_shut_for_reading_by_the_program_is_not_proven(
        spinning: tuple[Path, list[subprocess.Popen[str]]]) -> None:
    """shutdown(SHUT_RD) makes read() return 0 while the client can still send."""
    keep: list[socket.socket] = []
    prog = _run(*spinning, LOOPS["shut_rd"], keep=keep)
    got = _trace(prog.pid)
    assert got["endless"] is False and "has not closed it" in str(got["why"]), got
    keep[0].sendall(b"0123456789")  # and then it does end
    assert prog.wait(timeout=30) == 0
    keep[0].close()


@live
def test_the_traced_program_goes_on_unharmed(
        spinning: tuple[Path, list[subprocess.Popen[str]]]) -> None:
    """A loop that gives up after 3 000 000 reads still counts all of them after the
    tracer has stepped it and left."""
    prog = _run(*spinning, LOOPS["gives_up"])
    assert _trace(prog.pid)["endless"] is False
    out, _err = prog.communicate(timeout=120)
    assert out.strip() == "done 3000000"


@live
def test_a_call_the_tracers_stop_ends_with_eintr_is_restarted(
        spinning: tuple[Path, list[subprocess.Popen[str]]]) -> None:
    """A process seen running may be waiting by the time the tracer stops it."""
    tmp, started = spinning
    prog = subprocess.Popen([str(_compile(tmp, EPOLL))], stdout=subprocess.PIPE, text=True)
    started.append(prog)
    assert prog.stdout is not None
    client = socket.create_connection(("127.0.0.1", int(prog.stdout.readline().split()[1])))
    with client:
        def in_epoll_wait() -> bool:
            with open(f"/proc/{prog.pid}/syscall") as f:
                return f.read().split()[0] in ("232", "281")  # epoll_wait, epoll_pwait
        assert procs.wait_for(lambda: _state(prog.pid) == "S" and in_epoll_wait(), 10)
        got = _trace(prog.pid)
        assert got["endless"] is False and "waiting in a system call" in str(got["why"]), got
        client.sendall(b"x")
        out, _err = prog.communicate(timeout=30)
    assert (prog.returncode, out.split()[-2:]) == (0, ["done", "1"])


@live
def test_a_program_left_at_a_calls_entry_makes_the_call_again(
        spinning: tuple[Path, list[subprocess.Popen[str]]]) -> None:
    """Stopped while it computes, the program's next call is epoll_wait(): the tracer
    refuses there, and the call must not fail with EINTR once it has left (detaching
    sets the signal-pending flag, which epoll_wait() does not restart from)."""
    tmp, started = spinning
    exe = _compile(tmp, EPOLL_SET + "for (n = 0; n < 200000000L; n++) sink++;\n    "
                   + EPOLL_WAIT)
    prog = subprocess.Popen([str(exe)], stdout=subprocess.PIPE, text=True)
    started.append(prog)
    assert prog.stdout is not None
    client = socket.create_connection(("127.0.0.1", int(prog.stdout.readline().split()[1])))
    with client:
        assert procs.wait_for(lambda: _state(prog.pid) == "R", 10)
        got = _trace(prog.pid)
        # epoll_wait or epoll_pwait, by the C library's choice
        assert got["endless"] is False and str(got["why"]) in (
            "its next system call is 232, not read() or recvfrom()",
            "its next system call is 281, not read() or recvfrom()"), got
        # it went back into epoll_wait (without the fix, it exits 3 at once)
        assert procs.wait_for(lambda: _state(prog.pid) in ("S", "Z"), 10)
        assert prog.poll() is None, prog.stdout.read()
        client.sendall(b"x")
        out, _err = prog.communicate(timeout=30)
    assert (prog.returncode, out.split()[-2:]) == (0, ["done", "1"])


@live
def test_a_positive_wait_ends_on_a_proven_loop_and_a_negative_one_does_not(
        tmp_path: Path) -> None:
    exe = _compile(tmp_path, SPIN)
    prog = procs.Program("loop", [str(exe)], tmp_path, {"PATH": "/usr/bin"},
                         tmp_path / "stderr", Transcript())
    try:
        assert procs.wait_for(lambda: b"port" in prog.stdout() or prog.poll(), 10)
        port = int(prog.stdout().split()[1])
        socket.create_connection(("127.0.0.1", port)).close()
        ctx = SimpleNamespace(conns={}, started=[prog], walls=NO_WALLS, slow=1.0,
                              quiescence=True, marks=[])
        assert quiet.wait(ctx, lambda: False, 1.0, negative=True) == ""
        why = quiet.wait(ctx, lambda: False, 10.0)
        assert "loop is in an endless loop: it calls read() over and over on a socket" in why
        ctx.quiescence = False
        assert quiet.wait(ctx, lambda: False, 0.3) == ""
    finally:
        prog.close()


@live
@pytest.mark.parametrize(("loop", "tracers"), [
    ("rdtsc", 1),  # refused for what it runs: once per wait
    ("counter", loops.TRIES),  # its memory changes, as a migration's rseq write would
])
def test_a_loop_that_cannot_be_proven_is_traced_a_bounded_number_of_times_per_wait(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop: str, tracers: int) -> None:
    exe = _compile(tmp_path, LOOPS[loop])
    prog = procs.Program("loop", [str(exe)], tmp_path, {"PATH": "/usr/bin"},
                         tmp_path / "stderr", Transcript())
    started: list[int] = []
    real = loops.TRACER.ask

    def ask(pid: int) -> str | None:
        started.append(pid)
        return real(pid)

    monkeypatch.setattr(loops.TRACER, "ask", ask)
    try:
        assert procs.wait_for(lambda: b"port" in prog.stdout() or prog.poll(), 10)
        socket.create_connection(("127.0.0.1", int(prog.stdout().split()[1]))).close()
        ctx = SimpleNamespace(conns={}, started=[prog], walls=NO_WALLS, slow=1.0,
                              quiescence=True, marks=[])
        assert quiet.wait(ctx, lambda: False, 6) == ""  # it counts: the wait runs out
        # (tries after the first are as many as fit in the wait, TRIES at most)
        assert min(tracers, 2) <= len(started) <= tracers
        assert set(started) == {prog.pid}
    finally:
        prog.close()


# ---- the pure parts ------------------------------------------------------------------


@pytest.mark.parametrize(("code", "what"), [
    (b"\x0f\x05", "syscall"),
    (b"\x0f\x31", "rdtsc"),
    (b"\x0f\x01\xf9", "rdtsc"),  # rdtscp
    (b"\x48\x0f\xc7\xf0", "rdrand"),  # rdrand rax
    (b"\x0f\xc7\xf8", "rdrand"),  # rdseed eax
    (b"\xf3\x0f\xc7\xf8", "rdrand"),  # rdpid
    (b"\x0f\xa2", "cpuid"),
    (b"\xcd\x80", "int80/sysenter/xbegin"),
    (b"\x48\x89\xc7", ""),  # mov rdi, rax
    (b"\x0f\xc7\x0f", ""),  # cmpxchg8b [rdi]
    (b"\x0f", "cannot read the instruction"),
])
def test_hidden_inputs(code: bytes, what: str) -> None:
    assert looptrace.hidden_input(code) == what


SOCKET = FdInfo("socket", 7, 0, False)


def _sample(state: str = "R", proof: q.LoopProof | None = None, threads: int = 1,
            alarm: bool = False, t: float = 10.0) -> q.Sample:
    tasks = tuple(TaskSample(100, 100 + i, state, None, 0x7FFC00000000, "", str(t), None)
                  for i in range(threads))
    proc = ProcSample(100, "op_server", tasks, frozenset({7}), 0, 0, alarm)
    return q.Sample(t, "x86_64", (proc,), (), frozenset({40000}), until=13.0,
                    endless={100: proof} if proof else {})


PROOF = q.LoopProof("read", 7, math.inf, 9.0, entered=9.0)


def test_a_running_process_is_quiet_only_with_a_proof() -> None:
    assert "state R" in q.judge(_sample()).why
    v = q.judge(_sample(proof=PROOF))
    assert v.quiet, v.why
    assert v.waits[0].loop and v.waits[0].inode == 7
    # the run count changes all the time, the two-sample key does not
    assert q.settled(_sample(proof=PROOF, t=10.0), _sample(proof=PROOF, t=10.1), 0.03)
    conns = {40000: "c1"}
    rows = (SockQueue("tcp", 7, 9190, 40000, 8, 0, 0),)
    assert q.describe(v, {100: "op_server"}, rows, conns) == (
        "op_server is in an endless loop: it calls read() over and over on the socket of c1,"
        " which returns 0 at once (the other end has closed that socket), and never waits"
        " for anything")


def test_a_proof_settles_from_when_the_loop_was_stopped() -> None:
    """The first of the two samples may be the one the proof was asked on (at 10.0, the
    process running): the second must still be `settle` after the tracer stopped it
    (10.02), after which all it did was its loop."""
    late = dataclasses.replace(PROOF, entered=10.02)
    asked_on = _sample(proof=late, t=10.0)
    assert q.settles_at(asked_on, 0.03) == pytest.approx(10.05)
    assert q.settled(asked_on, _sample(proof=late, t=10.04), 0.03) is None
    assert q.settled(asked_on, _sample(proof=late, t=10.05), 0.03) is not None
    # a proof that does not say when it started settles nothing
    unknown = q.LoopProof("read", 7, math.inf, 9.0)
    assert q.settled(_sample(proof=unknown, t=10.0), _sample(proof=unknown, t=11.0),
                     0.03) is None
    # without proofs, as before: `settle` after the first sample
    assert q.settles_at(_sample("S", t=10.0), 0.03) == pytest.approx(10.03)


def test_a_proof_does_not_outlast_the_cpu_limit_or_a_timer() -> None:
    # 4 s left of the wait from when the proof was made: 4.5 CPU seconds are not enough
    short = q.LoopProof("read", 7, 4.5, 9.0)
    assert "CPU limit" in q.judge(_sample(proof=short)).why
    assert q.judge(_sample(proof=q.LoopProof("read", 7, 5.5, 9.0))).quiet
    assert "timer" in q.judge(_sample(proof=PROOF, alarm=True)).why
    assert "more than one thread" in q.judge(_sample(proof=PROOF, threads=2)).why
    assert "state T" in q.judge(_sample("T", proof=PROOF)).why


def test_a_negative_wait_does_not_use_a_proof() -> None:
    v = q.judge(_sample(proof=PROOF))
    assert q.usable(v, negative=False) is v
    assert q.usable(v, negative=True) is None
    assert q.usable(q.judge(_sample("S", proof=PROOF)), negative=True) is None


@live
def test_a_tracer_that_died_answers_unknown_and_is_started_again(
        spinning: tuple[Path, list[subprocess.Popen[str]]]) -> None:
    prog = _run(*spinning, SPIN)
    tracer = loops.TRACER
    tracer.warm()
    assert tracer.proc is not None
    first = tracer.proc.pid
    os.kill(first, signal.SIGSTOP)  # it cannot answer before it is killed
    lost = tracer.ask(prog.pid)
    assert lost is not None
    os.kill(first, signal.SIGKILL)
    got: dict[str, dict[str, object]] = {}
    assert procs.wait_for(lambda: bool(got.update(tracer.take({lost})) or got), 10)
    assert got[lost] == {"endless": False, "why": "the tracer ended"}
    assert first not in tracer.pids()
    again = tracer.ask(prog.pid)  # a new tracer, which proves it
    assert again is not None and tracer.proc is not None and tracer.proc.pid != first
    assert tracer.pids() == {tracer.proc.pid}
    assert procs.wait_for(lambda: bool(got.update(tracer.take({again})) or again in got), 10)
    assert got[again]["endless"] is True, got


@live
def test_a_process_killed_while_traced_is_let_go() -> None:
    """A process killed while the tracer holds it is the tracer's to reap first: its
    parent cannot reap the zombie until then. Killed at every moment of a question (the
    tracer's first read of /proc, its attach, its stop), each one is let go: we, its
    parent, reap it. A zombie kept by the tracer would fill the process table for the
    whole grading, and count against the uid's process limit."""
    tracer = loops.TRACER
    tracer.warm()
    held = []
    for n in range(30):
        prog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            assert procs.wait_for(lambda p=prog: _state(p.pid) == "R", 10), "it never ran"
            ident = tracer.ask(prog.pid)
            assert ident is not None
            for _ in range(n % 6):  # later and later into the question
                os.sched_yield()
        finally:
            prog.kill()
        if not procs.wait_for(lambda p=prog: p.poll() is not None, 10):
            held.append(prog.pid)
            with open(f"/proc/{prog.pid}/status") as f:
                held.append(f.read())
            break
        tracer.drop({ident})
    assert not held, held


@live
@needs_netns
@pytest.mark.usefixtures("subreaper")
def test_the_tracer_outlives_the_gradings_it_serves(tmp_path: Path) -> None:
    """Started before the run's network namespace (a process started inside it is
    killed with it), the one tracer serves behaviour after behaviour."""
    from harness.plugin import BuildCache
    from harness.run.runner import RunConfig, run_behaviour
    from harness.spec.model import load_spec

    spec = load_spec(ROOT / "specs/op_server.yaml")
    cache = BuildCache(ROOT / "tests/programs/op_server/mut_textbook_mid_request")
    pids = set()
    try:
        for _ in range(2):
            o = run_behaviour(spec, spec.behaviour("survives_disconnect_mid_request"),
                              RunConfig(build_dir=cache.dir, builds=cache.get(spec),
                                        artifacts=tmp_path))
            assert o.status == "failed", o.error
            assert loops.TRACER.proc is not None and loops.TRACER.proc.poll() is None
            pids.add(loops.TRACER.proc.pid)
            # the loop was proven (by this tracer): the diagnosis says so
            assert any("endless loop" in c.diagnosis for c in o.checks), o.checks
    finally:
        cache.close()
    assert len(pids) == 1
