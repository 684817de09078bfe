"""Every step kind, end to end: a tiny submission, a tiny inline spec, the real command line.

Each test grades one spec whose behaviours pair a case that must pass with cases that
must fail, and checks the failure says the right thing (`checks` of the --json file).
The submissions are few-line Python programs written into tmp_path; any waiting is
done by the spec's own bounded steps, never by a sleep here.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import Graded, needs_netns, sockgrade

from harness.sandbox import netns

pytestmark = needs_netns

# A TCP server's first lines: listen on the port given as argv[1].
TCP_SERVER = """\
import os, signal, socket, sys, threading, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("", int(sys.argv[1])))
srv.listen(16)
"""

ECHO_LOOP = """\
while True:
    c, _ = srv.accept()
    while (d := c.recv(4096)):
        c.sendall(d)
    c.close()
"""

UDP_CLIENT = """\
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"ping", (sys.argv[1], int(sys.argv[2])))
print("reply:", s.recv(100).decode())
"""


def grade(tmp_path: Path, spec: str, files: dict[str, str] | None = None,
          **programs: str) -> Graded:
    """Write programs (NAME=source -> sub/NAME.py), extra files and the spec; grade."""
    sub = tmp_path / "sub"
    sub.mkdir()
    for name, source in programs.items():
        (sub / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    for name, text in (files or {}).items():
        (sub / name).write_text(text, encoding="utf-8")
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(textwrap.dedent(spec), encoding="utf-8")
    graded = sockgrade(tmp_path, str(sub), str(spec_path))
    assert graded.results is not None, graded.out + graded.err
    # a student's own Python traceback may be shown; the grader's never
    assert "/harness/" not in graded.out, graded.out
    return graded


def passed(graded: Graded, bid: str) -> list[dict[str, Any]]:
    """The behaviour passed with every check made; its checks."""
    b = graded.behaviour(bid)
    assert b["status"] == "passed", f"{bid}: {b}\n{graded.out[-4000:]}"
    assert b["checks"] and all(c["passed"] and not c["skipped"] for c in b["checks"]), b
    return list(b["checks"])


def failure(graded: Graded, bid: str, step: str) -> dict[str, Any]:
    """The behaviour failed, at a check of step kind `step`; that check."""
    b = graded.behaviour(bid)
    assert b["status"] == "failed", f"{bid}: {b}\n{graded.out[-4000:]}"
    failed: list[dict[str, Any]] = [c for c in b["checks"] if not c["passed"]]
    assert len(failed) == 1 and b["checks"][-1] == failed[0], b  # the first failure ends it
    assert failed[0]["step"] == step, failed[0]
    return failed[0]


def expect_all(graded: Graded, passing: set[str]) -> None:
    """Exactly `passing` passed, every other behaviour failed; exit code 1 if any failed."""
    status = graded.status()
    wanted = {bid: "passed" if bid in passing else "failed" for bid in status}
    assert status == wanted, graded.out[-6000:]
    assert graded.code == (0 if len(passing) == len(status) else 1)


# ---- UDP, harness as client ----------------------------------------------------------


def test_udp_connect_send_expect_echo_and_a_reply_to_the_wrong_port(tmp_path: Path) -> None:
    spec = """\
    assignment: udp_steps
    title: UDP
    programs:
      udp_echo: {role: server, ready: listen}
      udp_wrong: {role: server}
    behaviours:
      - id: echoes
        title: UDP echo
        steps:
          - start: udp_echo
          - connect: {conn: u, proto: udp}
          - send: {conn: u, text: "datagram one"}
          - expect_echo: u
          - send: {conn: u, text: "abcdef", chunk: 2, pause: 0.01}
          - expect_echo: u
          - send: {conn: u, hex: "00 01 ff"}
          - expect_data: {conn: u, hex: "00 01 ff"}
          - expect_packets:
              conn: u
              rules:
                - some: {from: program, payload: "datagram one"}
      - id: wrong_port
        title: replies to a fixed port
        steps:
          - start: udp_wrong
          - connect: {conn: u, proto: udp}
          - send: {conn: u, text: "hello"}
          - expect_data: {conn: u, text: "hello", within: 1}
    """
    server = """\
    import socket, sys
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", int(sys.argv[1])))
    while True:
        data, addr = s.recvfrom(65536)
        s.sendto(data, {to})
    """
    graded = grade(tmp_path, spec, udp_echo=server.format(to="addr"),
                   udp_wrong=server.format(to='(addr[0], 9999)'))
    expect_all(graded, {"echoes"})
    checks = passed(graded, "echoes")
    assert [c["step"] for c in checks] == ["start", "connect", "send", "expect_echo", "send",
                                           "expect_echo", "send", "expect_data",
                                           "expect_packets"]
    assert checks[5]["description"] == "echo on u (6 bytes)"
    bad = failure(graded, "wrong_port", "expect_data")
    # the wait ends once the server waits in recvfrom() again (quiescence), and says so
    assert bad["actual"] == ("nothing came back within 1 s (the wait ended early: it has "
                             "nothing more to send)")
    assert bad["diagnosis"] == ("udp_wrong is blocked in recvfrom() on descriptor 3, the "
                                 "socket of u")  # the call said once
    assert bad["expected"] == "'hello'"


# ---- the harness as the server of a student's client ---------------------------------


def test_harness_listens_and_accepts_tcp_and_udp_clients(tmp_path: Path) -> None:
    spec = """\
    assignment: client_steps
    title: clients
    programs:
      tcp_client: {role: client}
      udp_client: {role: client}
      lost_client: {role: client}
    behaviours:
      - id: tcp
        title: TCP client
        steps:
          - listen: L
          - start: tcp_client
          - accept: {listener: L, conn: c}
          - expect_data: {conn: c, text: "hello\\n"}
          - send: {conn: c, line: "world"}
          - expect_output: {program: tcp_client, pattern: "got: world"}
          - expect_eof: c
          - expect_exit: {program: tcp_client, code: 0}
      - id: udp
        title: UDP client
        steps:
          - listen: {listener: U, proto: udp}
          - start: udp_client
          - accept: {listener: U, conn: u}
          - expect_data: {conn: u, text: "ping"}
          - send: {conn: u, text: "pong"}
          - expect_output: {program: udp_client, pattern: "reply: pong"}
          - expect_packets:
              conn: u
              rules:
                - order:
                    - {from: program, payload: ping}
                    - {from: harness, payload: pong}
      - id: never_connects
        title: a client that uses the wrong port
        steps:
          - listen: L
          - start: lost_client
          - accept: {listener: L, conn: c, within: 2}
    """
    tcp_client = """\
    import socket, sys
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    c.sendall(b"hello\\n")
    print("got:", c.recv(100).decode().strip())
    c.close()
    """
    lost_client = """\
    import socket, sys
    socket.create_connection((sys.argv[1], 9999))
    """
    graded = grade(tmp_path, spec, tcp_client=tcp_client, udp_client=UDP_CLIENT,
                   lost_client=lost_client)
    expect_all(graded, {"tcp", "udp"})
    assert [c["step"] for c in passed(graded, "tcp")] == [
        "accept", "expect_data", "send", "expect_output", "expect_eof", "expect_exit"]
    assert [c["step"] for c in passed(graded, "udp")] == [
        "accept", "expect_data", "send", "expect_output", "expect_packets"]
    bad = failure(graded, "never_connects", "accept")
    assert bad["actual"].startswith("no connection within 2 s")
    assert "; lost_client exited with code 1" in bad["actual"]
    if netns.probe() is None:  # where it went instead, from its own namespace's capture
        # (the quiescence note "(no program is running any more ...)" may follow)
        assert bad["actual"].startswith(
            "no connection within 2 s (it tried port 9999 instead: does it use the address "
            "and port given on its command line?)")
    assert "ConnectionRefusedError" in bad["actual"]


# ---- stdin / stdout / stderr / exit --------------------------------------------------


def test_terminal_input_output_and_exit_codes(tmp_path: Path) -> None:
    spec = """\
    assignment: stdio_steps
    title: terminal
    programs:
      chat: {}
      prompt: {}
    behaviours:
      - id: converses
        title: reads lines, answers, exits 0 on EOF
        steps:
          - start: chat
          - sendline: {program: chat, text: "안녕 세상"}
          - expect_output: {program: chat, pattern: "받은 메시지: 안녕 세상\\n"}
          - expect_output: {program: chat, pattern: "ERROR", absent: true, within: 0.3}
          - sendline: {program: chat, text: "second"}
          - expect_output: {program: chat, pattern: "받은 메시지: second"}
          - sendeof: chat
          - expect_output: {program: chat, stream: stderr, pattern: "bye from stderr"}
          - expect_exit: {program: chat, code: 0}
      - id: wrong_code
        title: exit code 3 wanted
        steps:
          - start: chat
          - sendeof: chat
          - expect_exit: {program: chat, code: 3}
      - id: printed_forbidden
        title: absent output that is printed
        steps:
          - start: chat
          - sendline: {program: chat, text: "x"}
          - expect_output: {program: chat, pattern: "받은 메시지", absent: true, within: 1}
      - id: stdout_is_not_stderr
        title: stderr only holds stderr
        steps:
          - start: chat
          - sendline: {program: chat, text: "x"}
          - expect_output: {program: chat, stream: stderr, pattern: "받은", within: 0.5}
      - id: unflushed_prompt
        title: a prompt without newline never flushed
        steps:
          - start: prompt
          - expect_output: {program: prompt, pattern: "입력하세요", within: 0.5}
      - id: unflushed_after_a_match
        title: the excerpt starts after an earlier step's match, and says so
        steps:
          - start: prompt
          - expect_output: {program: prompt, pattern: "시작"}
          - expect_output: {program: prompt, pattern: "입력하세요", within: 0.5}
    """
    chat = """\
    import sys
    for line in sys.stdin:
        print("받은 메시지:", line.strip())
    print("bye from stderr", file=sys.stderr)
    """
    prompt = """\
    import time
    print("시작합니다")
    print("입력하세요: ", end="", flush=False)
    time.sleep(30)
    """
    graded = grade(tmp_path, spec, chat=chat, prompt=prompt)
    expect_all(graded, {"converses"})
    checks = passed(graded, "converses")
    assert "받은 메시지: 안녕 세상" in checks[0]["description"]

    bad = failure(graded, "wrong_code", "expect_exit")
    assert bad["description"] == "chat exits with code 3"
    assert bad["expected"] == "exits with code 3"
    assert bad["actual"] == "it exited with code 0"

    bad = failure(graded, "printed_forbidden", "expect_output")
    assert bad["actual"] == "it printed '받은 메시지'"

    bad = failure(graded, "stdout_is_not_stderr", "expect_output")
    assert "받은" not in bad["actual"] and "fflush" not in bad["actual"]

    bad = failure(graded, "unflushed_prompt", "expect_output")
    # the time-out it waited, not the 0.51 s or so the wait and the pty's last read took
    assert bad["actual"].startswith("after 0.5 s it had printed"), bad["actual"]
    assert "'시작합니다\\n'" in bad["actual"]  # what it did print, Korean shown as is
    assert "fflush(stdout)" in bad["actual"] and "입력하세요" not in bad["actual"]
    assert "earlier step" not in bad["actual"]  # that excerpt is the whole output

    bad = failure(graded, "unflushed_after_a_match", "expect_output")
    assert bad["actual"].startswith("after 0.5 s it had printed '합니다\\n' (only what came "
                                    "after '시작', which an earlier step matched)"), bad["actual"]
    assert "fflush(stdout)" in bad["actual"]


def test_expect_output_anywhere_ignores_order_and_keeps_the_mark(tmp_path: Path) -> None:
    # a parent and its child print in either order: `anywhere` finds each line wherever
    spec = """\
    assignment: anywhere_steps
    title: output in any order
    programs:
      two: {}
    behaviours:
      - id: any_order
        title: both lines, found in the order opposite to the printing
        steps:
          - start: two
          - expect_output: {program: two, pattern: "second line", anywhere: true}
          - expect_output: {program: two, pattern: "first line", anywhere: true}
          - expect_output: {program: two, pattern: "first line"}
          - expect_output: {program: two, pattern: "second line"}
      - id: in_order
        title: without anywhere, a line before the mark is not found again
        steps:
          - start: two
          - expect_output: {program: two, pattern: "second line"}
          - expect_output: {program: two, pattern: "first line", within: 0.5}
    """
    two = """\
    import time
    print("first line")
    print("second line")
    time.sleep(30)
    """
    graded = grade(tmp_path, spec, two=two)
    expect_all(graded, {"any_order"})
    assert len(passed(graded, "any_order")) == 4
    bad = failure(graded, "in_order", "expect_output")
    assert "first line" not in bad["actual"]


# ---- signals -------------------------------------------------------------------------


def test_stop_signal_and_exit_by_signal(tmp_path: Path) -> None:
    spec = """\
    assignment: signal_steps
    title: signals
    programs:
      plain: {ready: {output: ready}}
      handler: {ready: {output: ready}}
    behaviours:
      - id: sigint_handled
        title: SIGINT handler prints and exits 0
        steps:
          - start: handler
          - signal: {program: handler, signal: SIGINT}
          - expect_output: {program: handler, pattern: "caught SIGINT"}
          - expect_exit: {program: handler, code: 0}
      - id: stop_kills
        title: SIGTERM kills a program without a handler
        steps:
          - start: plain
          - expect_exit: {program: plain, running: true, within: 0.2}
          - stop: plain
          - expect_exit: {program: plain, signal: SIGTERM}
      - id: stop_handled
        title: SIGTERM wanted, but it exits 0
        steps:
          - start: handler
          - stop: handler
          - expect_exit: {program: handler, signal: TERM}
      - id: still_running
        title: exit wanted, but it runs on
        steps:
          - start: plain
          - expect_exit: {program: plain, within: 0.5}
      - id: not_running
        title: running wanted, but it was stopped
        steps:
          - start: plain
          - stop: {program: plain, signal: SIGINT}
          - expect_exit: {program: plain, running: true, within: 0.2}
    """
    plain = """\
    import time
    print("ready")
    time.sleep(30)
    """
    handler = """\
    import signal, sys, time
    def bye(num, frame):
        print("caught", signal.Signals(num).name)
        sys.exit(0)
    signal.signal(signal.SIGINT, bye)
    signal.signal(signal.SIGTERM, bye)
    print("ready")
    time.sleep(30)
    """
    graded = grade(tmp_path, spec, plain=plain, handler=handler)
    expect_all(graded, {"sigint_handled", "stop_kills"})
    passed(graded, "sigint_handled")
    assert passed(graded, "stop_kills")[-1]["description"] == "plain is killed by SIGTERM"

    bad = failure(graded, "stop_handled", "expect_exit")
    assert bad["description"] == "handler is killed by SIGTERM"
    assert bad["actual"] == "it exited with code 0"

    bad = failure(graded, "still_running", "expect_exit")
    assert bad["actual"] == ("time limit (wall): still running after 0.5 s (the wait ended "
                             "early: it will not end by itself)")  # quiescence ended the wait
    assert bad["diagnosis"] == "plain is sleeping (sleep(), nanosleep())"

    bad = failure(graded, "not_running", "expect_exit")
    assert bad["expected"] == "still running"
    assert bad["actual"] == "it was killed by SIGINT"  # Python dies of an unhandled SIGINT


def test_a_reset_by_a_dying_program_says_it_exited(tmp_path: Path) -> None:
    # the RST comes as the program's socket closes, before its exit can be seen (here
    # 0.2 s before): the failure still says the program exited, which is what to fix
    spec = """\
    assignment: dying_steps
    title: dying
    programs:
      dies: {role: server}
    behaviours:
      - id: echo
        title: echoes
        steps:
          - start: dies
          - connect: c
          - send: {conn: c, line: "hello"}
          - expect_echo: c
    """
    dies = TCP_SERVER + """\
