"""When a program ended, told as it happens rather than when the harness next looks.

Rules this module keeps:
- A pidfd (Linux 5.3) becomes readable the moment the process ends, whether or not it
  has been reaped; where pidfd_open is refused (old kernels, some seccomp profiles), the
  process's /proc state is sampled instead (a zombie, or gone).
- It only observes: it never reaps (procs.Program does, with wait4) nor signals.
- The time is the monotonic clock's, as the transcript's.
"""

from __future__ import annotations

import contextlib
import os
import select
import time


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][:1] in ("Z", "X")
    except (OSError, IndexError):
        return True


class ExitClock:
    """`at`: when the process `pid` (our child, not yet reaped) was first seen ended."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.at: float | None = None
        self.closed = False
        try:
            self.fd: int | None = os.pidfd_open(pid)
        except (OSError, AttributeError):
            self.fd = None

    def fds(self) -> list[int]:
        """What to add to a select() that should wake when it ends (until it has)."""
        return [self.fd] if self.fd is not None and self.at is None else []

    def note(self, reaped: bool = False) -> bool:
        """Whether it has ended; the first time it is seen so, `at` is set to now.
        `reaped`: the caller has just reaped it (so it has ended, now at the latest)."""
        if self.at is None:
            if not reaped:
                if self.fd is not None:
                    with contextlib.suppress(OSError, ValueError):
                        if not select.select([self.fd], [], [], 0)[0]:
                            return False
                elif not _gone(self.pid):
                    return False
            self.at = time.monotonic()
        return True

    def watch(self) -> None:
        """Block until it has ended (noting when) or until close()."""
        while not self.closed and not self.note():
            if self.fd is not None:
                with contextlib.suppress(OSError, ValueError):
                    select.select([self.fd], [], [], 0.2)
            else:
                time.sleep(0.01)  # sampling /proc: the program's end is not an event here

    def close(self) -> None:
        self.closed = True
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)
