"""What the compiler said, for a student whose program built but fails a behaviour:
gcc -Wall's warnings often point straight at the bug (a comma operator instead of a
call, a format that does not fit its argument).

Rules this module keeps:
- Pure: the build's recorded output in, a few lines out; no I/O.
- Short: each warning's own line and the source line gcc quotes under it, at most
  MOST warnings, with a count of the rest.
"""

from __future__ import annotations

import re

from harness.i18n import _

MOST = 6
_WARNING = re.compile(r"^\S+:\d+:\d+: warning: ")
_SOURCE = re.compile(r"^\s*\d+ \| ")


def warnings(logs: dict[str, str]) -> str:
    """The warnings of each program's build (name -> the build's output), '' if none."""
    out: list[str] = []
    count = 0
    for log in logs.values():
        lines = log.splitlines()
        for i, line in enumerate(lines):
            if not _WARNING.match(line):
                continue
            count += 1
            if count > MOST:
                continue
            out.append(line)
            if i + 1 < len(lines) and _SOURCE.match(lines[i + 1]):
                out.append(lines[i + 1].rstrip())
    if count > MOST:
        out.append(_("… and {n} more warnings").format(n=count - MOST))
    return "\n".join(out)