c, _ = srv.accept()
c.recv(4096)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\\1\\0\\0\\0\\0\\0\\0\\0")
c.close()
srv.close()
time.sleep(0.2)
"""
    graded = grade(tmp_path, spec, dies=dies)
    bad = failure(graded, "echo", "expect_echo")
    assert "reset (RST)" in bad["actual"] and "dies exited with code 0" in bad["actual"]


def test_a_signal_waits_until_the_program_waits(tmp_path: Path) -> None:
    # the program is still busy (running, as right after a print) when its output is
    # seen; the signal must come once it is blocked in pause(), as a person's Ctrl-C
    spec = """\
    assignment: signal_timing
    title: signals
    programs:
      busy: {}
    behaviours:
      - id: after_the_work
        title: the signal comes once the program waits
        steps:
          - start: busy
          - expect_output: {program: busy, pattern: "working"}
          - signal: {program: busy, signal: SIGINT}
          - expect_output: {program: busy, pattern: "while waiting"}
    """
    busy = """\
    import os, signal, time
    waiting = False
    def got(num, frame):
        os.write(1, b"while waiting\\n" if waiting else b"while busy\\n")
    signal.signal(signal.SIGINT, got)
    print("working", flush=True)
    end = time.monotonic() + 0.2
    while time.monotonic() < end:
        pass
    waiting = True
    signal.pause()
    """
    graded = grade(tmp_path, spec, busy=busy)
    expect_all(graded, {"after_the_work"})


# ---- processes -----------------------------------------------------------------------


def test_expect_processes_zombies_children_threads(tmp_path: Path) -> None:
    spec = """\
    assignment: process_steps
    title: processes
    programs:
      forking: {role: server}
      reaping: {role: server}
      threaded: {}
      brief: {}
    behaviours:
      - id: reaps
        title: children are reaped
        steps:
          - start: reaping
          - connect: c
          - send: {conn: c, line: "child echoes"}
          - expect_echo: c
          - expect_processes: {program: reaping, children: {min: 1, max: 1}}
          - shutdown: c
          - expect_eof: c
          - expect_processes:
              program: reaping
              children: {max: 0}
              zombies: {max: 0}
              within: 1
      - id: never_reaps
        title: children are left as zombies
        steps:
          - start: forking
          - connect: c
          - send: {conn: c, line: "child echoes"}
          - expect_echo: c
          - shutdown: c
          - expect_eof: c
          - expect_processes:
              program: forking
              children: {max: 0}
              zombies: {max: 0}
              within: 1
      - id: has_thread
        title: two threads
        steps:
          - start: threaded
          - expect_processes: {program: threaded, threads: {min: 2}}
      - id: no_thread
        title: one thread only
        steps:
          - start: reaping
          - expect_processes: {program: reaping, threads: {min: 2}, within: 0.3}
      - id: exits_meanwhile
        title: one thread, then it ends
        steps:
          - start: brief
          - expect_output: {program: brief, pattern: "one thread"}
          - expect_processes: {program: brief, threads: {min: 2}, within: 20}
    """
    forking = TCP_SERVER + """\
{reap}
while True:
    c, _ = srv.accept()
    if os.fork() == 0:
        srv.close()
        while (d := c.recv(4096)):
            c.sendall(d)
        os._exit(0)
    c.close()
