"""Proofs of endless loops for `run.quiet`: one `sandbox.looptrace` process, kept for
the whole grading, is asked by pid and answers in its own time (an interpreter's start
per proof cost more than the proof).

Rules this module keeps:
- The runner starts it (`warm`) before a behaviour's network namespace: a process
  started inside one is killed with it.
- The tracer is the harness's, not the run's: its pid (`TRACER.pids()`) is what the
  run's process lists leave out (without a cgroup the harness's children look like the
  run's), from its start until it has been reaped.
- Nothing here waits for the tracer: a wait takes the answers that have come and goes
  on; the answers to a wait that has ended are dropped when they come.
- A tracer that has died is started again at the next question; what it was asked and
  had not answered is "unknown", never a proof.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

from harness.judge import quiescence
from harness.sandbox import looptrace, syscalls

TRIES = 3  # questions about one process in one wait, when an answer failed for the load
_DEAD = {"endless": False, "why": "the tracer ended"}


class _Tracer:
    """The one `looptrace --serve` process of this harness process."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        self.count = 0
        self.pending: set[str] = set()  # asked, not yet answered
        self.answers: dict[str, dict[str, Any]] = {}
        self.partial = b""

    def ask(self, pid: int) -> str | None:
        """Ask about `pid`; the question's id, or None when no tracer can be started."""
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            if self.proc is None or self.proc.stdin is None:
                return None
            self.count += 1
            ident = str(self.count)
            try:
                self.proc.stdin.write(f"{ident} {pid}\n".encode())
                self.proc.stdin.flush()
            except OSError:
                return None
            self.pending.add(ident)
            return ident

    def pids(self) -> frozenset[int]:
        """The tracer's pid, from its start until it is reaped (`_ended`)."""
        proc = self.proc
        return frozenset() if proc is None else frozenset({proc.pid})

    def warm(self) -> None:
        """Start it ahead of the first question (its start costs more than a proof),
        where it can trace at all."""
        with self.lock:
            if (self.proc is None or self.proc.poll() is not None) \
                    and syscalls.machine() == looptrace.MACHINE:
                self._start()

    def take(self, idents: set[str]) -> dict[str, dict[str, Any]]:
        """The answers that have come to these questions."""
        with self.lock:
            self._read()
            return {i: self.answers.pop(i) for i in idents if i in self.answers}

    def drop(self, idents: set[str]) -> None:
        with self.lock:
            for i in idents:
                self.answers.pop(i, None)
                self.pending.discard(i)

    def _start(self) -> None:
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", looptrace.__file__, "--serve"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd="/", start_new_session=True)
        except OSError:
            self.proc = None
            return
        assert self.proc.stdout is not None
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.partial = b""

    def _read(self) -> None:
        if self.proc is None or self.proc.stdout is None:
            return
        ended = False
        while True:
            try:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                ended = True
                break
            self.partial += chunk
        *lines, self.partial = self.partial.split(b"\n")
        for line in lines:
            with contextlib.suppress(ValueError, AttributeError):
                got = json.loads(line)
                ident = str(got.pop("id"))
                if ident in self.pending:
                    self.pending.discard(ident)
                    self.answers[ident] = got
        if ended:
            self._ended()

    def _ended(self) -> None:
        """The tracer is gone: what it had not answered never will be."""
        for ident in self.pending:
            self.answers[ident] = dict(_DEAD)
        self.pending.clear()
        if self.proc is not None:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(1)
        self.proc = None

    def close(self) -> None:
        """At exit: its stdin closed, it ends by itself (it always detaches first)."""
        with self.lock:
            if self.proc is not None and self.proc.stdin is not None:
                with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                    self.proc.stdin.close()
                    self.proc.wait(2)
            self._ended()


TRACER = _Tracer()
atexit.register(TRACER.close)


class Loops:
    """The proofs of endless loops asked for during one wait, by pid (None: refused)."""

    def __init__(self) -> None:
        self.proofs: dict[int, quiescence.LoopProof | None] = {}
        self.asked: dict[int, tuple[str, float]] = {}  # pid: (question, when asked)
        self.tries: dict[int, int] = {}  # questions asked, by pid
        self.asked_on: quiescence.Sample | None = None  # the sample of the last question
        self.fresh = False  # a proof came since `first()` was last asked

    def proven(self) -> dict[int, quiescence.LoopProof]:
        if self.asked:
            got = TRACER.take({ident for ident, _at in self.asked.values()})
            for pid, (ident, at) in list(self.asked.items()):
                if ident not in got:
                    continue
                del self.asked[pid]
                proof, again = _proof(got[ident], at)
                if proof is not None or not again or self.tries.get(pid, 0) >= TRIES:
                    self.proofs[pid] = proof
                    self.fresh = self.fresh or proof is not None
        return {pid: p for pid, p in self.proofs.items() if p is not None}

    def first(self, endless: dict[int, quiescence.LoopProof]) -> quiescence.Sample | None:
        """Once after new proofs: the sample they were asked on, with them, if that is
        quiet (the first of two samples: `quiescence.settles_at` counts from the proofs)."""
        if not self.fresh or self.asked_on is None or self.asked:
            return None
        self.fresh = False
        got = dataclasses.replace(self.asked_on, endless=endless)
        return got if quiescence.judge(got).quiet else None

    def look(self, now: quiescence.Sample) -> None:
        """Ask for a proof for each single-threaded process seen running, when all else
        would be quiet if it looped for ever (a question costs a program that is not
        looping one stop: its next call is not the same read() again)."""
        spinning = {p.pid for p in now.procs
                    if len(p.tasks) == 1 and p.tasks[0].state == "R"}
        due = [pid for pid in sorted(spinning)
               if pid not in self.proofs and pid not in self.asked]
        if not due:
            return
        guess = {pid: quiescence.LoopProof("read", 0, float("inf"), now.t)
                 for pid in spinning}
        if not quiescence.judge(dataclasses.replace(now, endless=guess)).quiet:
            return
        for pid in due:
            ident = TRACER.ask(pid)
            if ident is None:
                self.proofs[pid] = None
                continue
            self.asked[pid] = (ident, time.monotonic())
            self.asked_on = now
            self.tries[pid] = self.tries.get(pid, 0) + 1

    def close(self) -> None:
        TRACER.drop({ident for ident, _at in self.asked.values()})
        self.asked.clear()


def _proof(out: dict[str, Any], at: float) -> tuple[quiescence.LoopProof | None, bool]:
    """The proof, or None and whether another try may make it (the tracer ran out of
    time, or the kernel moved the process and wrote its memory, as under load)."""
    try:
        if out.get("endless") is True:
            return quiescence.LoopProof(str(out["call"]), int(out["inode"]),
                                        float(out["cpu_left"]), at,
                                        float(out["entered"])), False
        return None, out.get("why") in looptrace.TRANSIENT
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, False
