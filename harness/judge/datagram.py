"""Verdicts on UDP datagrams, each judged whole: pure functions to a `Check`.

Rules this module keeps:
- No I/O, no clock: a verdict takes the datagram received (or None) and the step's
  arguments, so it can be tested with made-up datagrams.
- A datagram is compared whole, never as part of a stream: one cut short says the
  program's buffer is too small; one holding more than expected says two messages went
  out (or were taken) as one.
"""

from __future__ import annotations

import re

from harness.i18n import _
from harness.spec.steps import ExpectDatagram
from harness.textutil import preview
from harness.transcript import Check


def wanted(args: ExpectDatagram) -> bytes | None:
    """The exact bytes wanted (text, hex), or None when a pattern decides."""
    if args.text is not None:
        return args.text.encode()
    if args.hex is not None:
        return bytes.fromhex(args.hex)
    return None


def datagram_ok(args: ExpectDatagram, got: bytes) -> bool:
    want = wanted(args)
    if want is not None:
        return got == want
    return re.fullmatch(args.pattern or "", got.decode("utf-8", "surrogateescape")) is not None


def datagram(line: int, args: ExpectDatagram, conn: str, got: bytes | None,
             seconds: float, earlier: int) -> Check:
    """`earlier`: datagrams of this connection already taken by earlier steps."""
    def fail(actual: str) -> Check:
        return Check(line, "expect_datagram", desc, False, shown, actual, args.hint or "")

    want = wanted(args)
    shown = preview(want) if want is not None else f"/{args.pattern}/"
    desc = _("a datagram {what} on {conn}").format(what=shown, conn=conn)
    if got is None:
        more = _(" (after the {n} datagram(s) checked before)").format(n=earlier) \
            if earlier else ""
        return fail(_("no datagram arrived within {s} s{more}").format(
            s=f"{seconds:g}", more=more))
    if datagram_ok(args, got):
        return Check(line, "expect_datagram", desc, True)
    if want is not None and got and len(got) < len(want) and want.startswith(got):
        actual = _("the datagram was cut short: it holds only the first {got} of {want} "
                   "bytes ({data}). A datagram is received whole or cut to the buffer: is "
                   "the buffer given to recvfrom() smaller than the message?").format(
                       got=len(got), want=len(want), data=preview(got))
    elif want is not None and len(got) > len(want) and got.startswith(want):
        actual = _("one datagram of {got} bytes came, the expected {want} bytes and more "
                   "({data}): two messages went out as one datagram, or leftovers of an "
                   "earlier, longer message were sent along").format(
                       got=len(got), want=len(want), data=preview(got))
    elif not got:  # a datagram of 0 bytes is a datagram, not "(nothing)"
        actual = _("an empty datagram (0 bytes) came: was the length given to sendto() the "
                   "number of bytes read (0 at EOF), or strlen() of an empty buffer?")
    else:
        actual = _("a different datagram came: {data}").format(data=preview(got))
    return fail(actual)