"""
    reap = """\
def reap(*_):
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return
signal.signal(signal.SIGCHLD, reap)
"""
    threaded = """\
    import threading, time
    threading.Thread(target=time.sleep, args=(30,)).start()
    print("two threads")
    time.sleep(30)
    """
    graded = grade(tmp_path, spec, forking=forking.format(reap=""),
                   reaping=forking.format(reap=reap), threaded=threaded,
                   brief="import time\nprint('one thread', flush=True)\ntime.sleep(1)\n")
    expect_all(graded, {"reaps", "has_thread"})
    checks = passed(graded, "reaps")
    assert checks[-1]["description"] == "reaping has no zombie children, " \
                                        "no live children"
    passed(graded, "has_thread")

    bad = failure(graded, "never_reaps", "expect_processes")
    assert bad["actual"].startswith("1 zombie children, 0 live children")
    assert "never reaped with wait()/waitpid()" in bad["actual"]

    bad = failure(graded, "no_thread", "expect_processes")
    assert bad["expected"] == "at least 2 threads"
    assert "1 threads" in bad["actual"] and "never reaped" not in bad["actual"]

    # it ends during the wait (its own sleep(1) ends), and the step says what it had
    # while it ran, not that an ended program has no threads; it stops waiting then
    bad = failure(graded, "exits_meanwhile", "expect_processes")
    assert "1 threads while it ran; then it exited" in bad["actual"]


# ---- sockets -------------------------------------------------------------------------


def test_expect_sockets_time_wait_and_listen(tmp_path: Path) -> None:
    spec = """\
    assignment: socket_steps
    title: sockets
    programs:
      closes_first: {role: server}
    behaviours:
      - id: time_wait
        title: the server closes first
        steps:
          - start: closes_first
          - connect: c
          - expect_data: {conn: c, text: "bye\\n"}
          - expect_eof: c
          - expect_sockets: {port: "{port}", state: FIN_WAIT2}
          - close: c
          - expect_sockets: {port: "{port}", state: TIME_WAIT}
      - id: listen_gone
        title: no listener after stop
        steps:
          - start: closes_first
          - expect_sockets: {state: LISTEN}
          - stop: closes_first
          - expect_sockets: {port: "{port}", state: LISTEN, present: false}
      - id: still_listening
        title: LISTEN absent wanted while it runs
        steps:
          - start: closes_first
          - expect_sockets: {state: LISTEN, present: false, within: 0.3}
      - id: no_time_wait
        title: TIME_WAIT wanted with no connection
        steps:
          - start: closes_first
          - expect_sockets: {state: TIME_WAIT, within: 0.3}
    """
    closes_first = TCP_SERVER + """\
while True:
    c, _ = srv.accept()
    c.sendall(b"bye\\n")
    c.close()
