"""Outcome -> text a student can act on: the failed check, the conversation, the packets.

Rules this module keeps:
- Reads Outcomes only (no I/O), so every reporter (terminal, JSON, later HTML) shows the
  same words.
- Long things are cut with a count of what was left out, never silently.
- Program output is shown as printed, but control characters are escaped: a student's
  program cannot move our cursor or fake lines of the report.
- A grader error shows the student one short line (`grader_error_line`), never the
  harness's traceback (that is the staff's: the JSON's `error`, stderr). It keeps its
  points in the maximum, and the score line says `grader error: regrade` (`REGRADE`).
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.i18n import _
from harness.judge.stream import builds
from harness.report.ladder import columns, ladder_text
from harness.run.outcome import Outcome
from harness.textutil import preview, safe
from harness.transcript import Event, Frame

MAX_EVENTS = 40
MAX_FRAMES = 40
MAX_OUTPUT = 1500

# the staff's marker, the same in every language so it can be searched for
REGRADE = "grader error: regrade"

_ARROWS = {"sent": ">>", "received": "<<", "stdin": ">>", "stdout": "<<", "stderr": "<<"}


def _cut(items: Sequence[str], most: int) -> list[str]:
    if len(items) <= most:
        return list(items)
    half = most // 2
    return [*items[:half], _("… {n} more …").format(n=len(items) - 2 * half), *items[-half:]]


def kind_text(kind: str) -> str:
    """What an event of the transcript is, in the report's language (an unknown kind as
    it is recorded)."""
    words = {
        "started": _("started"), "ended": _("ended"), "signal": _("signal"),
        "connected": _("connected"), "connect-failed": _("connect failed"),
        "listening": _("listening"), "accepted": _("accepted"),
        "accept-failed": _("accept failed"), "close": _("closed"),
        "abort": _("aborted"), "shutdown": _("shut down"), "eof": _("EOF"),
        "reset": _("reset (RST)"), "unreachable": _("unreachable"),
        "send-error": _("send failed"), "quiet": _("quiet"), "idle": _("idle"),
        "socket option": _("socket option"), "truncated": _("truncated"),
        "check": _("check"),
        "sent": _("sent"), "received": _("received"), "stdin": _("typed"),
        "stdout": _("printed"), "stderr": _("printed (stderr)"),
    }
    return words.get(kind, kind)


def status_mark(status: str) -> str:
    """PASS, FAIL, ERROR, N/A in the report's language."""
    marks = {"passed": _("PASS"), "failed": _("FAIL"), "error": _("ERROR"),
             "ungradable": _("N/A")}
    return marks.get(status, status)


def isolation_text(o: Outcome) -> str:
    """The isolation line's value: how the behaviour's network was isolated (recorded in
    English, as the JSON has it) and, if known, the sandbox's walls."""
    places = {"network namespace": _("network namespace"),
              "network namespace in the user's own user namespace":
                  _("network namespace in the user's own user namespace"),
              "host loopback": _("host loopback"), "none": _("none")}
    how = places.get(o.isolation, o.isolation)
    return _("{isolation}; sandbox: {walls}").format(isolation=how, walls=o.walls) \
        if o.walls else how


def event_line(e: Event) -> str:
    arrow = _ARROWS.get(e.kind, "")
    if arrow:
        what = f"{arrow} {preview(e.data, total=e.size)}"
        if e.note:
            what += f" [{e.note}]"
    else:
        what = kind_text(e.kind) + (f": {e.note}" if e.note else "")
    return f"{e.t:8.3f}  {e.who:<14} {safe(what)}"


def relative_seqs(frames: Sequence[Frame]) -> dict[tuple[str, int], int]:
    """First sequence number per sender, so seq/ack read from 0 as in tcpdump."""
    base: dict[tuple[str, int], int] = {}
    for f in frames:
        if f.proto == "tcp":
            base.setdefault((f.src, f.sport), f.seq)
    return base


def frame_line(f: Frame, names: dict[int, str], base: dict[tuple[str, int], int]) -> str:
    src = names.get(f.sport, str(f.sport))
    dst = names.get(f.dport, str(f.dport))
    if f.proto == "udp":
        shown = preview(f.payload, 20, f.length)
        return f"{f.t:8.3f}  {src} > {dst}  UDP length {f.length} {shown}"
    seq = (f.seq - base.get((f.src, f.sport), f.seq)) & 0xFFFFFFFF
    ack_base = base.get((f.dst, f.dport))
    parts = [f"[{f.flags}]", f"seq {seq}"]
    if "." in f.flags and ack_base is not None:
        parts.append(f"ack {(f.ack - ack_base) & 0xFFFFFFFF}")
    if "U" in f.flags:
        parts.append(f"urg {f.urg_ptr}")
    parts.append(f"length {f.length}")
    if f.payload:
        parts.append(preview(f.payload, 20, f.length))
    return f"{f.t:8.3f}  {src} > {dst}  " + " ".join(parts)


def grader_error_line() -> str:
    """What a student reads about a behaviour the grader failed on."""
    return _("grader error: not your fault, your grade will be checked")


def not_here(o: Outcome) -> list[str]:
    """'what: why' of each check this environment could not make (optional ones left out)."""
    return [f"{c.description}: {c.skipped}" for c in o.checks if c.skipped and not c.optional]


def not_gradable_text(o: Outcome, details: bool = True) -> str:
    """What a student and the staff read about an `ungradable` behaviour: it counts as
    neither passed nor failed, and where to grade it. `details`: name the checks."""
    reasons = not_here(o) if details else sorted({c.skipped for c in o.checks
                                                  if c.skipped and not c.optional})
    return _("not gradable here: this environment could not make every check, so this "
             "behaviour is neither passed nor failed, and its {points} point(s) must be "
             "graded where it can be ({why})").format(points=f"{o.max_score:g}",
                                                       why="; ".join(reasons))


