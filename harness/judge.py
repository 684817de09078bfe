"""Verdicts: pure functions from what was observed to a `Check`.

Rules this module keeps:
- No I/O, no clock, no processes: every function here takes recorded values (bytes
  received, frames captured, samples taken) and returns a Check, so each verdict can be
  tested with made-up observations.
- A failed check says, in the student's terms, what was expected and what happened,
  and where it can, what in the program causes that. The spec's `hint` is added as is.
- The runner waits using the same predicates (`data_ok`, `packet_rules_ok`, ...) that
  decide the verdict, so waiting and judging can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.steps import (
    Count,
    ExpectData,
    ExpectPackets,
    ExpectProcesses,
    PacketPattern,
    StepArgs,
)
from harness.textutil import preview
from harness.transcript import Check, Frame

FLAG_NAMES = {"S": "SYN", "F": "FIN", "R": "RST", "P": "PSH", "A": "ACK", ".": "ACK", "U": "URG"}


def _ok(line: int, step: str, description: str, args: StepArgs | None = None) -> Check:
    return Check(line, step, description, True)


def _fail(line: int, step: str, description: str, expected: str, actual: str,
          args: StepArgs | None) -> Check:
    hint = args.hint if args is not None and args.hint else ""
    return Check(line, step, description, False, expected, actual, hint)


def _waited(got: Received) -> str:
    """' within 3 s' when the wait ran out; nothing when EOF or RST ended it early."""
    return "" if got.eof or got.reset else f" within {got.seconds:g} s"


def _how_it_ended(eof: bool, reset: bool) -> str:
    if reset:
        return "; then the connection was reset (RST)"
    if eof:
        return "; then the program closed the connection (EOF)"
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
    desc = f"{what} on {got.conn} ({len(expected)} bytes)"
    if got.data == expected:
        return _ok(line, step, desc)
    n = min(len(got.data), len(expected))
    diff = next((i for i in range(n) if got.data[i] != expected[i]), n)
    end = _how_it_ended(got.eof, got.reset)
    if diff == len(got.data) and len(got.data) < len(expected):
        if not got.data:
            actual = f"nothing came back{_waited(got)}{end}"
        else:
            actual = (f"only the first {len(got.data)} of {len(expected)} bytes came back"
                      f"{_waited(got)}{end}")
        return _fail(line, step, desc, preview(expected), actual, args)
    around = slice(max(0, diff - 8), diff + 16)
    return _fail(line, step, desc,
                 f"{preview(expected)}; at byte {diff}: {expected[around].hex(' ')}",
                 f"the bytes differ from byte {diff} on: got {got.data[around].hex(' ')} "
                 f"({preview(got.data)}){end}", args)


def data_ok(args: ExpectData, data: bytes) -> bool:
    if args.text is not None:
        return len(data) >= len(args.text.encode())
    if args.hex is not None:
        return len(data) >= len(bytes.fromhex(args.hex))
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
        want = args.text.encode() if args.text is not None else bytes.fromhex(args.hex or "")
        return compare_bytes(line, "expect_data", "expected data", want, got, args)
    desc = (f"data matching /{args.pattern}/ on {got.conn}" if args.pattern is not None
            else f"at least {args.size} bytes on {got.conn}")
    if data_ok(args, got.data):
        return _ok(line, "expect_data", desc)
    expected = f"/{args.pattern}/" if args.pattern is not None else f"{args.size} bytes"
    what = f"got {preview(got.data)}" if got.data else "nothing arrived"
    return _fail(line, "expect_data", desc, expected,
                 f"{what}{_waited(got)}{_how_it_ended(got.eof, got.reset)}", args)


def eof(line: int, args: StepArgs, got: Received) -> Check:
    desc = f"the program closes the connection {got.conn} (EOF)"
    if got.eof:
        return _ok(line, "expect_eof", desc)
    if got.reset:
        return _fail(line, "expect_eof", desc, "an orderly close (FIN)",
                     "the connection was reset (RST) instead: the program closed its socket "
                     "with data still unread, or it crashed", args)
    extra = f" (it sent {preview(got.data)})" if got.data else ""
    return _fail(line, "expect_eof", desc, f"EOF within {got.seconds:g} s",
                 f"the connection was still open after {got.seconds:g} s{extra}: "
                 "the program never closed its socket", args)


def no_eof(line: int, args: StepArgs, got: Received, seconds: float) -> Check:
    desc = f"the connection {got.conn} stays open for {seconds:g} s"
    if not got.eof and not got.reset:
        return _ok(line, "expect_no_eof", desc)
    how = "reset (RST)" if got.reset else "closed (EOF)"
    return _fail(line, "expect_no_eof", desc, "the connection stays open",
                 f"the program {how} the connection", args)


def nothing(line: int, args: StepArgs, got: Received, seconds: float) -> Check:
    desc = f"no data arrives on {got.conn} for {seconds:g} s"
    if not got.data:
        return _ok(line, "expect_nothing", desc)
    return _fail(line, "expect_nothing", desc, "nothing", f"got {preview(got.data)}", args)


@dataclass(frozen=True)
class Output:
    program: str
    stream: str
    matched: str | None
    seen: bytes  # what was printed since the last match
    exit: str | None  # how the program ended, if it did
    seconds: float


def output(line: int, args: StepArgs, pattern: str, absent: bool, got: Output) -> Check:
    desc = (f"{got.program} does not print /{pattern}/" if absent
            else f"{got.program} prints /{pattern}/ on {got.stream}")
    if (got.matched is None) == absent:  # found and wanted, or absent and not wanted
        return _ok(line, "expect_output", desc)
    if absent:
        return _fail(line, "expect_output", desc, "no such output",
                     f"it printed {got.matched!r}", args)
    ended = f"; the program {got.exit}" if got.exit else ""
    actual = f"after {got.seconds:g} s it had printed {preview(got.seen, 200)}{ended}"
    if not got.exit and got.stream == "stdout":
        actual += (". If your program prints without a newline, the text may still sit in "
                   "the stdout buffer: end the line with \\n or call fflush(stdout)")
    return _fail(line, "expect_output", desc, f"output matching /{pattern}/", actual, args)


def exit_status(line: int, args: StepArgs, program: str, status: str | None,
                code: int | None, signal: str | None, want_code: int | None,
                want_signal: str | None, want_running: bool, seconds: float) -> Check:
    if want_running:
        desc = f"{program} keeps running"
        if status is None:
            return _ok(line, "expect_exit", desc)
        return _fail(line, "expect_exit", desc, "still running",
                     f"it {'was ' if status.startswith('killed') else ''}{status}", args)
    want = (f"is killed by {want_signal}" if want_signal else
            f"exits with code {want_code}" if want_code is not None else "exits")
    desc = f"{program} {want}"
    if status is None:
        return _fail(line, "expect_exit", desc, want, f"still running after {seconds:g} s", args)
    if status.startswith("killed"):
        status = "was " + status
    if want_signal and signal != want_signal:
        return _fail(line, "expect_exit", desc, want, f"it {status}", args)
    if want_code is not None and code != want_code:
        return _fail(line, "expect_exit", desc, want, f"it {status}", args)
    return _ok(line, "expect_exit", desc)


# ---- packets ----------------------------------------------------------------------


def describe_pattern(p: PacketPattern) -> str:
    parts = []
    if p.flags:
        parts.append("+".join(FLAG_NAMES.get(ch.upper(), ch) for ch in p.flags))
    if p.data is True:
        parts.append("with data")
    if p.data is False:
        parts.append("without data")
    if p.payload is not None:
        parts.append(f"carrying {p.payload!r}")
    if p.urg_ptr is not None:
        parts.append(f"urgent pointer {p.urg_ptr}")
    if p.urgent_byte is not None:
        parts.append(f"URG with the urgent pointer just past {p.urgent_byte!r}")
    who = {"program": " from the program", "harness": " from the harness"}.get(p.sender or "", "")
    return (" ".join(parts) or "any packet") + who


def matches(p: PacketPattern, f: Frame, harness_port: int) -> bool:
    if p.sender is not None:
        sender = "harness" if f.sport == harness_port else "program"
        if sender != p.sender:
            return False
    if p.flags and not f.has(p.flags):
        return False
    if p.data is not None and bool(f.payload) != p.data:
        return False
    if p.payload is not None and f.payload != p.payload.encode():
        return False
    if p.urgent_byte is not None:
        # Linux (like BSD) points one past the last urgent byte, counted from seq
        at = f.urg_ptr - 1
        if not (f.has("U") and 0 <= at < len(f.payload)
                and f.payload[at:at + 1] == p.urgent_byte.encode()):
            return False
    return p.urg_ptr is None or f.urg_ptr == p.urg_ptr


def rule_failure(rule_some: PacketPattern | None, rule_none: PacketPattern | None,
                 order: Sequence[PacketPattern] | None, frames: Sequence[Frame],
                 harness_port: int) -> str:
    """'' if the rule holds, else what went wrong."""
    if rule_some is not None and not any(matches(rule_some, f, harness_port) for f in frames):
        return f"no packet {describe_pattern(rule_some)} was captured"
    if rule_none is not None:
        hit = next((f for f in frames if matches(rule_none, f, harness_port)), None)
        if hit is not None:
            return f"a packet {describe_pattern(rule_none)} was captured at {hit.t:.3f} s"
    if order:
        at = 0
        for i, p in enumerate(order):
            idx = next((k for k in range(at, len(frames)) if matches(p, frames[k], harness_port)),
                       None)
            if idx is None:
                prev = f" after {describe_pattern(order[i - 1])}" if i else ""
                return f"no packet {describe_pattern(p)}{prev} was captured"
            at = idx + 1
    return ""


def packet_failures(args: ExpectPackets, frames: Sequence[Frame], harness_port: int) -> list[str]:
    out = []
    for r in args.rules:
        why = rule_failure(r.some, r.none, r.order, frames, harness_port)
        if why:
            out.append(why)
    return out


def packets(line: int, args: ExpectPackets, frames: Sequence[Frame], harness_port: int) -> Check:
    wanted = []
    for r in args.rules:
        if r.some is not None:
            wanted.append(f"a packet {describe_pattern(r.some)}")
        if r.none is not None:
            wanted.append(f"no packet {describe_pattern(r.none)}")
        if r.order:
            wanted.append("in order: " + ", then ".join(describe_pattern(p) for p in r.order))
    desc = f"packets on {args.conn}: " + "; ".join(wanted)
    failures = packet_failures(args, frames, harness_port)
    if not failures:
        return _ok(line, "expect_packets", desc)
    return _fail(line, "expect_packets", desc, "; ".join(wanted), "; ".join(failures), args)


# ---- processes, sockets, files ----------------------------------------------------


def count_ok(c: Count | None, n: int) -> bool:
    return c is None or ((c.min is None or n >= c.min) and (c.max is None or n <= c.max))


def _count_text(c: Count) -> str:
    """Count always has min or max (the model insists)."""
    if c.max == 0:
        return "no"
    if c.min is not None and c.max is not None:
        return str(c.min) if c.min == c.max else f"between {c.min} and {c.max}"
    return f"at least {c.min}" if c.min is not None else f"at most {c.max}"


def processes_ok(args: ExpectProcesses, alive: bool, zombies: int, children: int,
                 threads: int) -> bool:
    """Counts only: a program that has ended has no children and no threads (so "no
    zombies" holds for it, deterministically, whenever it died)."""
    return count_ok(args.zombies, zombies) and count_ok(args.children, children) \
        and count_ok(args.threads, threads)


def processes(line: int, args: ExpectProcesses, alive: bool, zombies: int, children: int,
              threads: int) -> Check:
    wanted = [f"{_count_text(c)} {what}" for what, c in
              (("zombie children", args.zombies), ("live children", args.children),
               ("threads", args.threads)) if c is not None]
    desc = f"{args.program} has " + (", ".join(wanted) or "a running process")
    if processes_ok(args, alive, zombies, children, threads):
        return _ok(line, "expect_processes", desc)
    if not alive:
        return _fail(line, "expect_processes", desc, ", ".join(wanted),
                     "the program is not running any more (it has no children nor threads)",
                     args)
    actual = f"{zombies} zombie children, {children} live children, {threads} threads " \
             f"(after {args.within:g} s)"
    if not count_ok(args.zombies, zombies):
        actual += ": children that exited were never reaped with wait()/waitpid()"
    return _fail(line, "expect_processes", desc, ", ".join(wanted), actual, args)


def sockets(line: int, args: StepArgs, port: int, state: str, present: bool,
            states_seen: Sequence[str]) -> Check:
    desc = f"a socket on port {port} is {'' if present else 'not '}in {state}"
    if (state in states_seen) == present:
        return _ok(line, "expect_sockets", desc)
    seen = ", ".join(sorted(set(states_seen))) or "no socket at all"
    return _fail(line, "expect_sockets", desc, f"{'' if present else 'no '}{state}",
                 f"sockets on port {port}: {seen}", args)


def file(line: int, args: StepArgs, path: str, content: bytes | None,
         want: bytes | None, size: int | None) -> Check:
    desc = f"the file {path}"
    if content is None:
        return _fail(line, "expect_file", desc, "the file exists", "there is no such file", args)
    if want is not None:
        if content == want:
            return _ok(line, "expect_file", desc)
        n = min(len(content), len(want))
        diff = next((i for i in range(n) if content[i] != want[i]), n)
        return _fail(line, "expect_file", desc, f"{preview(want)} ({len(want)} bytes)",
                     f"{preview(content)} ({len(content)} bytes); they differ from byte {diff}",
                     args)
    if size is not None and len(content) != size:
        return _fail(line, "expect_file", desc, f"{size} bytes", f"{len(content)} bytes", args)
    return _ok(line, "expect_file", desc)


def simple(line: int, step: str, description: str, failure: str, args: StepArgs | None,
           expected: str = "") -> Check:
    """A check whose only evidence is '' (it worked) or what went wrong."""
    if not failure:
        return _ok(line, step, description)
    return _fail(line, step, description, expected or description, failure, args)