"""
    graded = grade(tmp_path, spec, closes_first=closes_first)
    expect_all(graded, {"time_wait", "listen_gone"})
    assert passed(graded, "time_wait")[-1]["description"] == "a socket on port 9190 is in TIME_WAIT"
    assert passed(graded, "listen_gone")[-1]["description"] == \
        "a socket on port 9190 is not in LISTEN"

    bad = failure(graded, "still_listening", "expect_sockets")
    assert bad["expected"] == "no LISTEN"
    assert bad["actual"] == "sockets on port 9190: LISTEN"

    bad = failure(graded, "no_time_wait", "expect_sockets")
    assert bad["expected"] == "TIME_WAIT"
    assert bad["actual"] == "sockets on port 9190: LISTEN"


# ---- files ---------------------------------------------------------------------------


def test_expect_file(tmp_path: Path) -> None:
    spec = """\
    assignment: file_steps
    title: files
    programs:
      writer: {}
    behaviours:
      - id: right_text
        title: writes out.txt
        steps:
          - start: writer
          - expect_file: {path: out.txt, text: "첫 줄\\nsecond line\\n"}
          - expect_file: {path: out.txt, same_as: expected.txt}
          - expect_file: {path: out.txt, size: 20}
          - expect_file: {path: out.txt, pattern: "(?m)^second line$"}
      - id: wrong_pattern
        title: a line it never writes
        steps:
          - start: writer
          - expect_file: {path: out.txt, pattern: "third line", within: 0.3}
      - id: wrong_text
        title: other text wanted
        steps:
          - start: writer
          - expect_file: {path: out.txt, text: "첫 줄\\nsecond LINE\\n", within: 0.5}
      - id: missing
        title: a file it never writes
        steps:
          - start: writer
          - expect_file: {path: result.txt, text: "anything", within: 0.5}
      - id: wrong_size
        title: other size wanted
        steps:
          - start: writer
          - expect_file: {path: out.txt, size: 5, within: 0.3}
    """
    writer = """\
    with open("out.txt", "w", encoding="utf-8") as f:
        f.write("첫 줄\\nsecond line\\n")
    """
    graded = grade(tmp_path, spec, files={"expected.txt": "첫 줄\nsecond line\n"},
                   writer=writer)
    expect_all(graded, {"right_text"})
    passed(graded, "right_text")
    assert not (tmp_path / "sub" / "out.txt").exists()  # it ran in a copy

    bad = failure(graded, "wrong_text", "expect_file")
    assert bad["description"] == "the file out.txt"
    assert bad["expected"] == "'첫 줄\\nsecond LINE\\n' (20 bytes)"
    assert bad["actual"] == "'첫 줄\\nsecond line\\n' (20 bytes); they differ from byte 15"

    bad = failure(graded, "missing", "expect_file")  # and the file it did make is named
    assert bad["actual"] == "there is no such file (the program made out.txt: is the name right?)"

    bad = failure(graded, "wrong_size", "expect_file")
    assert (bad["expected"], bad["actual"]) == ("5 bytes", "20 bytes")

    bad = failure(graded, "wrong_pattern", "expect_file")
    assert bad["expected"] == "text matching /third line/"
    assert bad["actual"] == "20 bytes, ending with '첫 줄\\nsecond line\\n'"


# ---- packets -------------------------------------------------------------------------


def test_expect_packets_urgent_order_and_rst(tmp_path: Path) -> None:
    spec = """\
    assignment: packet_steps
    title: packets
    programs:
      sink: {role: server}
    behaviours:
      - id: urgent
        title: one urgent byte
        steps:
          - start: sink
          - connect: c
          - send: {conn: c, text: "4", urgent: true}
          - expect_packets:
              conn: c
              rules:
                - some: {from: harness, flags: U, urg_ptr: 1, payload: "4"}
                - none: {from: program, flags: U}
      - id: handshake_order
        title: SYN, SYN-ACK, data, FIN in order
        steps:
          - start: sink
          - connect: c
          - send: {conn: c, line: "data"}
          - close: c
          - expect_packets:
              conn: c
              rules:
                - order:
                    - {from: harness, flags: S}
                    - {from: program, flags: SA}
                    - {from: harness, data: true, payload: "data\\n"}
                    - {from: harness, flags: F}
                    - {from: program, flags: F}
                - none: {flags: R}
      - id: not_urgent
        title: URG wanted on a normal send
        steps:
          - start: sink
          - connect: c
          - send: {conn: c, text: "4"}
          - expect_packets:
              conn: c
              within: 0.3
              rules:
                - some: {from: harness, flags: U}
      - id: wrong_order
        title: FIN before SYN wanted
        steps:
          - start: sink
          - connect: c
          - close: c
          - expect_packets:
              conn: c
              within: 0.3
              rules:
                - order:
                    - {from: harness, flags: F}
                    - {from: harness, flags: S}
      - id: aborted
        title: no RST wanted, but the harness aborts
        steps:
          - start: sink
          - connect: c
          - send: {conn: c, line: "data"}
          - abort: c
          - expect_packets:
              conn: c
              within: 0.3
              rules:
                - none: {flags: R}
    """
    sink = TCP_SERVER + """\
while True:
    c, _ = srv.accept()
    while c.recv(4096):
        pass
    c.close()
"""
    graded = grade(tmp_path, spec, sink=sink)
    expect_all(graded, {"urgent", "handshake_order"})
    # Linux (tcp_stdurg=0, BSD style) points one past the urgent byte: urg_ptr 1
    urgent = passed(graded, "urgent")[-1]
    assert "URG carrying '4' urgent pointer 1 from the harness" in urgent["description"]
    passed(graded, "handshake_order")

    bad = failure(graded, "not_urgent", "expect_packets")
    assert bad["actual"] == "no packet URG from the harness was captured"

    bad = failure(graded, "wrong_order", "expect_packets")
    assert bad["actual"] == "no packet SYN from the harness after FIN from the harness " \
                            "was captured"

    bad = failure(graded, "aborted", "expect_packets")
    assert bad["expected"] == "no packet RST"
    assert bad["actual"].startswith("a packet RST was captured at ")


# ---- quiet connections, refused connections ------------------------------------------


def test_no_eof_nothing_and_refused(tmp_path: Path) -> None:
    spec = """\
    assignment: quiet_steps
    title: quiet
    programs:
      echo: {role: server}
      greeter: {role: server}
      closer: {role: server}
      sleeper: {ready: none}
    behaviours:
      - id: quiet_and_open
        title: an echo server says nothing until spoken to
        steps:
          - start: echo
          - connect: c
          - expect_no_eof: {conn: c, seconds: 0.3}
          - idle: 0.1
          - expect_nothing: {conn: c, seconds: 0.3}
          - send: {conn: c, random: 3000, seed: 7, chunk: 1000, pause: 0.01}
          - expect_echo: c
          - expect_nothing: c
      - id: greets
        title: a greeting matches a pattern
        steps:
          - start: greeter
          - connect: c
          - expect_data: {conn: c, pattern: "^hel+o\\n$"}
      - id: greeting_too_short
        title: 100 bytes wanted
        steps:
          - start: greeter
          - connect: c
          - expect_data: {conn: c, size: 100, within: 0.5}
      - id: refused
        title: nobody listens
        steps:
          - start: sleeper
          - connect: {conn: c, refused: true}
      - id: closes
        title: open wanted, but it closes
        steps:
          - start: closer
          - connect: c
          - expect_no_eof: {conn: c, seconds: 1}
      - id: talks
        title: silence wanted, but it greets
        steps:
          - start: greeter
          - connect: c
          - expect_nothing: {conn: c, seconds: 1}
      - id: accepted
        title: refusal wanted, but it listens
        steps:
          - start: echo
          - connect: {conn: c, refused: true}
      - id: cannot_connect
        title: connect to nobody
        steps:
          - start: sleeper
          - connect: c
    """
    greeter = TCP_SERVER + """\
while True:
    c, _ = srv.accept()
    c.sendall(b"hello\\n")
    c.recv(100)
"""
    closer = TCP_SERVER + """\
while True:
    srv.accept()[0].close()
"""
    sleeper = """\
    import time
    time.sleep(30)
    """
    graded = grade(tmp_path, spec, echo=TCP_SERVER + ECHO_LOOP, greeter=greeter, closer=closer,
                   sleeper=sleeper)
    expect_all(graded, {"quiet_and_open", "refused", "greets"})
    assert "echo on c (3000 bytes)" in [c["description"] for c in passed(graded, "quiet_and_open")]
    assert passed(graded, "greets")[-1]["description"] == "data matching /^hel+o\n$/ on c"

    bad = failure(graded, "greeting_too_short", "expect_data")
    assert (bad["expected"], bad["actual"]) == ("100 bytes", (
        "got 'hello\\n' within 0.5 s (the wait ended early: it has nothing more to send)"))
    assert bad["diagnosis"] == ("greeter is blocked in recvfrom() on descriptor 4, the "
                                 "socket of c")
    assert passed(graded, "refused")[-1]["description"] == "connecting to port 9190 is refused"

    bad = failure(graded, "closes", "expect_no_eof")
    assert bad["actual"] == "the program closed (EOF) the connection"

    bad = failure(graded, "talks", "expect_nothing")
    assert bad["actual"] == "got 'hello\\n'"

    bad = failure(graded, "accepted", "connect")
    assert bad["actual"] == "the connection was accepted"

    bad = failure(graded, "cannot_connect", "connect")
    assert bad["actual"].startswith("could not connect to port 9190: Connection refused")


# ---- repeat and hints ----------------------------------------------------------------


def test_repeat_counts_from_1_and_behaviour_hint(tmp_path: Path) -> None:
    spec = """\
    assignment: repeat_steps
    title: repeat
    programs:
      logger: {role: server}
      once: {role: server}
    behaviours:
      - id: three_rounds
        title: three numbered lines
        steps:
          - start: logger
          - connect: c
          - repeat:
              times: 3
              steps:
                - send: {conn: c, line: "message {i}"}
                - expect_echo: c
                - expect_output: {program: logger, pattern: "got message {i}$"}
      - id: clients_by_number
        title: a connection per round
        steps:
          - start: logger
          - repeat:
              times: 2
              steps:
                - connect: "c{i}"
                - send: {conn: "c{i}", line: "client {i}"}
                - expect_echo: "c{i}"
                - close: "c{i}"
      - id: second_round_fails
        title: only the first read is echoed
        hint: BEHAVIOUR HINT
        steps:
          - start: once
          - connect: c
          - repeat:
              times: 3
              steps:
                - send: {conn: c, line: "message {i}"}
                - expect_echo: {conn: c, within: 0.5}
      - id: step_hint_wins
        title: the step's own hint is kept
        hint: BEHAVIOUR HINT
        steps:
          - start: once
          - connect: c
          - repeat:
              times: 2
              steps:
                - send: {conn: c, line: "message {i}"}
                - expect_echo: {conn: c, within: 0.5, hint: STEP HINT}
      - id: hint_not_for_what_was_seen
        title: a hint for a server blocked on its client, shown to one back in accept()
        hint: BEHAVIOUR HINT
        hint_for: [waiting_connection, waiting_select]
        steps:
          - start: once
          - connect: c
          - repeat:
              times: 2
              steps:
                - send: {conn: c, line: "message {i}"}
                - expect_echo: {conn: c, within: 0.5}
      - id: hint_for_what_was_seen
        title: the step's hints, one for what was seen, one not
        steps:
          - start: once
          - connect: c
          - send: {conn: c, line: "message 1"}
          - expect_echo: {conn: c, within: 0.5, hint: NOT SHOWN, hint_not_for: [unread]}
          - send: {conn: c, line: "message 2"}
          - expect_echo: {conn: c, within: 0.5, hint: SHOWN, hint_for: [waiting_accept],
                          hint_not_for: [spinning, unflushed]}
    """
    logger = TCP_SERVER + """\