def render_failure(o: Outcome, logs_shown: set[str] | None = None) -> str:
    """One behaviour's failure. `logs_shown`: build failures already shown in full (by
    this report, for an earlier behaviour): said again in one line."""
    lines = [f"{o.assignment} › {o.behaviour}: {o.title}  ({o.score:g}/{o.max_score:g})"]
    if o.status == "ungradable":
        lines.append("  " + safe(not_gradable_text(o)))
    if o.status == "error":
        lines.append(f"  {REGRADE} — {grader_error_line()}")
    check = o.failed_check()
    if check is not None:
        lines.append(f"  {o.spec}:{check.line}: {check.description}")
        for i, row in enumerate(safe(check.diagnosis).splitlines()):  # what it was doing
            lines.append((_("    seen:     ") if i == 0 else "              ") + row)
        if check.expected and check.expected != check.description:
            lines.append(_("    expected: ") + safe(check.expected))
        actual = check.actual
        if logs_shown is not None and check.step == "start" and check.expected == builds():
            if actual in logs_shown:  # a compile error is shown once, not per behaviour
                actual = actual.split("\n", 1)[0] + _(" (the compiler's message is shown "
                                                      "with the first behaviour that needs it)")
            logs_shown.add(check.actual)
        for i, row in enumerate(safe(actual).splitlines() or [""]):
            lines.append((_("    actual:   ") if i == 0 else "              ") + row)
        if check.hint:
            lines.append(_("    hint:     ") + safe(check.hint))
    if o.warnings:  # gcc -Wall often points at the very bug
        lines.append(_("  The compiler warned:"))
        lines += ["    " + x for x in safe(o.warnings).splitlines()]
    passed = [c for c in o.checks if c.passed and not c.skipped]
    if passed:
        lines.append(_("  passed before that: {n} check(s)").format(n=len(passed)))
    lines.append(_("  Conversation (seconds, who, what):"))
    lines += ["    " + x for x in _cut([event_line(e) for e in o.events
                                       if e.kind not in ("check",)], MAX_EVENTS)]
    for name, text in o.outputs.items():
        if text.strip():
            shown = text if len(text) <= MAX_OUTPUT else f"… {text[-MAX_OUTPUT:]}"
            lines.append(_("  What {name} printed:").format(name=name))
            lines += ["    | " + x for x in safe(shown).splitlines()]
    during, cleanup = o.step_frames()
    if during:
        lines.append(_("  The conversation as a ladder (left: the harness, right: the program):"))
        lines += ["    " + x for x in ladder_text(during, o.names).splitlines()]
    if o.frames:
        base = relative_seqs(o.frames)
        lines.append(_("  Packets ({n} captured{pcap}):").format(
            n=len(o.frames), pcap=f"; pcap: {o.pcap}" if o.pcap else ""))
        lines += ["    " + x for x in _cut([frame_line(f, o.names, base) for f in during],
                                           MAX_FRAMES)]
        if cleanup:
            lines.append(_("    after the steps ended, the harness stopped the programs "
                           "(the kernel closed their sockets): {n} more packets").format(
                               n=len(cleanup)))
    for c in o.checks:
        if c.skipped:
            lines.append(_("  not checked here: {what} ({why})").format(what=c.description,
                                                                      why=c.skipped))
    lines.append(_("  isolation: {how}").format(how=isolation_text(o)))
    lines += [_("  note: {note}").format(note=n) for n in o.notes]
    return "\n".join(lines)


def score_table(outcomes: Sequence[Outcome]) -> str:
    if not outcomes:
        return _("no behaviours were graded")
    width = max(len(f"{o.assignment}.{o.behaviour}") for o in outcomes)
    marks = {o.status: status_mark(o.status) for o in outcomes}
    wide = max(5, *(columns(m) for m in marks.values()))  # Korean letters take two
    rows = []
    for o in outcomes:
        why = ""
        check = o.failed_check()
        if o.status == "failed" and check is not None:
            why = f"  ← {check.description}"
        elif o.status == "error":
            why = f"  ← {REGRADE}"
        elif o.status == "ungradable":
            why = _("  ← not gradable here: grade it where it can be ({why})").format(
                why="; ".join(not_here(o))[:160])
        name = f"{o.assignment}.{o.behaviour}"
        mark = marks[o.status] + " " * (wide - columns(marks[o.status]))
        rows.append(f"  {mark} {name:<{width}}"
                    f"  {o.score:>4g}/{o.max_score:<4g} {safe(why)}")
    rows.append("  " + score_line(outcomes))
    return "\n".join(rows)


def score_line(outcomes: Sequence[Outcome]) -> str:
    """'Score: 5/8 (5 of 8 behaviours passed)': a grader error keeps its points in the
    maximum (never a gift), and then the line says so."""
    got = sum(o.score for o in outcomes)
    total = sum(o.max_score for o in outcomes)
    passed = sum(1 for o in outcomes if o.status == "passed")
    line = _("Score: {got}/{total} ({passed} of {n} behaviours passed)").format(
        got=f"{got:g}", total=f"{total:g}", passed=passed, n=len(outcomes))
    errors = sum(1 for o in outcomes if o.status == "error")
    if errors:
        line += f" — {REGRADE} " + _("({n} behaviour(s) not graded; not your fault, your "
                                     "grade will be checked)").format(n=errors)
    elsewhere = [o for o in outcomes if o.status == "ungradable"]
    if elsewhere:
        line += _("; {n} not gradable here ({points} points to be graded where they can "
                  "be)").format(n=len(elsewhere),
                                points=f"{sum(o.max_score for o in elsewhere):g}")
    return line
