"""Verdicts on how a program watches its connections with epoll: pure functions.

Rules this module keeps:
- No I/O: the step hands over what /proc showed (each watched descriptor's event mask
  and socket inode) and the inodes of the listening sockets, and gets a Check back.
- Listening sockets do not count: the book's edge-triggered server registers its
  listener level-triggered; what the assignment is about is how connections are watched.
- The waiting step polls with `epoll_ok`, the same predicate that decides the verdict.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from harness.i18n import _
from harness.spec.steps import ExpectEpoll
from harness.transcript import Check

EPOLLET = 1 << 31  # include/uapi/linux/eventpoll.h


@dataclass(frozen=True)
class Watch:
    """One descriptor an epoll instance of the program watches."""

    fd: int
    events: int
    inode: int


def connections(watched: Sequence[Watch], listeners: Collection[int]) -> list[Watch]:
    return [w for w in watched if w.inode not in listeners]


def _wrong(args: ExpectEpoll, conns: Sequence[Watch]) -> list[Watch]:
    return [w for w in conns if bool(w.events & EPOLLET) != args.edge_triggered]


def epoll_ok(args: ExpectEpoll, watched: Sequence[Watch], listeners: Collection[int]) -> bool:
    conns = connections(watched, listeners)
    return bool(conns) and not _wrong(args, conns)


def epoll(line: int, args: ExpectEpoll, program: str, watched: Sequence[Watch],
          listeners: Collection[int]) -> Check:
    mode = _("edge-triggered (EPOLLET)") if args.edge_triggered else _("level-triggered")
    desc = _("{program} watches its connections with epoll, {mode}").format(
        program=program, mode=mode)
    if epoll_ok(args, watched, listeners):
        return Check(line, "expect_epoll", desc, True)
    conns = connections(watched, listeners)
    if not watched:
        actual = _("{program} has no epoll instance watching anything").format(program=program)
    elif not conns:
        actual = _("its epoll instances watch only the listening socket, no connection")
    else:
        wrong = _wrong(args, conns)
        how = _("without EPOLLET") if args.edge_triggered else _("with EPOLLET")
        actual = _("connection descriptor {fds} is registered {how} (events {mask})").format(
            fds=", ".join(str(w.fd) for w in wrong), how=how, mask=f"0x{wrong[0].events:x}")
    return Check(line, "expect_epoll", desc, False, mode, actual, args.hint or "")
