"""Verdicts on the System V IPC objects a program left behind: pure functions.

Rules this module keeps:
- No I/O: the step hands over how many segments, semaphore sets and queues its IPC
  namespace held (or None: it could not look), whether the program had ended, and gets a
  Check back.
- A check that could not be made is skipped, never failed nor passed: the student is
  not to blame for a machine without namespaces, and the behaviour is not gradable here
  (unless the spec marks the check optional).
- The failure names what is left and the call that removes it.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.i18n import _
from harness.judge.stream import _count_text, count_ok
from harness.spec.steps import Count, ExpectIpc
from harness.transcript import Check

_NOTHING = Count(min=None, max=0)


def wanted(args: ExpectIpc) -> dict[str, Count]:
    """The bounds asked for; none given means nothing of any kind may be left."""
    given = {k: c for k, c in (("shm", args.shm), ("sem", args.sem), ("msg", args.msg))
             if c is not None}
    return given or {"shm": _NOTHING, "sem": _NOTHING, "msg": _NOTHING}


def ipc_ok(args: ExpectIpc, counts: Mapping[str, int]) -> bool:
    return all(count_ok(c, counts.get(k, 0)) for k, c in wanted(args).items())


def _over(c: Count, n: int) -> bool:
    return c.max is not None and n > c.max


def _names() -> dict[str, str]:
    return {"shm": _("shared memory segments"), "sem": _("semaphore sets"),
            "msg": _("message queues")}


def _removal() -> dict[str, str]:
    return {"shm": _("shmctl(id, IPC_RMID, NULL) removes a segment (once every process "
                     "has detached it with shmdt)"),
            "sem": _("semctl(id, 0, IPC_RMID) removes a semaphore set"),
            "msg": _("msgctl(id, IPC_RMID, NULL) removes a message queue")}


def ipc(line: int, args: ExpectIpc, counts: Mapping[str, int] | None, ended: bool) -> Check:
    want = wanted(args)
    names = _names()
    what = ", ".join(_("{n} {kind}").format(n=_count_text(c), kind=names[k])
                     for k, c in want.items())
    desc = _("{program} leaves {what} when it ends").format(program=args.program, what=what)
    if counts is None:
        return Check(line, "expect_ipc", desc, True, skipped=_(
            "no IPC namespace of its own in this environment: grade it as root on a VM"),
            optional=args.optional)
    if ipc_ok(args, counts):
        return Check(line, "expect_ipc", desc, True)
    left = [k for k, c in want.items() if not count_ok(c, counts.get(k, 0))]
    actual = _("left in the system: {what}").format(what=", ".join(
        _("{kind}: {n}").format(n=counts.get(k, 0), kind=names[k]) for k in left))
    if not ended:
        actual += _(" (the program had not ended after {s} s)").format(s=f"{args.within:g}")
    too_many = [k for k in left if _over(want[k], counts.get(k, 0))]
    if too_many:
        actual += _(". What shmget/semget/msgget make outlives the program until it is "
                    "removed: ") + "; ".join(
                        _removal()[k] for k in too_many)
    hint = args.hint if args.hint else ""
    return Check(line, "expect_ipc", desc, False, what, actual, hint)
