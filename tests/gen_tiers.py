"""docs/tiers.md: what each environment can grade, generated from the specs.

    python tests/gen_tiers.py          # rewrite docs/tiers.md

The decision is static: a behaviour is *not gradable here* in a tier when one of its
steps needs what the tier lacks (`LACKS`), read from the spec's step kinds and, for an
ordinary user without namespaces (no capture at all), from whether the harness's own
socket can judge each packet rule (`socket_can_judge`, asked of the judge itself).
tests/test_tier_matrix.py grades every spec's correct program and a mutant in each tier
and holds this table to what happens: a behaviour is `ungradable` there exactly where
the table says so, and a behaviour the table marks is never a pass.

Not in the table, because they depend on the submission or the moment, not the spec and
the tier: a statically linked program that a spec's name table cannot reach without a
mount namespace, and no free port on the host's loopback (each says so when it happens).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.judge import sockview  # noqa: E402
from harness.spec.model import Spec, Step, load_spec  # noqa: E402
from harness.spec.observe_steps import PacketRule  # noqa: E402

DOC = ROOT / "docs" / "tiers.md"

# tier -> (where it is, how to reproduce it here)
TIERS = {
    "root": ("root on a VM or a CI runner with sudo: network, mount and IPC namespaces, "
             "cgroups", "`sockgrade check ...` as root"),
    "userns": ("an ordinary user where the kernel allows unprivileged user namespaces: "
               "the grader enters one of its own with network, mount and IPC namespaces "
               "inside", "`runuser -u NAME -- sockgrade check ...`"),
    "nouserns": ("an ordinary user without user namespaces (Ubuntu 24.04's AppArmor rule, "
                 "`user.max_user_namespaces=0`): the host's loopback, no packet capture",
                 "`python tests/tier_user_wrap.py runuser -u NAME -- sockgrade check ...`"),
    "docker": ("Docker as Gradescope runs it: root with Docker's 14 capabilities, seccomp "
               "refusing namespaces and mounts, read-only cgroups, the host's network",
               "`../shared/envs/dockerlike.sh sockgrade check ...`"),
    "docker-nonet": ("the same with only `lo` (PrairieLearn, `docker run --network none`)",
                     "`../shared/envs/dockerlike.sh --nonet sockgrade check ...`"),
}

# what a check needs that a tier may lack
IPC = "System V objects counted in an IPC namespace of the run's own"
NO_ACKS = "holding back ACKs (a socket filter on a TCP socket is refused)"
EPOLL = "reading the program's /proc/PID/fdinfo (CAP_SYS_PTRACE)"
MULTICAST = "a multicast group on a lone `lo` (no route without CAP_NET_ADMIN)"
CAPTURE = "packet capture (the harness's own socket cannot tell: {rules})"
LACKS: dict[str, set[str]] = {
    "root": set(),
    "userns": set(),
    "nouserns": {IPC, NO_ACKS, CAPTURE},
    "docker": {IPC, NO_ACKS, EPOLL},
    "docker-nonet": {IPC, NO_ACKS, EPOLL, MULTICAST},
}
_MULTICAST = re.compile(r"(?<![\d.])2(?:2[4-9]|3\d)\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])")


def walk(steps: Sequence[Step]) -> Iterator[Step]:
    for s in steps:
        yield s
        yield from walk(s.children)


def socket_can_judge(rule: PacketRule) -> bool:
    """Whether sockview can ever give this rule a verdict: asked of the judge itself,
    with every observation that could prove or disprove it."""
    patterns = [p for p in (rule.some, rule.none, *(rule.order or [])) if p is not None]
    payloads = [p.payload.encode() for p in patterns if p.payload is not None]
    urgent = tuple(p.urgent_byte.encode("latin-1")[0] for p in patterns
                   if p.urgent_byte is not None)
    every = b"".join(payloads)
    views = [sockview.SocketView(eof=True), sockview.SocketView(reset=True),
             sockview.SocketView(watching=True), sockview.SocketView(urgent=urgent),
             *(sockview.SocketView(received=p, data_segs_in=1) for p in payloads),
             sockview.SocketView(received=every, data_segs_in=len(every))]
    return any(sockview.rule_verdict(rule, v) is not None for v in views)


def needs(spec: Spec, tier: str) -> dict[str, list[str]]:
    """behaviour id -> what it needs that `tier` lacks (only those that need something)."""
    lacks = LACKS[tier]
    multicast = MULTICAST in lacks and bool(
        _MULTICAST.search(spec.path.read_text(encoding="utf-8")))
    out: dict[str, list[str]] = {}
    for b in spec.behaviours:
        why: list[str] = [MULTICAST] if multicast else []
        for s in walk(b.steps):
            args = s.args
            if s.kind == "expect_ipc" and not getattr(args, "optional", False):
                why.append(IPC)
            elif s.kind == "connect" and getattr(args, "no_acks_for", None):
                why.append(NO_ACKS)
            elif s.kind == "expect_epoll":
                why.append(EPOLL)
            elif s.kind == "expect_packets" and not getattr(args, "optional", False):
                blind = [sockview.describe(r) for r in getattr(args, "rules", [])
                         if not socket_can_judge(r)]
                if blind:
                    why.append(CAPTURE.format(rules="; ".join(blind)))
        why = [w for w in why if w in lacks or (CAPTURE in lacks and w.startswith("packet"))]
        if why:
            out[b.id] = sorted(set(why))
    return out


def socket_judged(spec: Spec, tier: str) -> set[str]:
    """Behaviours `tier` grades from the harness's own socket (it has no capture): where
    the socket cannot tell in a run, the behaviour is not gradable there."""
    if CAPTURE not in LACKS[tier]:
        return set()
    return {b.id for b in spec.behaviours
            if any(s.kind == "expect_packets" for s in walk(b.steps))} - set(needs(spec, tier))


def os_level(spec: Spec, behaviour: str) -> bool:
    """A behaviour some check of which only the wire, the kernel or the sandbox shows."""
    b = next(x for x in spec.behaviours if x.id == behaviour)
    return any(s.kind in ("expect_packets", "expect_ipc", "expect_epoll")
               or (s.kind == "connect" and getattr(s.args, "no_acks_for", None))
               for s in walk(b.steps)) or any(
                   p.hosts is not None for p in spec.programs.values())


def specs() -> list[Spec]:
    return [load_spec(p) for p in sorted([*(ROOT / "specs").glob("*.yaml"),
                                          *(ROOT / "specs" / "variants").glob("*.yaml")])]


SOCKET = "judged from the harness's own socket where it can tell, else not gradable here"


def _cell(why: list[str] | None) -> str:
    return "gradable" if not why else "**not gradable here**: " + "; ".join(why)


def render() -> str:
    all_specs = specs()
    total = sum(len(s.behaviours) for s in all_specs)
    tables = {t: {(s.assignment, b): w for s in all_specs for b, w in needs(s, t).items()}
              for t in TIERS}
    by_socket = {t: {(s.assignment, b) for s in all_specs for b in socket_judged(s, t)}
                 for t in TIERS}
    lines = [
        "# What each environment can grade",
        "",
        "Generated by `python tests/gen_tiers.py` from `specs/*.yaml`, `specs/variants/*.yaml` "
        "and the judge's "
        "own rules. Do not edit by hand. `tests/test_tier_matrix.py` grades every spec's "
        "correct program and a mutant in every tier below and holds this table to what "
        "happens (a behaviour is reported not gradable exactly where the table says); "
        "`tests/test_tier_matrix.py::test_the_tiers_doc_is_generated_from_the_specs` "
        "fails when the table is stale.",
        "",
        "A behaviour *not gradable here* is never a pass and never a fail: every output "
        "says so, with what the environment lacks; grade it as root on a VM. Without "
        "namespaces each behaviour runs on the host's loopback on a port of its own "
        "(programs keep the spec's port: an LD_PRELOAD library maps it, and answers "
        "`gethostbyname`/`gethostbyaddr` from the spec's table); a statically linked "
        "program cannot be mapped, so its behaviours run one at a time on the spec's port "
        "(and, where a spec gives a name table, are not gradable without a mount namespace).",
        "",
        "## The tiers",
        "",
        "| tier | where | try it | gradable behaviours |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t} | {what} | {how} | {total - len(tables[t])} of {total}"
              + (f" ({len(by_socket[t])} from the harness's own socket)" if by_socket[t] else "")
              + " |" for t, (what, how) in TIERS.items()]
    listed = set().union(*tables.values(), *by_socket.values())
    lines += [
        "",
        "Without any capture (an ordinary user without namespaces) a packet rule is judged "
        "from what the harness's own socket saw, where that is proof:",
        "",
        "| rule | judged from |", "|---|---|",
        *(f"| `{rule}` | {how} |" for rule, how in sockview.JUDGED.items()),
        "",
        "Any other packet rule makes its behaviour not gradable there. A behaviour judged "
        "this way is graded where the socket proves the rule true or false; where it "
        "cannot tell this time (the harness's socket was closed before an RST could "
        "show, the bytes came in two segments: TCP_INFO says no more) it is not "
        "gradable there, never a pass.",
        "",
        "## Behaviours some tier cannot grade",
        "",
        f"Every behaviour not listed ({total - len(listed)} of {total}) is gradable in "
        "every tier.",
        "",
        "| assignment | behaviour | " + " | ".join(TIERS) + " |",
        "|---|---|" + "---|" * len(TIERS),
    ]
    for key in sorted(listed):
        lines.append(f"| {key[0]} | {key[1]} | " + " | ".join(
            SOCKET if key in by_socket[t] else _cell(tables[t].get(key)) for t in TIERS) + " |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
