"""A program's TCP socket's received-bytes counter, read through a duplicate of its
descriptor: what lets quiescence tell bytes that arrived (their ACK merely delayed) from
bytes still in flight."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from harness.run import quiet
from harness.sandbox import procs, procwatch

CHILD = """
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(s.fileno(), flush=True)
sys.stdin.readline()
got = b""
s.setblocking(False)
try:
    while True:
        more = s.recv(65536)
        if not more:
            break
        got += more
except BlockingIOError:
    pass
print(len(got), flush=True)
"""


@pytest.fixture
def connected() -> Iterator[tuple[subprocess.Popen[str], int, socket.socket]]:
    """A child process connected to us: (it, its socket's fd, our end)."""
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(lst.getsockname()[1])],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        ours, _ = lst.accept()
    try:
        fd = int(child.stdout.readline())
        yield child, fd, ours
    finally:
        ours.close()
        child.kill()
        child.wait()


def test_what_a_program_received_counts_and_it_still_reads_it(
        connected: tuple[subprocess.Popen[str], int, socket.socket]) -> None:
    child, fd, ours = connected
    assert procwatch.received(child.pid, fd) == 0
    ours.sendall(b"x" * 1000)
    assert procs.wait_for(lambda: procwatch.received(child.pid, fd) == 1000, 10)
    assert procwatch.received(child.pid, 0) is None  # its stdin: a pipe, not a socket
    # the look took nothing: the program reads all 1000 bytes itself
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("go\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "1000"


def test_no_such_process_is_none() -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    assert procwatch.received(int(done.stdout), 3) is None


def test_bytes_the_program_received_are_no_longer_in_flight(
        connected: tuple[subprocess.Popen[str], int, socket.socket]) -> None:
    child, _fd, ours = connected
    ours.sendall(b"y" * 300)
    conn = SimpleNamespace(name="c1", sock=ours, proto="tcp", sent=bytearray(b"y" * 300),
                           local_port=ours.getsockname()[1], remote_port=ours.getpeername()[1])

    def arrived() -> bool:
        procs = [p for p in [procwatch.sample_process(child.pid, "child", {}, False)] if p]
        return quiet._arrived_all(conn, procs, procwatch.socket_queues())  # type: ignore[arg-type]

    assert procs.wait_for(arrived, 10)
    conn.sent += b"z"  # one byte more than its socket has had: not all arrived
    assert not arrived()


def test_bytes_held_for_a_connection_not_yet_accepted_have_arrived() -> None:
    """No process holds a connection still in the listening socket's queue, so nothing
    has read from it: its unread bytes are all it has received."""
    with socket.socket() as lst, socket.socket() as ours:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        ours.connect(lst.getsockname())
        ours.sendall(b"q" * 5000)
        conn = SimpleNamespace(name="c1", sock=ours, proto="tcp", sent=bytearray(b"q" * 5000),
                               local_port=ours.getsockname()[1],
                               remote_port=ours.getpeername()[1])

        def arrived() -> bool:
            rows = procwatch.socket_queues()
            # the row is there, and no descriptor holds it (inode 0)
            assert any(r.local_port == conn.remote_port and r.remote_port == conn.local_port
                       and r.inode == 0 for r in rows)
            return quiet._arrived_all(conn, [], rows)  # type: ignore[arg-type]

        assert procs.wait_for(arrived, 10)
        conn.sent += b"!"  # one byte more than it holds: not all arrived
        assert not arrived()


def test_a_program_end_that_has_the_harness_fin_has_all_before_it() -> None:
    """The judge's FIN rule, for the harness's own unacknowledged bytes: the program's
    end in CLOSE_WAIT has them all, descriptor or counter or not."""
    conn = SimpleNamespace(name="c1", proto="tcp", sent=bytearray(b"x" * 10),
                           local_port=40000, remote_port=9190)
    row = procwatch.SockQueue("tcp", 7, 9190, 40000, 8, 0, 0)
    assert quiet._arrived_all(conn, [], [row])  # type: ignore[arg-type]
    established = procwatch.SockQueue("tcp", 7, 9190, 40000, 1, 0, 0)
    assert not quiet._arrived_all(conn, [], [established])  # type: ignore[arg-type]