while True:
    c, _ = srv.accept()
    f = c.makefile("rb")
    for line in f:
        print("got", line.decode().strip())
        c.sendall(line)
    c.close()
"""
    once = TCP_SERVER + """\
while True:
    c, _ = srv.accept()
    c.sendall(c.recv(4096))
    c.recv(4096)
"""
    graded = grade(tmp_path, spec, logger=logger, once=once)
    expect_all(graded, {"three_rounds", "clients_by_number"})
    checks = passed(graded, "three_rounds")
    outputs = [c["description"] for c in checks if c["step"] == "expect_output"]
    assert outputs == [f"logger prints /got message {i}$/ on stdout" for i in (1, 2, 3)]
    echoes = [c["description"] for c in passed(graded, "clients_by_number")
              if c["step"] == "expect_echo"]
    assert echoes == ["echo on c1 (9 bytes)", "echo on c2 (9 bytes)"]

    bad = failure(graded, "second_round_fails", "expect_echo")
    assert bad["expected"] == "'message 2\\n'"
    assert bad["actual"] == ("nothing came back within 0.5 s (the wait ended early: it has "
                             "nothing more to send)")
    assert bad["diagnosis"] == ("once is blocked in accept() on descriptor 3, its listening "
                                 "socket (port 9190)")
    assert bad["hint"] == "BEHAVIOUR HINT"
    assert "BEHAVIOUR HINT" in graded.out  # shown to the student

    assert failure(graded, "step_hint_wins", "expect_echo")["hint"] == "STEP HINT"
    # what the program was doing, said first; a hint it contradicts is withheld
    assert bad["diagnosis"].startswith("once is blocked in accept() on descriptor ")
    assert bad["diagnosis"].endswith(", its listening socket (port 9190)")
    assert failure(graded, "hint_not_for_what_was_seen", "expect_echo")["hint"] == ""
    assert failure(graded, "hint_for_what_was_seen", "expect_echo")["hint"] == "SHOWN"
    assert "NOT SHOWN" not in graded.out


# ---- values checked when the spec is read ---------------------------------------------


def test_bad_regex_and_hex_are_spec_errors(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(textwrap.dedent("""\
    assignment: bad_values
    title: bad values
    programs:
      echo: {role: server}
    behaviours:
      - id: bad_regex
        title: bad regex
        steps:
          - start: echo
          - connect: c
          - expect_data: {conn: c, pattern: "hello("}
      - id: bad_hex
        title: bad hex
        steps:
          - start: echo
          - connect: c
          - send: {conn: c, hex: "zz"}
    """))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "echo.py").write_text(TCP_SERVER + ECHO_LOOP)
    graded = sockgrade(tmp_path, str(tmp_path / "sub"), str(spec))
    assert graded.code == 2, graded.out
    assert "Traceback" not in graded.out + graded.err
    assert f"{spec}:11: " in graded.err and "not a valid regular expression" in graded.err
    assert f"{spec}:17: " in graded.err and "'zz' is not hex bytes" in graded.err


# ---- known harness bugs (xfail strict: remove the mark once fixed) --------------------

KNOWN_BUGS_SPEC = """\
assignment: known_bugs
title: harness bugs, one behaviour each
programs:
  echo: {role: server}
  twolines: {role: server}
  closer: {role: server}
  euckr: {}
  sleeper: {ready: {output: up}}
  udp_client: {role: client}
  udp_client2: {role: client}
behaviours:
  - id: placeholders_in_expect_data
    title: "{i} and {port} in expect_data text"
    steps:
      - start: echo
      - connect: c
      - repeat:
          times: 2
          steps:
            - send: {conn: c, line: "message {i} to {port}"}
            - expect_data: {conn: c, text: "message {i} to {port}\\n", within: 0.5}
  - id: instance_name_in_repeat
    title: "start: {name: s{i}} in a repeat"
    steps:
      - repeat:
          times: 2
          steps:
            - start: {program: sleeper, name: "s{i}"}
            - expect_exit: {program: "s{i}", running: true, within: 0.1}
  - id: udp_listener_second_client
    title: one UDP listener, two clients in turn
    steps:
      - listen: {listener: U, proto: udp}
      - start: udp_client
      - accept: {listener: U, conn: u1}
      - send: {conn: u1, text: one}
      - expect_output: {program: udp_client, pattern: "reply: one"}
      - start: udp_client2
      - accept: {listener: U, conn: u2, within: 1}
      - send: {conn: u2, text: two}
      - expect_output: {program: udp_client2, pattern: "reply: two"}
  - id: time_wait_of_the_harness
    title: the harness closes first, so the server has no TIME_WAIT
    steps:
      - start: echo
      - connect: c
      - send: {conn: c, line: x}
      - expect_echo: c
      - close: c
      - expect_sockets: {port: "{port}", state: TIME_WAIT, present: false, within: 0.3}
  - id: two_lines_in_one_segment
    title: two expect_data steps, both lines arrived together
    steps:
      - start: twolines
      - connect: c
      - expect_data: {conn: c, text: "hello\\n", within: 0.5}
      - expect_data: {conn: c, text: "world\\n", within: 0.5}
  - id: output_after_non_utf8
    title: a line of EUC-KR, then a line of ASCII
    steps:
      - start: euckr
      - expect_output: {program: euckr, pattern: first}
      - expect_output: {program: euckr, pattern: second, within: 0.5}
  - id: no_eof_wording
    title: open for 1 s wanted
    steps:
      - start: closer
      - connect: c
      - expect_no_eof: {conn: c, seconds: 1}
  - id: nothing_wording
    title: silence for 1 s wanted
    steps:
      - start: twolines
      - connect: c
      - expect_nothing: {conn: c, seconds: 1}
