"""A program's end is recorded at the time it ended, not when the harness next looked."""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path

import pytest

from harness.sandbox import procs
from harness.transcript import Transcript


def test_an_event_recorded_late_takes_its_place_in_time() -> None:
    t = Transcript()
    t.add("c1", "sent", b"x")
    before = time.monotonic()
    t.add("c1", "received", b"y")
    t.add("prog", "ended", at=before)
    t.add("prog", "later", at=time.monotonic() + 60)  # never in the future
    kinds = [e.kind for e in t.snapshot()]
    assert kinds == ["sent", "ended", "received", "later"]
    times = [e.t for e in t.snapshot()]
    assert times == sorted(times) and times[-1] <= t.now()


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "proc-state"])
def test_an_exit_is_recorded_when_it_happened_while_the_harness_was_busy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pidfd: bool) -> None:
    if not pidfd:  # as where pidfd_open is refused: the /proc state is sampled
        def refused(pid: int, flags: int = 0) -> int:
            raise OSError(errno.ENOSYS, "pidfd_open refused")
        monkeypatch.setattr(os, "pidfd_open", refused)
    transcript = Transcript()
    prog = procs.Program("prog", [sys.executable, "-c", "print('ready'); input()"], tmp_path,
                         {"PATH": "/usr/bin"}, tmp_path / "stderr", transcript)
    try:
        assert procs.wait_for(lambda: b"ready" in prog.stdout(), 30), prog.stderr()
        assert (prog.ended.fd is not None) == pidfd
        prog.sendline("bye")
        # the test watches the process itself (never through prog.poll) for its end
        assert procs.wait_for(lambda: procs.state(prog.pid) in ("Z", ""), 30)
        died = transcript.now()
        time.sleep(3)  # the harness busy elsewhere (its own pause, not a wait for the program)
        looked = transcript.now()
        assert prog.poll() is not None
        ended = next(e for e in transcript.snapshot() if e.kind == "ended")
        assert ended.t < died + 1.0, (ended.t, died)  # when it ended (a loaded machine's lag)
        assert looked - ended.t > 1.5, (ended.t, looked)  # not when the harness looked
        times = [e.t for e in transcript.snapshot()]
        assert times == sorted(times)
    finally:
        prog.close()
