"""Student programs as processes: start on a pty, read output, signal, kill, reap.

Rules this module keeps:
- A program runs on a pseudo-terminal (pexpect), as on the student's own screen: stdio
  is line-buffered there, so `printf("...\\n")` arrives at once. stderr goes to a file
  of its own so the two streams can be checked apart.
- Output is drained continuously by a thread (a program that prints a lot must never
  block on a full pty); what it printed is kept up to its output limit, and a program
  that prints more is ended (an output limit, said as such).
- The child is walled in by `sandbox.Jail` before exec; while it runs, the drain thread
  samples its CPU time and data size, so its end can be told as the limit it hit.
- Each program is a session leader (pexpect does setsid). Cleanup kills by pid only
  processes this run started: the program, its descendants, and anything left in the
  behaviour's own network namespace; then reaps every one of them.
- The harness is a child subreaper, so daemons that double-fork come back to us.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import select
import signal
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pexpect
import ptyprocess

from harness.i18n import _
from harness.sandbox import limits as lim
from harness.sandbox import sysvipc
from harness.sandbox.exitclock import ExitClock
from harness.sandbox.timerwatch import TimerWatch
from harness.sandbox.walls import Jail
from harness.transcript import Transcript

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


def become_subreaper(on: bool = True) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0)


def signal_number(name: str) -> int:
    """'SIGTERM', 'TERM' or '15' -> 15; ValueError names the bad value."""
    text = name.strip().upper()
    if text.isdigit():
        return int(text)
    try:
        return int(signal.Signals[text if text.startswith("SIG") else "SIG" + text])
    except KeyError:
        raise ValueError(f"unknown signal {name!r}") from None


signal_name = lim.signal_name


@dataclass(frozen=True)
class ExitStatus:
    code: int | None
    signal: int | None
    limit: str = ""  # the limit it hit ('cpu', 'memory', 'output', ...), if any
    limits: lim.Limits = lim.DEFAULT

    def describe(self) -> str:
        return lim.describe_end(self.code, self.signal, self.limit, self.limits)


class _Spawn(pexpect.spawn):  # type: ignore[misc]
    """pexpect's spawn, keeping `pass_fds` open in the child (the timer watch's socket)."""

    def __init__(self, *args: object, pass_fds: tuple[int, ...] = (), **kwargs: object) -> None:
        self._pass_fds = pass_fds
        super().__init__(*args, **kwargs)

    def _spawnpty(self, args: list[bytes], **kwargs: object) -> object:
        return ptyprocess.PtyProcess.spawn(args, pass_fds=self._pass_fds, **kwargs)


class Program:
    """One running student program."""

    def __init__(self, name: str, argv: list[str], cwd: Path, env: dict[str, str],
                 stderr_path: Path, transcript: Transcript, jail: Jail | None = None,
                 oom_kills: Callable[[], int] = lambda: 0, ipc_ns: int | None = None) -> None:
        self.name = name
        self.ipc_ns = ipc_ns  # the IPC namespace it runs in, held open (closed by close())
        self.limits = jail.limits if jail is not None else lim.DEFAULT
        self._oom_kills = oom_kills
        self._oom_before = oom_kills()
        self._cpu = 0.0
        self._data_mib = 0.0
        self._killed = False  # the harness sent SIGKILL
        self._over_cap = False
        self.argv = argv
        self._transcript = transcript
        self._stderr_path = stderr_path
        self._out = bytearray()
        self._lock = threading.Lock()
        self.truncated = False
        self.status: ExitStatus | None = None
        self.typed_at = 0.0  # when the harness last typed to it (monotonic)
        self.reading_output = False  # the drain holds output not yet stored

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
            if jail is not None:
                jail.in_child()
            self.timers.in_child()  # last: the filter must not see the walls' own calls

        self.timers = TimerWatch()  # what /proc cannot show: its alarm()s
        self.started_at = time.monotonic()  # none of its threads existed before
        try:
            self._child = _Spawn(argv[0], argv[1:], cwd=str(cwd), env=env, echo=False,
                                 preexec_fn=in_child, dimensions=(24, 200),
                                 pass_fds=(self.timers.child_fd,))
        except BaseException:
            self.timers.close()
            raise
        self.timers.started()
        self.pid: int = self._child.pid
        self.ended = ExitClock(self.pid)  # so its end is told when it was, not when seen
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
            self.ended.watch()  # the pty's last writer is gone: mostly, it has just ended

    def _drain_loop(self) -> None:
        fd = self._child.child_fd
        while True:
            try:
                ready = select.select([fd, *self.ended.fds()], [], [], 0.2)[0]
                if fd not in ready or len(ready) > 1:
                    self.ended.note()
                if fd not in ready:
                    self._sample()
                    continue
                self.reading_output = True
                chunk = os.read(fd, 65536)
            except (OSError, ValueError):
                # EIO: every writer of the pty is gone; EBADF: closed by cleanup. Nothing
                # is in hand (left set, every later wait saw output "being stored")
                self.reading_output = False
                return
            if not chunk:
                self.reading_output = False
                return
            chunk = chunk.replace(b"\r\n", b"\n")  # the pty's ONLCR, not the program's
            with self._lock:
                room = self.limits.output - len(self._out)
                self._out += chunk[:room]
                self.truncated = self.truncated or len(chunk) > room
            if not self.truncated:
                self._transcript.add(self.name, "stdout", chunk)
            elif not self._over_cap and self.status is None:
                self._over_cap = True  # before the kill, so its end is told as this
                self.kill()
            self.reading_output = False
            self._sample()

    def _sample(self) -> None:
        """CPU seconds and data MiB of the program itself, while it runs."""
        with contextlib.suppress(OSError, IndexError, ValueError):
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(") ", 1)[1].split()
            self._cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmData:"):
                        self._data_mib = max(self._data_mib, int(line.split()[1]) / 1024)
        with contextlib.suppress(OSError):
            if (os.stat(self._stderr_path).st_size > self.limits.output and not self._over_cap
                    and self.status is None):
                self._over_cap = True
                self.kill()

    def kill(self) -> None:
        """SIGKILL from the harness (its end is then not the student's doing)."""
        if self.status is None:  # not poll(): the drain thread calls this too
            self._killed = not self._over_cap
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def stdout(self) -> bytes:
        with self._lock:
            return bytes(self._out)

    def stderr(self) -> bytes:
        try:
            with open(self._stderr_path, "rb") as f:
                return f.read(self.limits.output)
        except OSError:
            return b""

    def poll(self) -> ExitStatus | None:
        if self.status is None:
            self._sample()  # the last look before it may be gone
        if self.status is None and self._ended():
            code, sig = self._child.exitstatus, self._child.signalstatus
            ipc = (sysvipc.shm_mib(self.ipc_ns) if self.ipc_ns is not None
                   and (sig is not None or code) else 0.0)  # segments it made count too
            ev = lim.Evidence(cpu_seconds=self._cpu, data_mib=self._data_mib, ipc_mib=ipc,
                              killed_by_harness=self._killed, output_cap=self._over_cap,
                              oom_killed=self._oom_kills() > self._oom_before,
                              stderr_tail=self.stderr()[-4096:])
            self.status = ExitStatus(code, sig, lim.limit_hit(code, sig, self.limits, ev),
                                     self.limits)
            self.ended.note(reaped=True)
            self._transcript.add(self.name, "ended", note=self.status.describe(),
                                 at=self.ended.at)
        return self.status

    def _ended(self) -> bool:
        """Reap with wait4 rather than pexpect's waitpid: its rusage tells the peak
        memory, which is how a crash after a failed malloc is known as a memory limit."""
        try:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
        except ChildProcessError:
            return not self._child.isalive()  # reaped already (pexpect knows how it ended)
        if pid == 0:
            return False
        self._data_mib = max(self._data_mib, usage.ru_maxrss / 1024)
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        for obj in (self._child, self._child.ptyproc):  # so pexpect knows it is over
            obj.status, obj.exitstatus, obj.signalstatus = status, code, sig
            obj.terminated = True
        return True

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
        self._killed = self._killed or num == signal.SIGKILL
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
        self.typed_at = time.monotonic()

    def sendeof(self) -> None:
        self._transcript.add(self.name, "stdin", note=_("EOF (Ctrl-D)"))
        self._child.sendeof()
        self.typed_at = time.monotonic()

    @property
    def terminal_fd(self) -> int:
        return int(self._child.child_fd)

    def close(self) -> None:
        """Kill (if still running), reap and release the pty."""
        if self.poll() is None:
            self.kill()
            self.wait(5)
        if self.poll() is not None:  # reaped: ptyprocess need not wait 0.1 s for the kernel
            self._child.ptyproc.delayafterclose = 0
        with contextlib.suppress(Exception):
            self._child.close(force=True)
        self.ended.closed = True
        self._reader.join(2)
        self.ended.close()
        self.timers.close()
        if self.ipc_ns is not None:
            os.close(self.ipc_ns)
            self.ipc_ns = None


def wait_for(predicate: Callable[[], object], seconds: float, step: float = 0.002) -> object:
    """Poll `predicate` until it returns something truthy or `seconds` pass; return it."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(min(step, max(0.0, deadline - time.monotonic())))
        step = min(step * 1.5, 0.05)