"""


@pytest.fixture(scope="module")
def known_bugs(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    """KNOWN_BUGS_SPEC graded once per session, shared by pytest-xdist workers."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this session's directory, common to its workers
    here = root / "test_steps_known_bugs"
    with open(root / "test_steps_known_bugs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cache = here / "graded.json"
        if cache.exists():
            return Graded(**json.loads(cache.read_text()))
        shutil.rmtree(here, ignore_errors=True)  # a worker's failed attempt
        here.mkdir()
        graded = grade(
            here, KNOWN_BUGS_SPEC,
            echo=TCP_SERVER + ECHO_LOOP,
            twolines=TCP_SERVER + "while True:\n    c, _ = srv.accept()\n"
                                  "    c.sendall(b'hello\\nworld\\n')\n    c.recv(100)\n",
            closer=TCP_SERVER + "while True:\n    srv.accept()[0].close()\n",
            euckr="""\
            import sys, time
            sys.stdout.buffer.write("가나다 first\\n".encode("euc-kr") + b"second\\n")
            sys.stdout.flush()
            time.sleep(30)
            """,
            sleeper="import time\nprint('up')\ntime.sleep(30)\n",
            udp_client=UDP_CLIENT, udp_client2=UDP_CLIENT,
        )
        cache.write_text(json.dumps(dataclasses.asdict(graded)))
        return graded


def test_bug_placeholders_in_expect_data_text(known_bugs: Graded) -> None:
    passed(known_bugs, "placeholders_in_expect_data")


def test_bug_instance_name_with_placeholder(known_bugs: Graded) -> None:
    passed(known_bugs, "instance_name_in_repeat")


def test_bug_udp_listener_accepts_only_once(known_bugs: Graded) -> None:
    passed(known_bugs, "udp_listener_second_client")


def test_bug_time_wait_of_the_harness_counts_as_the_servers(known_bugs: Graded) -> None:
    passed(known_bugs, "time_wait_of_the_harness")


def test_bug_expect_data_text_swallows_what_follows(known_bugs: Graded) -> None:
    passed(known_bugs, "two_lines_in_one_segment")


def test_bug_output_mark_after_non_utf8_output(known_bugs: Graded) -> None:
    passed(known_bugs, "output_after_non_utf8")


def test_bug_quiet_checks_describe_elapsed_not_requested_time(known_bugs: Graded) -> None:
    assert failure(known_bugs, "no_eof_wording", "expect_no_eof")["description"] == \
        "the connection c stays open for 1 s"
    assert failure(known_bugs, "nothing_wording", "expect_nothing")["description"] == \
        "no data arrives on c for 1 s"


# ---- datagrams whole, and a datagram from a foreign address ---------------------------


def test_expect_datagram_and_a_foreign_sender(tmp_path: Path) -> None:
    spec = """\
    assignment: datagram_steps
    title: datagrams
    programs:
      udp_echo: {role: server}
      udp_short: {role: server}
      tcp_echo: {role: server}
      connected: {role: client}
      unconnected: {role: client}
      burst: {role: client}
    behaviours:
      - id: whole
        title: three datagrams come back as three
        steps:
          - start: udp_echo
          - connect: {conn: u, proto: udp}
          - send: {conn: u, text: "one"}
          - send: {conn: u, text: "two"}
          - send: {conn: u, hex: "00 ff"}
          - expect_datagram: {conn: u, text: "one"}
          - expect_datagram: {conn: u, pattern: "tw."}
          - expect_datagram: {conn: u, hex: "00 ff"}
          - expect_nothing: {conn: u, seconds: 0.2}
      - id: cut_short
        title: a 5-byte receive buffer
        steps:
          - start: udp_short
          - connect: {conn: u, proto: udp}
          - send: {conn: u, text: "a long datagram"}
          - expect_datagram: {conn: u, text: "a long datagram"}
      - id: none_left
        title: one datagram is not two
        steps:
          - start: udp_echo
          - connect: {conn: u, proto: udp}
          - send: {conn: u, text: "onetwo"}
          - expect_datagram: {conn: u, text: "one"}
      - id: datagram_on_tcp
        title: a TCP connection has no datagrams
        steps:
          - start: tcp_echo
          - connect: c
          - send: {conn: c, text: "x"}
          - expect_datagram: {conn: c, text: "x"}
      - id: connected_ignores_a_stranger
        title: a connected UDP client hears only its server
        steps:
          - listen: {listener: U, proto: udp}
          - start: connected
          - accept: {listener: U, conn: u}
          - send: {conn: u, text: "spoofed", foreign: true}
          - send: {conn: u, text: "real"}
          - expect_output: {program: connected, pattern: "got: real"}
      - id: unconnected_hears_a_stranger
        title: an unconnected client takes the stranger's datagram
        steps:
          - listen: {listener: U, proto: udp}
          - start: unconnected
          - accept: {listener: U, conn: u}
          - send: {conn: u, text: "spoofed", foreign: true}
          - send: {conn: u, text: "real"}
          - expect_output: {program: unconnected, pattern: "got: real", within: 1}
      - id: foreign_on_tcp
        title: foreign is for UDP
        steps:
          - start: tcp_echo
          - connect: c
          - send: {conn: c, text: "x", foreign: true}
      - id: burst_before_accept
        title: three datagrams sent at once reach the harness's listener
        steps:
          - listen: {listener: U, proto: udp}
          - start: burst
          - accept: {listener: U, conn: u}
          - expect_datagram: {conn: u, text: "1"}
          - expect_datagram: {conn: u, text: "22"}
          - expect_datagram: {conn: u, text: "333"}
      - id: no_second_datagram
        title: one datagram sent, two expected
        steps:
          - start: udp_echo
          - connect: {conn: u, proto: udp}
          - send: {conn: u, text: "x"}
          - expect_datagram: {conn: u, text: "x"}
          - expect_datagram: {conn: u, text: "y", within: 0.3}
    """
    server = """\
    import socket, sys
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", int(sys.argv[1])))
    while True:
        data, addr = s.recvfrom({size})
        s.sendto(data, addr)
    """
    client = """\
    import socket, sys
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    {how}
    s.sendto(b"ping", (sys.argv[1], int(sys.argv[2])))
    print("got:", s.recv(100).decode(), flush=True)
    """
    graded = grade(tmp_path, spec, udp_echo=server.format(size=65536),
                   udp_short=server.format(size=5),
                   connected=client.format(how="s.connect((sys.argv[1], int(sys.argv[2])))"),
                   unconnected=client.format(how="pass"), tcp_echo=TCP_SERVER + ECHO_LOOP,
                   burst="""\
                   import socket, sys
                   s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                   for m in (b"1", b"22", b"333"):
                       s.sendto(m, (sys.argv[1], int(sys.argv[2])))
                   """)
    expect_all(graded, {"whole", "connected_ignores_a_stranger", "burst_before_accept"})
    assert [c["step"] for c in passed(graded, "whole")][-4:] == [
        "expect_datagram", "expect_datagram", "expect_datagram", "expect_nothing"]
    assert "first 5 of 15 bytes" in failure(graded, "cut_short", "expect_datagram")["actual"]
    assert "two messages went out as one datagram" in failure(
        graded, "none_left", "expect_datagram")["actual"]
    assert "got: spoofed" in failure(graded, "unconnected_hears_a_stranger",
                                     "expect_output")["actual"]
    assert "TCP carries a stream" in failure(graded, "datagram_on_tcp",
                                             "expect_datagram")["actual"]
    assert "`foreign` sends a UDP datagram" in failure(graded, "foreign_on_tcp",
                                                       "send")["actual"]
    assert failure(graded, "no_second_datagram", "expect_datagram")["actual"] == (
        "no datagram arrived within 0.3 s (after the 1 datagram(s) checked before) (the wait "
        "ended early: it has nothing more to send)")
    assert failure(graded, "no_second_datagram", "expect_datagram")["diagnosis"] == (
        "udp_echo is blocked in recvfrom() on descriptor 3, the socket of u")


# ---- socket options: what the kernel says, as a variable --------------------------


def test_socket_option_keeps_what_the_kernel_reports(tmp_path: Path) -> None:
    spec = """\
    assignment: sockopt_steps
    title: socket options
    programs:
      reporter: {role: program}
      asked: {role: program}
    behaviours:
      - id: agrees
        title: the program prints what the kernel made of 5000
        steps:
          - socket_option: {var: snd, option: SO_SNDBUF, set: 5000}
          - socket_option: {var: kind, proto: udp, option: SO_TYPE}
          - start: reporter
          - expect_output: {program: reporter, pattern: "sndbuf={snd} type={kind}$"}
      - id: prints_the_request
        title: the program prints what it asked for
        steps:
          - socket_option: {var: snd, option: SO_SNDBUF, set: 5000}
          - start: asked
          - expect_output:
              program: asked
              pattern: "sndbuf={snd}"
              within: 1
              hint: "the kernel says {snd}; {unknown} stays"
      - id: no_such_option
        title: TCP_NODELAY of a UDP socket
        steps:
          - socket_option: {var: x, proto: udp, option: TCP_NODELAY}
    """
    reporter = """\
    import socket
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 5000)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    print("sndbuf=%d type=%d" % (s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF),
                                 u.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)))
    """
    graded = grade(tmp_path, spec, reporter=reporter, asked="print('sndbuf=5000')\n")
    expect_all(graded, {"agrees"})
    assert [c["step"] for c in passed(graded, "agrees")] == [
        "socket_option", "socket_option", "expect_output"]
    bad = failure(graded, "prints_the_request", "expect_output")
    number = bad["hint"].removeprefix("the kernel says ").split(";")[0]
    assert number.isdigit() and number != "5000", bad["hint"]  # Linux doubles it
    assert bad["hint"].endswith("{unknown} stays")
    assert failure(graded, "no_such_option", "socket_option")["actual"]


# ---- epoll ---------------------------------------------------------------------------

def test_expect_epoll_reads_how_connections_are_registered(tmp_path: Path) -> None:
    spec = """\
    assignment: epoll_steps
    title: epoll
    programs:
      edge: {role: server}
      level: {role: server}
      plain: {role: server}
    behaviours:
      - id: edge_is_edge
        title: an edge-triggered server
        steps:
          - start: edge
          - connect: c
          - send: {conn: c, line: "hi"}
          - expect_echo: c
          - expect_epoll: edge
      - id: level_is_not_edge
        title: a level-triggered server is not edge-triggered
        steps:
          - start: level
          - connect: c
          - send: {conn: c, line: "hi"}
          - expect_echo: c
          - expect_epoll: {program: level, within: 0.3, hint: "add EPOLLET"}
      - id: level_is_level
        title: ... but level-triggered
        steps:
          - start: level
          - connect: c
          - send: {conn: c, line: "hi"}
          - expect_echo: c
          - expect_epoll: {program: level, edge_triggered: false}
      - id: no_epoll
        title: a server without epoll
        steps:
          - start: plain
          - connect: c
          - expect_epoll: {program: plain, within: 0.3}
    """
    epoll_server = TCP_SERVER + """\
import select
ep = select.epoll()
ep.register(srv.fileno(), select.EPOLLIN)  # the listener level-triggered, as the book does
conns = {{}}
while True:
    for fd, _ in ep.poll():
        if fd == srv.fileno():
            c, _ = srv.accept()
            conns[c.fileno()] = c
            ep.register(c.fileno(), select.EPOLLIN{flag})
        elif (d := conns[fd].recv(4096)):
            conns[fd].sendall(d)
        else:
            ep.unregister(fd)
            conns.pop(fd).close()
"""
    graded = grade(tmp_path, spec, edge=epoll_server.format(flag=" | select.EPOLLET"),
                   level=epoll_server.format(flag=""), plain=TCP_SERVER + ECHO_LOOP)
    expect_all(graded, {"edge_is_edge", "level_is_level"})
    assert passed(graded, "edge_is_edge")[-1]["description"] == \
        "edge watches its connections with epoll, edge-triggered (EPOLLET)"
    bad = failure(graded, "level_is_not_edge", "expect_epoll")
    assert "is registered without EPOLLET (events 0x" in bad["actual"]
    assert bad["hint"] == "add EPOLLET"
    bad = failure(graded, "no_epoll", "expect_epoll")
    assert bad["actual"] == "plain has no epoll instance watching anything"


def test_no_acks_for_shows_nagle_on_the_wire(tmp_path: Path) -> None:
    spec = """\
    assignment: nagle_steps
    title: Nagle
    programs:
      nodelay: {role: server}
      nagle: {role: server}
    behaviours:
      - id: nodelay
        title: three one-byte writes with TCP_NODELAY
        steps:
          - start: nodelay
          - connect: {conn: c, no_acks_for: 0.3}
          - expect_data: {conn: c, text: "abc", within: 5}
          - expect_packets: &three
              conn: c
              rules:
                - order:
                    - {from: program, payload: "a"}
                    - {from: program, payload: "b"}
                    - {from: program, payload: "c"}
      - id: nagle
        title: the same with Nagle on
        steps:
          - start: nagle
          - connect: {conn: c, no_acks_for: 0.3}
          - expect_data: {conn: c, text: "abc", within: 5}
          - expect_packets: *three
    """
    server = TCP_SERVER + textwrap.dedent("""\
    while True:
        c, _ = srv.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, {on})
        for b in (b"a", b"b", b"c"):
            c.send(b)
        c.close()
    """)
    graded = grade(tmp_path, spec, nodelay=server.format(on=1), nagle=server.format(on=0))
    expect_all(graded, {"nodelay"})
    assert "no packet carrying 'b' from the program after carrying 'a'" in failure(
        graded, "nagle", "expect_packets")["actual"]


def test_a_program_sees_the_specs_hosts_file(tmp_path: Path) -> None:
    spec = """\
    assignment: hosts_steps
    title: a name table of the spec's
    programs:
      lookup:
        args: ["box.sockgrade.test"]
        hosts: |
          10.9.8.7  box.sockgrade.test  box
      plain: {role: program}
    behaviours:
      - id: own_table
        title: the name resolves as the spec's /etc/hosts says
        steps:
          - start: lookup
          - expect_output: {program: lookup, pattern: "box.sockgrade.test .'box'. .'10.9.8.7'."}
      - id: others_see_the_machines
        title: a program without `hosts` does not
        steps:
          - start: plain
          - expect_output: {program: plain, pattern: "not found"}
    """
    lookup = """\
    import socket, sys
    try:
        name, aliases, addrs = socket.gethostbyname_ex(sys.argv[1] if len(sys.argv) > 1
                                                       else "box.sockgrade.test")
        print(name, aliases, addrs)
    except OSError:
        print("not found")
    """
    graded = grade(tmp_path, spec, lookup=lookup, plain=lookup)
    expect_all(graded, {"own_table", "others_see_the_machines"})


# ---- UDP broadcast ---------------------------------------------------------------------

def test_udp_broadcast_both_ways(tmp_path: Path) -> None:
    spec = """\
    assignment: broadcast_steps
    title: broadcast
    programs:
      sender: {role: client, args: ["127.255.255.255", "{port}"]}
      receiver: {role: server}
      loopback_only: {role: server}
    behaviours:
      - id: hears_every_broadcast
        title: the listener's connection gets every datagram sent to the broadcast address
        steps:
          - listen: {listener: srv, proto: udp}
          - start: sender
          - accept: {listener: srv, conn: b}
          - expect_data: {conn: b, text: "one\\ntwo\\nthree\\n"}
      - id: broadcasts_to_any
        title: the harness broadcasts to a receiver bound to INADDR_ANY
        steps:
          - start: receiver
          - connect: {conn: b, proto: udp, host: 127.255.255.255}
          - send: {conn: b, line: "to everyone"}
          - expect_output: {program: receiver, pattern: "got to everyone"}
      - id: not_to_loopback_only
        title: ... and not to one bound to 127.0.0.1
        steps:
          - start: loopback_only
          - connect: {conn: b, proto: udp, host: 127.255.255.255}
          - send: {conn: b, line: "to everyone"}
          - expect_output: {program: loopback_only, pattern: "got", within: 0.5}
    """
    sender = """\
    import socket, sys, time
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    for word in ("one", "two", "three"):
        s.sendto(word.encode() + b"\\n", (sys.argv[1], int(sys.argv[2])))
        time.sleep(0.2)
    """
    receiver = """\
    import socket, sys
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(({host!r}, int(sys.argv[1])))
    print("got", s.recv(100).decode(), flush=True)
    """
    graded = grade(tmp_path, spec, sender=sender, receiver=receiver.format(host=""),
                   loopback_only=receiver.format(host="127.0.0.1"))
    expect_all(graded, {"hears_every_broadcast", "broadcasts_to_any"})
    assert failure(graded, "not_to_loopback_only", "expect_output")


# ---- UDP multicast ---------------------------------------------------------------------

def test_udp_multicast_both_ways(tmp_path: Path) -> None:
    spec = """\
    assignment: multicast_steps
    title: multicast
    programs:
      sender: {role: client, args: ["224.1.1.2", "{port}"]}
      member: {role: server, args: ["224.1.1.2", "{port}"]}
      late_member: {role: server, args: ["224.1.1.2", "{port}", "late"]}
      not_member: {role: server, args: ["0.0.0.0", "{port}"]}
    behaviours:
      - id: a_joined_listener_hears_the_group
        title: the harness joins the group and hears every datagram sent to it
        steps:
          - listen: {listener: srv, proto: udp, group: 224.1.1.2}
          - start: sender
          - accept: {listener: srv, conn: g}
          - expect_data: {conn: g, text: "one\\ntwo\\n"}
      - id: the_harness_sends_to_members
        title: a program that joined the group gets what the harness sends to it
        steps:
          - start: member
          - connect: {conn: g, proto: udp, host: 224.1.1.2}
          - send: {conn: g, line: "to the group"}
          - expect_output: {program: member, pattern: "got to the group"}
      - id: a_member_that_joins_late_gets_it_too
        title: the harness sends once the program joined (it binds first, which is "ready")
        steps:
          - start: late_member
          - connect: {conn: g, proto: udp, host: 224.1.1.2}
          - send: {conn: g, line: "to the group"}
          - expect_output: {program: late_member, pattern: "got to the group"}
      - id: not_to_others
        title: ... and one that did not join gets nothing
        steps:
          - start: not_member
          - connect: {conn: g, proto: udp, host: 224.1.1.2}
          - send: {conn: g, line: "to the group"}
          - expect_output: {program: not_member, pattern: "got", within: 0.5}
    """
    sender = """\
    import socket, sys, time
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for word in ("one", "two"):
        s.sendto(word.encode() + b"\\n", (sys.argv[1], int(sys.argv[2])))
        time.sleep(0.2)
    """
    member = """\
    import socket, struct, sys, time
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", int(sys.argv[2])))
    if sys.argv[3:]:  # as a loaded machine may make any program: slow between the two
        time.sleep(1)
    if sys.argv[1] != "0.0.0.0":
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack(
            "4s4s", socket.inet_aton(sys.argv[1]), socket.inet_aton("0.0.0.0")))
    print("got", s.recv(100).decode(), flush=True)
    """
    graded = grade(tmp_path, spec, sender=sender, member=member, late_member=member,
                   not_member=member)
    expect_all(graded, {"a_joined_listener_hears_the_group", "the_harness_sends_to_members",
                        "a_member_that_joins_late_gets_it_too"})
    assert failure(graded, "not_to_others", "expect_output")


# ---- System V IPC left behind ----------------------------------------------------------

IPC_PROGRAM = """\
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT, IPC_RMID = 0o1000, 0
shm = libc.shmget(1234, 4096, IPC_CREAT | 0o600)
sem = libc.semget(1234, 1, IPC_CREAT | 0o600)
msg = libc.msgget(1234, IPC_CREAT | 0o600)
assert min(shm, sem, msg) >= 0
keep = sys.argv[1:]
if "shm" not in keep:
    libc.shmctl(shm, IPC_RMID, None)
if "sem" not in keep:
    libc.semctl(sem, 0, IPC_RMID)
if "msg" not in keep:
    libc.msgctl(msg, IPC_RMID, None)
"""


def test_expect_ipc_counts_what_an_ended_program_left(tmp_path: Path) -> None:
    spec = """\
    assignment: ipc_steps
    title: System V objects left behind
    programs:
      ipc: {role: program}
    behaviours:
      - id: removes_all
        title: everything removed (the shorthand means none of any kind)
        steps:
          - start: ipc
          - expect_ipc: ipc
      - id: keeps_shm_and_msg
        title: a segment and a queue are left
        steps:
          - start: {program: ipc, args: [shm, msg]}
          - expect_ipc: {program: ipc, shm: {max: 1}, msg: {min: 1, max: 1}, sem: {max: 0}}
          - expect_ipc: ipc
      - id: own_namespace_each
        title: a second start does not see what the first left
        steps:
          - start: {program: ipc, name: first, args: [sem]}
          - start: {program: ipc, name: second}
          - expect_ipc: second
          - expect_ipc: {program: first, sem: {max: 0}}
    """
    graded = grade(tmp_path, spec, ipc=IPC_PROGRAM)
    expect_all(graded, {"removes_all"})
    bad = failure(graded, "keeps_shm_and_msg", "expect_ipc")
    # only what breaks the bounds is named, with the call that removes it
    assert "shared memory segments: 1" in bad["actual"], bad
    assert "message queues: 1" in bad["actual"], bad
    assert "semaphore" not in bad["actual"], bad
    assert "shmctl(id, IPC_RMID, NULL)" in bad["actual"], bad
    assert "msgctl(id, IPC_RMID, NULL)" in bad["actual"], bad
    bad = failure(graded, "own_namespace_each", "expect_ipc")
    assert "semaphore sets: 1" in bad["actual"] and "shared" not in bad["actual"], bad
    assert bad["description"].startswith("first "), bad


# ---- a wrong byte is judged at once ---------------------------------------------------


def test_a_wrong_byte_fails_without_waiting_out_the_time(tmp_path: Path) -> None:
    """The server answers with a wrong first byte and keeps the connection open: the
    verdict is known at that byte, so expect_echo and expect_data do not wait out their
    400 s (longer than this test's 300 s limit on the grading, so waiting fails it)."""
    spec = """\
    assignment: wrong_byte
    title: a wrong byte
    programs:
      mangler: {role: server}
    behaviours:
      - id: echo
        title: a mangled echo
        steps:
          - start: mangler
          - connect: c
          - send: {conn: c, line: "hello, world"}
          - expect_echo: {conn: c, within: 400}
      - id: data
        title: a mangled reply
        steps:
          - start: mangler
          - connect: c
          - send: {conn: c, line: "hello, world"}
          - expect_data: {conn: c, text: "hello, world and more to come\\n", within: 400}
    """
    mangler = TCP_SERVER + """\
while True:
    c, _ = srv.accept()
    d = c.recv(4096)
    c.sendall(b"J" + d[1:5])  # a wrong first byte, then a few right ones; no close
    keep = c
"""
    graded = grade(tmp_path, spec, mangler=mangler)
    for bid, step in (("echo", "expect_echo"), ("data", "expect_data")):
        check = failure(graded, bid, step)
        assert "differ from byte 0" in check["actual"], check


def test_a_server_that_dies_before_listening_says_how_and_what_it_printed(
        tmp_path: Path) -> None:
    """'it was killed by SIGSEGV' (not 'it killed by'), and its last words, printed just
    before it died, are in the message although the pty is read by another thread."""
    spec = """\
    assignment: dies_early
    title: dies before listening
    programs:
      crasher: {role: server}
      usage: {role: server}
    behaviours:
      - id: crash
        title: crashes
        steps:
          - start: crasher
      - id: usage
        title: prints its usage and exits
        steps:
          - start: usage
    """
    graded = grade(tmp_path, spec,
                   crasher="import os, signal\nprint('segfaulting now', flush=True)\n"
                           "os.kill(os.getpid(), signal.SIGSEGV)\n",
                   usage="import sys\nprint('Usage : usage <port>')\nsys.exit(1)\n")
    crash = failure(graded, "crash", "start")["actual"]
    assert crash.startswith("it was killed by SIGSEGV before listening on port"), crash
    assert "segfaulting now" in crash, crash
    usage = failure(graded, "usage", "start")["actual"]
    assert usage.startswith("it exited with code 1 before listening"), usage
    assert "Usage : usage <port>" in usage, usage
