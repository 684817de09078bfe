"""What happened during one behaviour: plain records shared by runner, judge and reports.

Rules this module keeps:
- Records are small frozen dataclasses of plain values (no sockets, no scapy objects),
  so the judge is a pure function of them and they pickle across pytest-xdist.
- Times are seconds since the behaviour started (monotonic clock).
- The transcript is appended to from several threads (socket and pty readers): every
  append takes the lock.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

from harness.i18n import _

Status = Literal["passed", "failed", "error", "ungradable"]


@dataclass(frozen=True)
class Event:
    t: float
    who: str  # "harness", a connection name, or a program instance name
    kind: str  # sent, received, eof, reset, stdout, stderr, stdin, started, exited, ...
    data: bytes = b""  # possibly a shortened copy: `size` is the real length
    note: str = ""
    size: int = 0

    def trimmed(self, keep: int) -> Event:
        return dataclasses.replace(self, data=self.data[:keep])


@dataclass(frozen=True)
class Frame:
    """One captured packet, reduced to what the judge and the reports need."""

    t: float
    proto: Literal["tcp", "udp"]
    src: str
    sport: int
    dst: str
    dport: int
    flags: str = ""  # tcpdump letters: S F R P . U (A is shown as '.')
    seq: int = 0
    ack: int = 0
    urg_ptr: int = 0
    win: int = 0
    payload: bytes = b""
    length: int = -1  # payload length on the wire (payload may be kept shortened)

    def __post_init__(self) -> None:
        if self.length < 0:
            object.__setattr__(self, "length", len(self.payload))

    def trimmed(self, keep: int) -> Frame:
        return dataclasses.replace(self, payload=self.payload[:keep], length=self.length)

    def has(self, letters: str) -> bool:
        """All of `letters` set; 'A' and '.' both mean ACK."""
        own = self.flags.replace(".", "A")
        return all(ch in own for ch in letters.replace(".", "A").upper())


@dataclass(frozen=True)
class Check:
    """The verdict of one expectation step."""

    line: int
    step: str
    description: str
    passed: bool
    expected: str = ""
    actual: str = ""
    hint: str = ""
    skipped: str = ""  # why it could not be checked here (then `passed` is True)
    points: float = 0.0  # partial credit this check earns when it passes
    # why the evidence could not decide (e.g. a capture that missed packets): then
    # `passed` is False, yet it is the grader's shortfall, never the student's failure
    unjudged: str = ""
    optional: bool = False  # the spec lets it be skipped where it cannot be made
    # what the programs were doing when it failed (judge.diagnosis), shown first
    diagnosis: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line, "step": self.step, "description": self.description,
            "passed": self.passed, "expected": self.expected, "actual": self.actual,
            "hint": self.hint, "skipped": self.skipped, "points": self.points,
            "unjudged": self.unjudged,
            "optional": self.optional, "diagnosis": self.diagnosis,
        }


MAX_EVENTS = 5000  # a program printing without end must not eat the grader's memory
EVENT_BYTES = 4096  # bytes of data kept per event


@dataclass
class Transcript:
    t0: float = field(default_factory=time.monotonic)
    events: list[Event] = field(default_factory=list)
    dropped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def add(self, who: str, kind: str, data: bytes = b"", note: str = "",
            at: float | None = None) -> None:
        """Record an event now, or at `at` (a monotonic time: when it happened, if that
        was earlier than now), in its place in time."""
        with self._lock:
            if len(self.events) < MAX_EVENTS:
                t = self.now() if at is None else min(at - self.t0, self.now())
                i = len(self.events)
                while i and self.events[i - 1].t > t:
                    i -= 1
                self.events.insert(i, Event(t, who, kind, data[:EVENT_BYTES], note, len(data)))
            else:
                self.dropped += 1

    def snapshot(self) -> list[Event]:
        with self._lock:
            events = list(self.events)
            if self.dropped:
                events.append(Event(self.now(), "harness", "truncated",
                                    note=_("{n} more events not recorded").format(
                                        n=self.dropped)))
            return events
