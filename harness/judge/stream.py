"""Verdicts: pure functions from what was observed to a `Check`.

Rules this module keeps:
- No I/O, no clock, no processes: every function here takes recorded values (bytes
  received, frames captured, samples taken) and returns a Check, so each verdict can be
  tested with made-up observations.
- A failed check says, in the student's terms, what was expected and what happened,
  and where it can, what in the program causes that. The spec's `hint` is added as is.
- The runner waits using the same predicates (`data_ok`, `packets.packet_failures`, ...) that
  decide the verdict, so waiting and judging can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.i18n import _
from harness.judge import labels
from harness.sandbox.limits import wall_limit
from harness.spec.stepbase import StepArgs
from harness.spec.steps import Count, ExpectData, ExpectProcesses
from harness.textutil import preview
from harness.transcript import Check


def _ok(line: int, step: str, description: str, args: StepArgs | None = None) -> Check:
    return Check(line, step, description, True)


def _fail(line: int, step: str, description: str, expected: str, actual: str,
          args: StepArgs | None) -> Check:
    hint = args.hint if args is not None and args.hint else ""
    return Check(line, step, description, False, expected, actual, hint)


def _waited(got: Received) -> str:
    """' within 3 s' when the wait ran out; nothing when EOF or RST ended it early."""
    return "" if got.eof or got.reset else _(" within {s} s").format(s=f"{got.seconds:g}")


def _how_it_ended(eof: bool, reset: bool) -> str:
    if reset:
        return _("; then the connection was reset (RST)")
    if eof:
        return _("; then the program closed the connection (EOF)")
    return ""


@dataclass(frozen=True)
class Received:
    """What one receiving step saw on a connection."""

    conn: str
    data: bytes
    eof: bool
    reset: bool
    seconds: float


def compare_bytes(line: int, step: str, what: str, expected: bytes, got: Received,
                  args: StepArgs | None) -> Check:
    desc = _("{what} on {conn} ({n} bytes)").format(what=what, conn=got.conn, n=len(expected))
    if got.data == expected:
        return _ok(line, step, desc)
    n = min(len(got.data), len(expected))
    diff = next((i for i in range(n) if got.data[i] != expected[i]), n)
    end = _how_it_ended(got.eof, got.reset)
    if diff == len(got.data) and len(got.data) < len(expected):
        if not got.data:
            actual = _("nothing came back{waited}{end}").format(waited=_waited(got), end=end)
        else:
            actual = _("only the first {got} of {want} bytes came back{waited}{end}").format(
                got=len(got.data), want=len(expected), waited=_waited(got), end=end)
        return _fail(line, step, desc, preview(expected), actual, args)
    around = slice(max(0, diff - 8), diff + 16)
    return _fail(line, step, desc,
                 _("{want}; at byte {at}: {hex}").format(
                     want=preview(expected), at=diff, hex=expected[around].hex(" ")),
                 _("the bytes differ from byte {at} on: got {hex} ({got}){end}").format(
                     at=diff, hex=got.data[around].hex(" "), got=preview(got.data), end=end),
                 args)


def bytes_judgeable(want: bytes, data: bytes) -> bool:
    """Exact bytes are judged once they are all there or once one differs (a stream
    cannot take a wrong byte back, so waiting longer cannot change the verdict)."""
    return len(data) >= len(want) or not want.startswith(data)


def _exact(args: ExpectData) -> bytes:
    return args.text.encode() if args.text is not None else bytes.fromhex(args.hex or "")


def data_ok(args: ExpectData, data: bytes) -> bool:
    """Whether what arrived is enough to judge."""
    if args.text is not None or args.hex is not None:
        return bytes_judgeable(_exact(args), data)
    if args.pattern is not None:
        return re.search(args.pattern, data.decode("utf-8", "replace")) is not None
    return len(data) >= (args.size or 0)


def data_used(args: ExpectData, data: bytes) -> int:
    """How many received bytes a data check takes (the rest waits for later steps)."""
    if args.text is not None:
        return min(len(data), len(args.text.encode()))
    if args.hex is not None:
        return min(len(data), len(bytes.fromhex(args.hex)))
    if args.pattern is not None:
        text = data.decode("utf-8", "surrogateescape")
        hit = re.search(args.pattern, text)
        end = hit.end() if hit else len(text)
        return len(text[:end].encode("utf-8", "surrogateescape"))
    return len(data) if args.size is None else min(len(data), args.size)


def data(line: int, args: ExpectData, got: Received) -> Check:
    if args.text is not None or args.hex is not None:
        return compare_bytes(line, "expect_data", _("expected data"), _exact(args), got, args)
    desc = (_("data matching /{pattern}/ on {conn}").format(pattern=args.pattern, conn=got.conn)
            if args.pattern is not None
            else _("at least {n} bytes on {conn}").format(n=args.size, conn=got.conn))
    if data_ok(args, got.data):
        return _ok(line, "expect_data", desc)
    expected = (f"/{args.pattern}/" if args.pattern is not None
                else _("{n} bytes").format(n=args.size))
    what = (_("got {data}").format(data=preview(got.data)) if got.data
            else _("nothing arrived"))
    return _fail(line, "expect_data", desc, expected,
                 f"{what}{_waited(got)}{_how_it_ended(got.eof, got.reset)}", args)


def eof(line: int, args: StepArgs, got: Received) -> Check:
    desc = _("the program closes the connection {conn} (EOF)").format(conn=got.conn)
    if got.eof:
        return _ok(line, "expect_eof", desc)
    if got.reset:
        return _fail(line, "expect_eof", desc, _("an orderly close (FIN)"),
                     _("the connection was reset (RST) instead: the program closed its socket "
                       "with data still unread, or it crashed"), args)
    extra = _(" (it sent {data})").format(data=preview(got.data)) if got.data else ""
    s = f"{got.seconds:g}"
    return _fail(line, "expect_eof", desc, _("EOF within {s} s").format(s=s),
                 _("the connection was still open after {s} s{extra}: "
                   "the program never closed its socket").format(s=s, extra=extra), args)


def no_eof(line: int, args: StepArgs, got: Received, seconds: float) -> Check:
    desc = _("the connection {conn} stays open for {s} s").format(conn=got.conn, s=f"{seconds:g}")
    if not got.eof and not got.reset:
        return _ok(line, "expect_no_eof", desc)
    return _fail(line, "expect_no_eof", desc, _("the connection stays open"),
                 _("the program reset (RST) the connection") if got.reset
                 else _("the program closed (EOF) the connection"), args)


def nothing(line: int, args: StepArgs, got: Received, seconds: float) -> Check:
    desc = _("no data arrives on {conn} for {s} s").format(conn=got.conn, s=f"{seconds:g}")
    if not got.data:
        return _ok(line, "expect_nothing", desc)
    return _fail(line, "expect_nothing", desc, _("nothing"),
                 _("got {data}").format(data=preview(got.data)), args)


@dataclass(frozen=True)
class Output:
    program: str
    stream: str
    matched: str | None
    seen: bytes  # what was printed since the last match
    exit: str | None  # how the program ended, if it did
    seconds: float
    killed: bool = False  # it ended by a signal ("was killed by ...")
    after: str = ""  # what an earlier step matched, where `seen` starts ('' = from the start)
    stderr: bytes = b""  # the end of what it wrote on stderr, when stdout was searched


def may_be_buffered(got: Output, label: Sequence[str] | None = None) -> bool:
    """Whether what is missing could be sitting in the program's stdout buffer: on its
    terminal, stdio sends each line when it ends (and all of it at exit), so only text
    after the last newline can be held back. Not when the program has ended, nor on
    stderr (unbuffered); not when the last thing it printed is an unfinished line (that
    text was sent before its line ended: the program flushes); not when the line the
    label names was printed (then its value is what is wrong, not its buffering)."""
    if got.exit or got.stream != "stdout":
        return False
    if got.seen.rstrip(b" \t") and not got.seen.rstrip(b" \t").endswith(b"\n"):
        return False
    lines = got.seen.decode("utf-8", "replace").splitlines()
    return not (label and any(labels.near(label, line) for line in lines))


def output(line: int, args: StepArgs, pattern: str, absent: bool, got: Output,
           label: Sequence[str] | None = None) -> Check:
    desc = (_("{program} does not print /{pattern}/").format(program=got.program,
                                                             pattern=pattern) if absent
            else _("{program} prints /{pattern}/ on {stream}").format(
                program=got.program, pattern=pattern, stream=got.stream))
    if label:
        desc += _(" on a line that says {label}").format(
            label=_(" or ").join(repr(k) for k in label))
    if (got.matched is None) == absent:  # found and wanted, or absent and not wanted
        return _ok(line, "expect_output", desc)
    if absent:
        return _fail(line, "expect_output", desc, _("no such output"),
                     _("it printed {text}").format(text=repr(got.matched)), args)
    ended = ((_("; the program was {how}") if got.killed else _("; the program {how}")).format(
        how=got.exit) if got.exit else "")
    if got.after:  # the excerpt starts where an earlier step's match ended: say so
        actual = _("after {s} s it had printed {text} (only what came after {earlier}, "
                   "which an earlier step matched){ended}").format(
            s=f"{got.seconds:g}", text=preview(got.seen, 200),
            earlier=preview(got.after.encode("utf-8", "surrogateescape"), 40), ended=ended)
    else:
        actual = _("after {s} s it had printed {text}{ended}").format(
            s=f"{got.seconds:g}", text=preview(got.seen, 200), ended=ended)
    if got.exit and got.stderr.strip():  # its last words, often the very cause
        actual += _("; on stderr: {text}").format(text=preview(got.stderr.strip()[-200:], 200))
    if may_be_buffered(got, label):
        actual += _(". If your program prints without a newline, the text may still sit in "
                    "the stdout buffer: end the line with \\n or call fflush(stdout)")
    want = _("output matching /{pattern}/").format(pattern=pattern)
    if label:
        want += _(" on a line that says {label} (any case, a typo allowed)").format(
            label=_(" or ").join(repr(k) for k in label))
    return _fail(line, "expect_output", desc, want, actual, args)


def exit_status(line: int, args: StepArgs, program: str, status: str | None,
                code: int | None, signal: str | None, want_code: int | None,
                want_signal: str | None, want_running: bool, seconds: float) -> Check:
    if want_running:
        desc = _("{program} keeps running").format(program=program)
        if status is None:
            return _ok(line, "expect_exit", desc)
        return _fail(line, "expect_exit", desc, _("still running"),
                     _ended(status, signal is not None), args)
    want = (_("is killed by {signal}").format(signal=want_signal) if want_signal else
            _("exits with code {code}").format(code=want_code) if want_code is not None
            else _("exits"))
    desc = f"{program} {want}"
    if status is None:
        return _fail(line, "expect_exit", desc, want,
                     wall_limit(seconds), args)
    if want_signal and signal != want_signal:
        return _fail(line, "expect_exit", desc, want, _ended(status, signal is not None), args)
    if want_code is not None and code != want_code:
        return _fail(line, "expect_exit", desc, want, _ended(status, signal is not None), args)
    return _ok(line, "expect_exit", desc)


def _ended(status: str, killed: bool) -> str:
    """'it exited with code 1' / 'it was killed by SIGSEGV' (status as procs describes)."""
    if killed:
        return _("it was {status}").format(status=status)
    return _("it {status}").format(status=status)


# ---- processes, sockets, files ----------------------------------------------------


def count_ok(c: Count | None, n: int) -> bool:
    return c is None or ((c.min is None or n >= c.min) and (c.max is None or n <= c.max))


def _count_text(c: Count) -> str:
    """Count always has min or max (the model insists)."""
    if c.max == 0:
        return _("no")
    if c.min is not None and c.max is not None:
        return str(c.min) if c.min == c.max else _("between {min} and {max}").format(
            min=c.min, max=c.max)
    return (_("at least {n}").format(n=c.min) if c.min is not None
            else _("at most {n}").format(n=c.max))


def processes_ok(args: ExpectProcesses, alive: bool, zombies: int, children: int,
                 threads: int) -> bool:
    """Counts only: a program that has ended has no children and no threads (so "no
    zombies" holds for it, deterministically, whenever it died)."""
    return count_ok(args.zombies, zombies) and count_ok(args.children, children) \
        and count_ok(args.threads, threads)


def processes(line: int, args: ExpectProcesses, alive: bool, zombies: int, children: int,
              threads: int, ended: bool = False) -> Check:
    """`ended`: the program exited during the wait, and the counts are the last seen while
    it ran (what the student can act on, not the empty tree of a finished process)."""
    wanted = [what.format(n=_count_text(c)) for what, c in
              ((_("{n} zombie children"), args.zombies), (_("{n} live children"), args.children),
               (_("{n} threads"), args.threads)) if c is not None]
    desc = _("{program} has {what}").format(
        program=args.program, what=", ".join(wanted) or _("a running process"))
    if processes_ok(args, alive, zombies, children, threads):
        return _ok(line, "expect_processes", desc)
    if not alive:
        return _fail(line, "expect_processes", desc, ", ".join(wanted),
                     _("the program is not running any more (it has no children nor threads)"),
                     args)
    actual = (_("{zombies} zombie children, {children} live children, {threads} threads "
                "while it ran; then it exited") if ended else
              _("{zombies} zombie children, {children} live children, {threads} threads "
                "(after {s} s)")).format(zombies=zombies, children=children,
                                         threads=threads, s=f"{args.within:g}")
    if args.zombies is not None and args.zombies.max is not None and zombies > args.zombies.max:
        actual += _(": children that exited were never reaped with wait()/waitpid()")
    return _fail(line, "expect_processes", desc, ", ".join(wanted), actual, args)


def sockets(line: int, args: StepArgs, port: int, state: str, present: bool,
            states_seen: Sequence[str]) -> Check:
    desc = (_("a socket on port {port} is in {state}") if present
            else _("a socket on port {port} is not in {state}")).format(port=port, state=state)
    if (state in states_seen) == present:
        return _ok(line, "expect_sockets", desc)
    seen = ", ".join(sorted(set(states_seen))) or _("no socket at all")
    return _fail(line, "expect_sockets", desc,
                 state if present else _("no {state}").format(state=state),
                 _("sockets on port {port}: {seen}").format(port=port, seen=seen), args)


def file(line: int, args: StepArgs, path: str, content: bytes | None,
         want: bytes | None, size: int | None, pattern: str | None = None,
         made: Sequence[str] = ()) -> Check:
    """`made`: the files the programs made in their directory (when `path` is missing)."""
    desc = _("the file {path}").format(path=path)
    if content is None:
        missing = _("there is no such file")
        if made:
            shown = ", ".join(made[:5]) + (", …" if len(made) > 5 else "")
            missing += _(" (the program made {names}: is the name right?)").format(names=shown)
        return _fail(line, "expect_file", desc, _("the file exists"), missing, args)
    if pattern is not None:
        if re.search(pattern, content.decode("utf-8", "surrogateescape")):
            return _ok(line, "expect_file", desc)
        # a log is told by its end: what it got to before it stopped growing
        tail = content[-60:].lstrip(bytes(range(0x80, 0xC0))) if len(content) > 60 else content
        got = (_("{n} bytes, ending with {data}").format(n=len(content), data=preview(tail))
               if content else _("the file is empty"))
        return _fail(line, "expect_file", desc,
                     _("text matching /{pattern}/").format(pattern=pattern), got, args)
    if want is not None:
        if content == want:
            return _ok(line, "expect_file", desc)
        n = min(len(content), len(want))
        diff = next((i for i in range(n) if content[i] != want[i]), n)
        return _fail(line, "expect_file", desc,
                     _("{data} ({n} bytes)").format(data=preview(want), n=len(want)),
                     _("{data} ({n} bytes); they differ from byte {at}").format(
                         data=preview(content), n=len(content), at=diff), args)
    if size is not None and len(content) != size:
        return _fail(line, "expect_file", desc, _("{n} bytes").format(n=size),
                     _("{n} bytes").format(n=len(content)), args)
    return _ok(line, "expect_file", desc)


def builds() -> str:
    """The `expected` of a build failure (reports show its compiler log once)."""
    return _("a program that builds")


def simple(line: int, step: str, description: str, failure: str, args: StepArgs | None,
           expected: str = "") -> Check:
    """A check whose only evidence is '' (it worked) or what went wrong."""
    if not failure:
        return _ok(line, step, description)
    return _fail(line, step, description, expected or description, failure, args)
