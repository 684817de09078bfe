"""The result of one behaviour, and its plain-dict form for pytest's user_properties.

Rules this module keeps:
- An Outcome is plain data: it crosses pytest-xdist as a dict of JSON values and is
  rebuilt exactly by `from_dict`.
- `status` is separate from `score`: `error` means the harness failed, never the student;
  `ungradable` that this environment could not make a check the spec needs (neither
  passed nor failed: it is to be graded where it can be).
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any

from harness.transcript import Check, Event, Frame

PROPERTY = "sockgrade_outcome"


@dataclass(frozen=True)
class Outcome:
    spec: str
    assignment: str
    behaviour: str
    title: str
    status: str  # passed | failed | error | ungradable
    score: float
    max_score: float
    visibility: str = "visible"
    checks: tuple[Check, ...] = ()
    events: tuple[Event, ...] = ()
    frames: tuple[Frame, ...] = ()
    pcap: str | None = None
    isolation: str = ""
    walls: str = ""  # the sandbox layers that ran, and those skipped
    notes: tuple[str, ...] = ()
    error: str = ""
    names: dict[int, str] = field(default_factory=dict)  # port -> who (for reports)
    outputs: dict[str, str] = field(default_factory=dict)  # program -> what it printed
    ended_at: float = -1.0  # when the steps ended; later packets are the clean-up's
    warnings: str = ""  # the compiler's warnings, kept for a behaviour that did not pass

    def step_frames(self) -> tuple[tuple[Frame, ...], tuple[Frame, ...]]:
        """(packets while the steps ran, packets of the clean-up after them)."""
        if self.ended_at < 0:
            return self.frames, ()
        return (tuple(f for f in self.frames if f.t <= self.ended_at),
                tuple(f for f in self.frames if f.t > self.ended_at))

    def failed_check(self) -> Check | None:
        return next((c for c in self.checks if not c.passed), None)

    def unjudged_check(self) -> Check | None:
        """The check the evidence could not decide (the behaviour is then an `error`)."""
        return next((c for c in self.checks if c.unjudged), None)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["events"] = [{**asdict(e), "data": _b64(e.data)} for e in self.events]
        d["frames"] = [{**asdict(f), "payload": _b64(f.payload)} for f in self.frames]
        d["names"] = {str(k): v for k, v in self.names.items()}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Outcome:
        return cls(**{
            **d,
            "checks": tuple(Check(**c) for c in d["checks"]),
            "events": tuple(Event(**{**e, "data": base64.b64decode(e["data"])})
                            for e in d["events"]),
            "frames": tuple(Frame(**{**f, "payload": base64.b64decode(f["payload"])})
                            for f in d["frames"]),
            "notes": tuple(d["notes"]),
            "names": {int(k): v for k, v in d["names"].items()},
        })

    def summary(self) -> dict[str, Any]:
        """The per-behaviour record of `--json`."""
        return {
            "id": self.behaviour, "title": self.title, "spec": self.spec,
            "assignment": self.assignment, "status": self.status, "score": self.score,
            "max_score": self.max_score, "visibility": self.visibility,
            "checks": [c.as_dict() for c in self.checks],
            "isolation": self.isolation, "sandbox": self.walls, "notes": list(self.notes),
            "pcap": self.pcap,
            "error": self.error,
            # what this environment could not check (why the status is `ungradable`)
            "not_gradable_here": [f"{c.description}: {c.skipped}" for c in self.checks
                                  if c.skipped and not c.optional],
            # how long the steps took (the clean-up after them not counted)
            "seconds": round(self.ended_at, 3) if self.ended_at >= 0 else None,
            "warnings": self.warnings,
        }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
