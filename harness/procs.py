"""Student programs as processes: start on a pty, read output, signal, kill, reap.

Rules this module keeps:
- A program runs on a pseudo-terminal (pexpect), as on the student's own screen: stdio
  is line-buffered there, so `printf("...\\n")` arrives at once. stderr goes to a file
  of its own so the two streams can be checked apart.
- Output is drained continuously by a thread (a program that prints a lot must never
  block on a full pty); what it printed is kept up to OUTPUT_CAP bytes.
- Each program is a session leader (pexpect does setsid). Cleanup kills by pid only
  processes this run started: the program, its descendants, and anything left in the
  behaviour's own network namespace; then reaps every one of them.
- The harness is a child subreaper, so daemons that double-fork come back to us.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import select
import signal
import termios
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pexpect
import psutil

from harness.i18n import _
from harness.transcript import Transcript

OUTPUT_CAP = 1 << 20
_PR_SET_CHILD_SUBREAPER = 36


def default_signals() -> None:
    """Undo what Python did to signals: it ignores SIGPIPE, and an ignored signal stays
    ignored across exec. A student's server must die of SIGPIPE as it would in a shell."""
    for num in signal.valid_signals():
        if num not in (signal.SIGKILL, signal.SIGSTOP):
            with contextlib.suppress(OSError, ValueError):
                signal.signal(num, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


def state(pid: int) -> str:
    """The one-letter state of /proc/PID/stat ('' if gone): R, S, T, Z, ..."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][:1]
    except (OSError, IndexError):
        return ""


def become_subreaper() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


def signal_number(name: str) -> int:
    """'SIGTERM', 'TERM' or '15' -> 15; ValueError names the bad value."""
    text = name.strip().upper()
    if text.isdigit():
        return int(text)
    try:
        return int(signal.Signals[text if text.startswith("SIG") else "SIG" + text])
    except KeyError:
        raise ValueError(f"unknown signal {name!r}") from None


def signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


@dataclass(frozen=True)
class ExitStatus:
    code: int | None
    signal: int | None

    def describe(self) -> str:
        if self.signal is not None:
            return _("killed by {signal}").format(signal=signal_name(self.signal))
        return _("exited with code {code}").format(code=self.code)


class Program:
    """One running student program."""

    def __init__(self, name: str, argv: list[str], cwd: Path, env: dict[str, str],
                 stderr_path: Path, transcript: Transcript) -> None:
        self.name = name
        self.argv = argv
        self._transcript = transcript
        self._stderr_path = stderr_path
        self._out = bytearray()
        self._lock = threading.Lock()
        self.truncated = False
        self.status: ExitStatus | None = None

        def in_child() -> None:
            fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 2)
            os.close(fd)
            # pexpect made us session leader with the pty as controlling terminal: then
            # our exit would SIGHUP every child we fork, which a shell-started program
            # never sees. Give the terminal up (its SIGHUP to ourselves is ignored).
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            with contextlib.suppress(OSError):
                fcntl.ioctl(0, termios.TIOCNOTTY)
            default_signals()

        self._child = pexpect.spawn(argv[0], argv[1:], cwd=str(cwd), env=env, echo=False,
                                    preexec_fn=in_child, dimensions=(24, 200))
        self.pid: int = self._child.pid
        head = os.path.basename(argv[0]) if "python" in os.path.basename(argv[0]) else argv[0]
        shown = " ".join([head, *argv[1:]]).replace(f"{cwd}/", "./")  # as a student types it
        transcript.add(name, "started", note=shown)
        self.drained = threading.Event()  # set once the pty has nothing more to give
        self._reader = threading.Thread(target=self._drain, name=f"pty-{name}", daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        try:
            self._drain_loop()
        finally:
            self.drained.set()

    def _drain_loop(self) -> None:
        fd = self._child.child_fd
        while True:
            try:
                ready, _, _ = select.select([fd], [], [], 0.2)
                if not ready:
                    continue
                chunk = os.read(fd, 65536)
            except (OSError, ValueError):
                return  # EIO: every writer of the pty is gone; EBADF: closed by cleanup
            if not chunk:
                return
            chunk = chunk.replace(b"\r\n", b"\n")  # the pty's ONLCR, not the program's
            with self._lock:
                room = OUTPUT_CAP - len(self._out)
                self._out += chunk[:room]
                self.truncated = self.truncated or len(chunk) > room
            if not self.truncated:
                self._transcript.add(self.name, "stdout", chunk)

    def stdout(self) -> bytes:
        with self._lock:
            return bytes(self._out)

    def stderr(self) -> bytes:
        try:
            with open(self._stderr_path, "rb") as f:
                return f.read(OUTPUT_CAP)
        except OSError:
            return b""

    def poll(self) -> ExitStatus | None:
        if self.status is None and not self._child.isalive():
            self.status = ExitStatus(self._child.exitstatus, self._child.signalstatus)
            self._transcript.add(self.name, "ended", note=self.status.describe())
        return self.status

    def settle_output(self, seconds: float = 1.0) -> None:
        """After exit: wait until what it printed last has been read from the pty (a
        child still holding the terminal may keep it open: then wait no longer)."""
        if self.poll() is not None:
            self.drained.wait(seconds)

    def wait(self, seconds: float) -> ExitStatus | None:
        wait_for(self.poll, seconds)
        return self.poll()

    def send_signal(self, num: int) -> None:
        """Send `num`; for SIGSTOP/SIGCONT, return once the process has changed state
        (kill() returns before the target is stopped, and a step that relies on the
        program being frozen must not race it)."""
        if self.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, num)
        self._transcript.add(self.name, "signal", note=signal_name(num))
        if num == signal.SIGSTOP:
            wait_for(lambda: state(self.pid) in ("T", "t", "Z", ""), 2.0)
        elif num == signal.SIGCONT:
            wait_for(lambda: state(self.pid) not in ("T", "t"), 2.0)

    def sendline(self, text: str) -> None:
        self._transcript.add(self.name, "stdin", (text + "\n").encode())
        self._child.sendline(text)

    def sendeof(self) -> None:
        self._transcript.add(self.name, "stdin", note="EOF (Ctrl-D)")
        self._child.sendeof()

    def close(self) -> None:
        """Kill (if still running), reap and release the pty."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.wait(5)
        with contextlib.suppress(Exception):
            self._child.close(force=True)
        self._reader.join(2)


def wait_for(predicate: Callable[[], object], seconds: float, step: float = 0.01) -> object:
    """Poll `predicate` until it returns something truthy or `seconds` pass; return it."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(min(step, max(0.0, deadline - time.monotonic())))
        step = min(step * 1.5, 0.05)


def descendants(pids: Iterable[int]) -> set[int]:
    found: set[int] = set()
    for pid in pids:
        try:
            found.update(c.pid for c in psutil.Process(pid).children(recursive=True))
        except psutil.Error:
            continue
    return found


@dataclass(frozen=True)
class TreeSample:
    alive: bool
    zombies: int
    children: int
    threads: int


def sample_tree(pid: int) -> TreeSample:
    """The program's own threads and its direct children, by state."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return TreeSample(False, 0, 0, 0)
        kids = proc.children()
        states = []
        for k in kids:
            try:
                states.append(k.status())
            except psutil.Error:
                continue
        zombies = sum(1 for s in states if s == psutil.STATUS_ZOMBIE)
        return TreeSample(True, zombies, len(states) - zombies, proc.num_threads())
    except psutil.Error:
        return TreeSample(False, 0, 0, 0)


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
                done, _ = os.waitpid(pid, os.WNOHANG)
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
