"""Packet rules judged from what the harness's own socket saw, where nothing can capture.

Rules this module keeps:
- Pure: a `SocketView` (what one harness socket recorded) and a rule give a verdict:
  True (the socket proves the rule holds), False (it proves it does not), or None (the
  socket cannot tell: the behaviour is then not gradable here). Never a guess.
- Proofs used: EOF is a FIN the program sent; ECONNRESET or EPIPE is an RST it sent; a
  socket still open in a state that records an RST, with none recorded, got none; a
  byte found at the urgent mark (SIOCATMARK, with SO_OOBINLINE) was sent with the
  urgent pointer just past it; TCP_INFO's count of data segments received, with the
  bytes received, shows how the bytes were cut (only where nothing was dropped on
  purpose, i.e. not with `no_acks_for`).
- `JUDGED` names the rule shapes judged this way (the docs' table of tiers reads it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.i18n import _
from harness.judge.packets import describe_pattern
from harness.spec.steps import ExpectPackets, PacketPattern, PacketRule
from harness.transcript import Check

JUDGED = {
    "some: {from: program, flags: F}": "EOF seen by the harness's socket (recv returned 0)",
    "some: {from: program, flags: R}": "ECONNRESET/EPIPE seen by the harness's socket",
    "none: {flags: R}": "no ECONNRESET/EPIPE while the harness's socket could still get one",
    "some: {from: program, urgent_byte: X}": "X read at the urgent mark (SIOCATMARK, "
                                             "SO_OOBINLINE); not seeing it proves nothing",
    "some: {from: program, payload: P}": "TCP_INFO: the bytes P arrived in one data segment",
    "order: [{from: program, payload: one byte}, ...]": "TCP_INFO: one data segment per "
                                                        "byte received, in order",
}


@dataclass(frozen=True)
class SocketView:
    received: bytes = b""
    eof: bool = False  # recv returned 0: the program's FIN
    reset: bool = False  # ECONNRESET or EPIPE: the program's RST
    aborted: bool = False  # the harness reset the connection itself (SO_LINGER 0)
    watching: bool = False  # open, in a state where an arriving RST would be recorded
    urgent: tuple[int, ...] = ()  # bytes read at the urgent mark
    data_segs_in: int | None = None  # TCP_INFO tcpi_data_segs_in
    dropping: bool = False  # the harness dropped segments on purpose (`no_acks_for`)


def _fields(p: PacketPattern) -> set[str]:
    return {k for k, v in p.model_dump(by_alias=False).items() if v is not None}


def _is(p: PacketPattern, flags: str, sender: str | None = "program") -> bool:
    return (_fields(p) <= {"sender", "flags"} and p.sender == sender
            and set((p.flags or "").upper()) == set(flags))


def _some(p: PacketPattern, v: SocketView) -> bool | None:
    if _is(p, "F"):
        return True if v.eof else False if (v.reset or v.watching) else None
    if _is(p, "R"):
        return True if v.reset else False if v.watching else None
    if (p.sender == "program" and p.urgent_byte is not None
            and _fields(p) <= {"sender", "urgent_byte", "flags"}
            and set((p.flags or "U").upper()) == {"U"}):
        return True if p.urgent_byte.encode("latin-1")[0] in v.urgent else None
    if (p.sender == "program" and p.payload is not None and not v.dropping
            and _fields(p) <= {"sender", "payload", "data"}
            and v.data_segs_in == 1 and v.received == p.payload.encode()):
        return True  # only if nothing else arrived: then that one segment carried it
    return None


def _none(p: PacketPattern, v: SocketView) -> bool | None:
    if _is(p, "R") or _is(p, "R", None):
        if v.reset or (p.sender is None and v.aborted):
            return False
        return True if v.watching else None
    return None


def _order(ps: Sequence[PacketPattern], v: SocketView) -> bool | None:
    payloads = [p.payload for p in ps]
    if v.dropping or not all(p.sender == "program" and _fields(p) <= {"sender", "payload"}
                             and p.payload is not None and len(p.payload.encode()) == 1
                             for p in ps):
        return None
    wanted = "".join(x or "" for x in payloads).encode()
    if v.received == wanted and v.data_segs_in == len(wanted):
        return True  # one byte per segment, in the order the stream holds them
    return None


def rule_verdict(rule: PacketRule, v: SocketView) -> bool | None:
    if rule.some is not None:
        return _some(rule.some, v)
    if rule.none is not None:
        return _none(rule.none, v)
    return _order(rule.order or [], v)


def describe(rule: PacketRule) -> str:
    if rule.some is not None:
        return _("a packet {what}").format(what=describe_pattern(rule.some))
    if rule.none is not None:
        return _("no packet {what}").format(what=describe_pattern(rule.none))
    return _("in order: {packets}").format(
        packets=_(", then ").join(describe_pattern(p) for p in rule.order or []))


def packets(line: int, args: ExpectPackets, v: SocketView) -> Check:
    """The step's check: failed if any rule is proven false, not checked (`skipped`, so
    not gradable) if any cannot be told, else passed; it says it was judged this way."""
    verdicts = [(describe(r), rule_verdict(r, v)) for r in args.rules]
    desc = _("packets on {conn}: {wanted}").format(
        conn=args.conn, wanted="; ".join(d for d, _v in verdicts))
    failed = [d for d, ok in verdicts if ok is False]
    if failed:
        hint = args.hint or ""
        return Check(line, "expect_packets", desc, False, "; ".join(d for d, _v in verdicts),
                     _("judged from the harness's own socket (no capture here): not so: "
                       "{rules}").format(rules="; ".join(failed)), hint)
    unknown = [d for d, ok in verdicts if ok is None]
    if unknown:
        return Check(line, "expect_packets", desc, True, skipped=_(
            "no packet capture in this environment") + "; " + _(
            "the harness's own socket cannot tell: {rules}").format(rules="; ".join(unknown)))
    return Check(line, "expect_packets", desc + _(" (judged from the harness's own socket)"),
                 True)
