"""Verdicts on captured packets: `expect_packets` rules over the frames of one connection.

Rules this module keeps:
- Pure, like the rest of `judge`: frames and a count of missed packets in, a Check out.
- The runner waits with `packet_failures`, the predicate the verdict uses, so waiting and
  judging can never disagree; and it stops waiting once `decided`: the captured frames
  only grow, so a forbidden packet captured, a wanted one, or an order seen stays so, and
  a rule that failed that way fails the same (with the same words) however long it waits.
- A capture that missed packets (`missed` > 0) holds a subsequence of what was sent. Only
  what that subsequence proves is a verdict: a forbidden packet that was captured is a
  failure, a wanted packet (or order) that was captured is a pass. Anything else, above
  all "no forbidden packet was seen", could not be judged: the Check says so (`unjudged`)
  and is neither a pass nor the student's failure.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.i18n import _
from harness.spec.steps import ExpectPackets, PacketPattern, PacketRule
from harness.transcript import Check, Frame

FLAG_NAMES = {"S": "SYN", "F": "FIN", "R": "RST", "P": "PSH", "A": "ACK", ".": "ACK", "U": "URG"}


def describe_pattern(p: PacketPattern) -> str:
    parts = []
    if p.flags:
        parts.append("+".join(FLAG_NAMES.get(ch.upper(), ch) for ch in p.flags))
    if p.data is True:
        parts.append(_("with data"))
    if p.data is False:
        parts.append(_("without data"))
    if p.payload is not None:
        parts.append(_("carrying {payload}").format(payload=repr(p.payload)))
    if p.urg_ptr is not None:
        parts.append(_("urgent pointer {n}").format(n=p.urg_ptr))
    if p.urgent_byte is not None:
        parts.append(_("URG with the urgent pointer just past {byte}").format(
            byte=repr(p.urgent_byte)))
    who = {"program": _(" from the program"),
           "harness": _(" from the harness")}.get(p.sender or "", "")
    return (" ".join(parts) or _("any packet")) + who


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
        return _("no packet {what} was captured").format(what=describe_pattern(rule_some))
    if rule_none is not None:
        hit = next((f for f in frames if matches(rule_none, f, harness_port)), None)
        if hit is not None:
            return _("a packet {what} was captured at {t} s").format(
                what=describe_pattern(rule_none), t=f"{hit.t:.3f}")
    if order:
        at = 0
        for i, p in enumerate(order):
            idx = next((k for k in range(at, len(frames)) if matches(p, frames[k], harness_port)),
                       None)
            if idx is None:
                if i:
                    return _("no packet {what} after {prev} was captured").format(
                        what=describe_pattern(p), prev=describe_pattern(order[i - 1]))
                return _("no packet {what} was captured").format(what=describe_pattern(p))
            at = idx + 1
    return ""


def packet_failures(args: ExpectPackets, frames: Sequence[Frame], harness_port: int) -> list[str]:
    out = []
    for r in args.rules:
        why = rule_failure(r.some, r.none, r.order, frames, harness_port)
        if why:
            out.append(why)
    return out


def decided(args: ExpectPackets, frames: Sequence[Frame], harness_port: int) -> bool:
    """Whether more frames can no longer change any rule's failure: each rule holds, or
    is a `none` rule whose forbidden packet has been captured (a missing `some` or
    `order` packet may still come)."""
    return all(not rule_failure(r.some, r.none, r.order, frames, harness_port)
               or r.none is not None for r in args.rules)


def packets(line: int, args: ExpectPackets, frames: Sequence[Frame], harness_port: int,
            missed: int = 0) -> Check:
    """The verdict of `expect_packets`; `missed`: packets the capture lost (see above)."""
    wanted = []
    for r in args.rules:
        if r.some is not None:
            wanted.append(_("a packet {what}").format(what=describe_pattern(r.some)))
        if r.none is not None:
            wanted.append(_("no packet {what}").format(what=describe_pattern(r.none)))
        if r.order:
            wanted.append(_("in order: {packets}").format(
                packets=_(", then ").join(describe_pattern(p) for p in r.order)))
    desc = _("packets on {conn}: {wanted}").format(conn=args.conn, wanted="; ".join(wanted))
    failures = packet_failures(args, frames, harness_port)
    if missed:
        # a forbidden packet seen is proof; a missing one may be among the lost
        failures = [why for r in args.rules
                    if (why := rule_failure(None, r.none, None, frames, harness_port))]
        if not failures and not all(_proven(r, frames, harness_port) for r in args.rules):
            why = _("the packet capture missed {n} packets").format(n=missed)
            return Check(line, "expect_packets", desc, False, "; ".join(wanted),
                         _("could not be judged: {why}").format(why=why), unjudged=why)
    if not failures:
        return Check(line, "expect_packets", desc, True)
    hint = args.hint if args.hint else ""
    return Check(line, "expect_packets", desc, False, "; ".join(wanted), "; ".join(failures),
                 hint)


def _proven(r: PacketRule, frames: Sequence[Frame], harness_port: int) -> bool:
    """The rule holds on any capture that contains these frames: it forbids nothing,
    and what it wants is among them."""
    return r.none is None and not rule_failure(r.some, None, r.order, frames, harness_port)
