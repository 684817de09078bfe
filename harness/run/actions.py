"""What each step does: the step handlers, found through the HANDLERS table.

Rules this module keeps:
- One method per step kind, named after it; a step never judges by itself, it hands
  what it observed to a pure function in `judge`.
- Steps on programs live in act_programs, on the network in act_network; the rest
  (processes, files, repeat) here, where the table is assembled.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.i18n import _
from harness.judge import epoll as judge_epoll
from harness.judge import ipc as judge_ipc
from harness.judge import stream
from harness.run import quiet, sockstate
from harness.run.context import BehaviourFailed, RunContext
from harness.run.network_steps import NetworkSteps
from harness.run.program_steps import ProgramSteps
from harness.sandbox import procs, procwatch, sysvipc
from harness.spec import steps
from harness.spec.model import Step
from harness.textutil import shown_name

__all__ = ["HANDLERS", "Actions", "BehaviourFailed", "RunContext"]


class Actions(ProgramSteps, NetworkSteps):
    def run(self, todo: Sequence[Step]) -> None:
        for step in todo:
            self.current = step
            self.quiet = ("", "")
            self.looping = {}
            quiet.note(self)
            HANDLERS[step.kind](self, step, step.args)

    def expect_processes(self, step: Step, a: steps.ExpectProcesses) -> None:
        pid = self.program(a.program).pid
        seen: dict[str, procwatch.TreeSample] = {}  # the last sample, the last while it ran

        def settled() -> bool:
            s = seen["now"] = procwatch.sample_tree(pid)
            if s.alive:
                seen["running"] = s
            # an ended program's counts cannot change: no use waiting on
            return not s.alive or stream.processes_ok(a, s.alive, s.zombies, s.children,
                                                     s.threads)

        # judged on the sample that ended the wait: a second look could find a program
        # that has exited since, or one that just got there
        self.await_programs(settled, self.within(a.within),
                            _("its processes will not change"))
        s, ran = seen["now"], seen.get("running")
        ok = stream.processes_ok(a, s.alive, s.zombies, s.children, s.threads)
        if not ok and not s.alive and ran is not None:
            self.check(stream.processes(step.line, a, True, ran.zombies, ran.children,
                                       ran.threads, ended=True))
            return
        self.check(stream.processes(step.line, a, s.alive, s.zombies, s.children, s.threads))

    def expect_ipc(self, step: Step, a: steps.ExpectIpc) -> None:
        prog = self.program(a.program)
        ended = prog.wait(self.within(a.within)) is not None
        counts = sysvipc.count(prog.ipc_ns) if prog.ipc_ns is not None else None
        self.check(judge_ipc.ipc(step.line, a, counts, ended))

    def expect_epoll(self, step: Step, a: steps.ExpectEpoll) -> None:
        pid = self.program(a.program).pid

        if procwatch.epoll_watches(pid) is None:  # the machine's limit, not the student's
            self.not_here(step.line, "expect_epoll", _("what {program}'s epoll watches").format(
                program=a.program), _("the grader may not read another user's /proc/PID/"
                                      "fdinfo here (no CAP_SYS_PTRACE): grade it as root on "
                                      "a VM"), stop=False)
            return

        def seen() -> tuple[list[judge_epoll.Watch], set[int]]:
            listeners = {e.inode for e in sockstate.tcp_sockets() if e.state == "LISTEN"}
            return [judge_epoll.Watch(*w) for w in procwatch.epoll_watches(pid) or []], listeners

        procs.wait_for(lambda: judge_epoll.epoll_ok(a, *seen()), self.within(a.within))
        self.check(judge_epoll.epoll(step.line, a, a.program, *seen()))

    def expect_file(self, step: Step, a: steps.ExpectFile) -> None:
        path = (self.workdir / self.sub(a.path)).resolve()
        want = self.sub(a.text).encode() if a.text is not None else None
        if a.file is not None:
            want = self.spec.files[a.file].content()
        if a.same_as is not None:
            want = read_own_file(self.workdir / self.sub(a.same_as), self.workdir.resolve(),
                                 self.walls.layers.uid)
            if want is None:
                self.check(stream.simple(step.line, "expect_file", _("the file {path}").format(
                    path=a.path), _("the submission has no file {name} to compare it "
                                    "with").format(name=a.same_as), a))
                return

        def content() -> bytes | None:
            if not path.is_relative_to(self.workdir.resolve()):
                return None
            return read_own_file(path, self.workdir.resolve(), self.walls.layers.uid)

        pattern = self.sub(a.pattern) if a.pattern is not None else None
        procs.wait_for(lambda: stream.file(step.line, a, a.path, content(), want, a.size,
                                          pattern).passed, self.within(a.within))
        got = content()
        made = () if got is not None else tuple(sorted(
            shown_name(n) for n in set(os.listdir(self.workdir)) - self.found_names))
        self.check(stream.file(step.line, a, a.path, got, want, a.size, pattern, made))

    def repeat(self, step: Step, a: steps.Repeat) -> None:
        for i in range(1, a.times + 1):
            self.vars["i"] = str(i)
            self.run(step.children)
        self.vars.pop("i", None)



def read_own_file(path: Path, within: Path, uid: int | None) -> bytes | None:
    """A regular file the program made, read without following a link it may swap in
    meanwhile: the file actually opened must lie in its directory (and be its uid's),
    or the grader would show a student a file only root may read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        real = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if (not stat.S_ISREG(st.st_mode) or not real.is_relative_to(within)
                or (uid is not None and st.st_uid != uid)):
            return None
        return f.read(64 << 20)


HANDLERS: dict[str, Callable[[Actions, Step, Any], None]] = {
    name: getattr(Actions, name) for name in steps.STEPS
}
