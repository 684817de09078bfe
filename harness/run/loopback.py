"""The host's loopback made private to one behaviour, where no network namespace can be
made (Docker: Gradescope, PrairieLearn).

Rules this module keeps:
- Programs keep the spec's port: they are started with it and see it everywhere, while
  the portmap library (LD_PRELOAD) puts them on a port this behaviour alone holds. The
  harness's own sockets use that port (`wire`). Two behaviours at once never meet, even
  when a program hard-codes its port.
- A program the library cannot reach (a static binary) runs with the spec's port
  itself, one behaviour at a time machine-wide (a lock), and the notes say so.
- Nothing is dropped silently: every choice made here is a note of the outcome.
"""

from __future__ import annotations

import functools
import re
import socket
import struct
from dataclasses import dataclass, field
from pathlib import Path

from harness.i18n import _
from harness.run.submission import BuildFailure, Built
from harness.sandbox import hostports, portmap
from harness.spec.model import Spec

# how long a behaviour that needs the spec's port itself waits for it: other graders'
# behaviours, then a TIME_WAIT (60 s) a program without SO_REUSEADDR would trip on
EXACT_WAIT = 180.0


@dataclass
class Loopback:
    port: int  # the behaviour's port on the wire
    ports: dict[int, int]  # spec's port -> the behaviour's (empty when not mapped)
    held: hostports.Held
    notes: list[str] = field(default_factory=list)

    def wire(self, port: int) -> int:
        return self.ports.get(port, port)

    def env(self, hosts: str | None = None) -> dict[str, str]:
        """A program's environment additions (raises portmap.Unavailable)."""
        if not self.ports and hosts is None:
            return {}
        return portmap.environment(self.ports, hosts)

    def release(self) -> None:
        self.held.release()


def unmappable(builds: dict[str, Built | BuildFailure], build_dir: Path) -> str:
    """Why the library cannot reach some program of the spec ('' if it reaches all)."""
    try:
        portmap.library()
    except portmap.Unavailable as exc:
        return str(exc)
    for built in builds.values():
        if isinstance(built, Built):
            python = built.how == "python"
            why = portmap.mappable(Path(built.argv(build_dir)[0]), system=python)
            if why:
                return why
    return ""


def open_loopback(spec: Spec, builds: dict[str, Built | BuildFailure],
                  why_not: str, slow: float) -> Loopback:
    """Hold this behaviour's port; `why_not`: why the programs cannot be mapped ('' if
    they can). Raises hostports.PortBusy."""
    if not why_not:
        held = hostports.any_free()
        return Loopback(held.port, {spec.port: held.port}, held, [_(
            "no private network namespace: ran on the host's loopback, the programs' port "
            "{port} mapped to {wire} for this behaviour alone (LD_PRELOAD)").format(
                port=spec.port, wire=held.port)])
    held = hostports.exactly(spec.port, EXACT_WAIT * slow)
    return Loopback(spec.port, {}, held, [_(
        "no private network namespace, and the port of a program cannot be mapped here "
        "({why}): ran on the host's loopback with port {port}, one behaviour at a time"
    ).format(why=why_not, port=spec.port)])


_MULTICAST = re.compile(r"(?<![\d.])2(?:2[4-9]|3\d)\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])")


@functools.cache
def _no_multicast() -> str:
    """Why a multicast group cannot be joined here ('' if it can). A container's own
    network namespace may have only `lo`, without the multicast route the harness adds
    in a namespace of its own (that needs CAP_NET_ADMIN)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack(
                "4s4s", socket.inet_aton("239.255.91.90"), socket.inet_aton("0.0.0.0")))
        except OSError as exc:
            return exc.strerror or str(exc)
    return ""


def lacking(spec: Spec) -> str:
    """What the spec needs that the host's loopback here cannot give ('' if nothing)."""
    if _MULTICAST.search(spec.path.read_text(encoding="utf-8")) and _no_multicast():
        return _("the spec uses a multicast group, and no interface here can join one "
                 "({why})").format(why=_no_multicast())
    return ""
