"""Steps on student programs: start, stop, signal, type on stdin, expect output/exit.

Rules this module keeps:
- A program counts as started when it is ready: listening on its port (servers), or
  printing the spec's pattern; a program that ends before that fails `start` with how
  it ended and what it printed.
- Output is matched from where the last match ended, however the program encodes its
  text; case does not matter unless the step says `exact`, and a step's `label` is
  matched loosely on the value's line (judge/labels.py): the value is what is graded.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

from harness.i18n import _
from harness.judge import labels
from harness.judge import stream as verdict
from harness.run import sockstate
from harness.run.context import RunContext, _printed
from harness.run.submission import BuildFailure
from harness.sandbox import portmap, procs, sysvipc, walls
from harness.spec import steps
from harness.spec.model import ReadyOutput, Step
from harness.spec.stepbase import StepArgs


class ProgramSteps(RunContext):
    def start(self, step: Step, a: steps.Start) -> None:
        name = self.sub(a.name or a.program)
        built = self.builds[a.program]
        desc = _("{program} builds and starts").format(program=a.program)
        if isinstance(built, BuildFailure):
            self.check(verdict.simple(step.line, "start", desc,
                                    f"{built.message}\n{built.log}".rstrip(), a,
                                    verdict.builds()))
            return
        pdef = self.spec.programs[a.program]
        argv = built.argv(self.workdir) + [self.sub(x) for x in (a.args or pdef.default_args())]
        stderr = self.private / f"{len(self.started)}.{name}.stderr"  # one per start
        hosts = None
        try:
            env = self.loopback.env() if self.loopback is not None else {}
            if pdef.hosts is not None and not self.walls.layers.namespaces:
                # no mount namespace to hold an /etc/hosts: the library answers instead
                why = portmap.mappable(Path(argv[0]), system=built.how == "python")
                if why:
                    raise portmap.Unavailable(why)
                env = portmap.environment(self.loopback.ports if self.loopback else {},
                                          self.sub(pdef.hosts))
        except portmap.Unavailable as exc:  # the machine's limit, not the student's
            self.not_here(step.line, "start", desc, _(
                "{program} must run on the host's loopback or with the spec's name table, "
                "and cannot be made to here ({why}): grade it as root on a VM").format(
                    program=a.program, why=exc))
        if pdef.hosts is not None and self.walls.layers.namespaces:
            hosts = self.private / f"{len(self.started)}.{name}.hosts"
            hosts.write_text(self.sub(pdef.hosts), encoding="utf-8")
            hosts.chmod(0o644)
        ipc_ns = sysvipc.new_namespace() if self.walls.layers.namespaces else None
        try:
            prog = procs.Program(name, argv, self.workdir, walls.clean_env(self.workdir, env),
                                 stderr, self.transcript,
                                 self.walls.jail(pdef.limits, self.workdir, hosts, ipc_ns),
                                 self.walls.oom_kills, ipc_ns)
        except BaseException:
            if ipc_ns is not None:
                os.close(ipc_ns)
            raise
        self.programs[name] = prog
        self.roles[name] = pdef.role
        self.started.append(prog)
        ready = pdef.readiness()
        if ready == "none":
            return
        port = self.port
        if isinstance(ready, ReadyOutput):
            self._expect_output(step, prog, ready.output, "stdout", self.within(a.within), a)
            return
        procs.wait_for(lambda: prog.poll() or sockstate.listening(port)
                       or sockstate.udp_bound(port), self.within(a.within))
        failure = ""
        if sockstate.listening(port) or sockstate.udp_bound(port):
            failure = ""
        elif (ended := prog.poll()) is not None:
            prog.settle_output()  # its last words (a usage line) may still be in the pty
            said = (_("it was {how} before listening on port {port}{printed}")
                    if ended.signal is not None else
                    _("it {how} before listening on port {port}{printed}"))
            failure = said.format(how=ended.describe(), port=self.vars["port"],
                                  printed=_printed(prog))
        else:
            # on the host's loopback every other listener of the machine would be named
            others = sorted({e.local_port for e in sockstate.tcp_sockets()
                             if e.state == "LISTEN"} | sockstate.udp_ports(prog.pid)
                            ) if self.loopback is None else []
            failure = _("it did not listen on port {port} within {s} s").format(
                port=self.vars["port"], s=f"{self.within(a.within):g}")
            if others:
                failure += _(" (it listens on {ports} instead: does it use the port given on "
                             "its command line?)").format(ports=", ".join(map(str, others)))
        self.check(verdict.simple(step.line, "start", _(
            "{name} starts and listens on port {port}").format(name=name, port=self.vars["port"]),
            failure, a))

    def stop(self, step: Step, a: steps.Stop) -> None:
        prog = self.program(a.program)
        procs.wait_for(lambda: procs.state(prog.pid) != "R", 0.5)  # as `signal`, below
        prog.send_signal(procs.signal_number(a.signal))
        if prog.wait(self.within(a.within)) is None:
            prog.send_signal(signal.SIGKILL)
            prog.wait(5)

    def signal(self, step: Step, a: steps.Signal) -> None:
        prog = self.program(a.program)
        # As a person presses Ctrl-C: once the program waits, not in the microseconds
        # between its write() and the end of its print(). A Python handler that prints
        # then raises "reentrant call" and the program dies (a correct program failed
        # so once in the soak). A program that never sleeps gets it after 0.5 s.
        procs.wait_for(lambda: procs.state(prog.pid) != "R", 0.5)
        prog.send_signal(procs.signal_number(a.signal))

    def sendline(self, step: Step, a: steps.SendLine) -> None:
        self.program(a.program).sendline(self.sub(a.text))

    def sendeof(self, step: Step, a: steps.SendEof) -> None:
        self.program(a.program).sendeof()

    def expect_output(self, step: Step, a: steps.ExpectOutput) -> None:
        seconds = a.within if a.absent else self.within(a.within)
        self._expect_output(step, self.program(a.program), self.sub(a.pattern), a.stream,
                            seconds, a, a.absent, a.anywhere, a.label,
                            0 if a.exact else re.IGNORECASE)

    def _expect_output(self, step: Step, prog: procs.Program, pattern: str, stream: str,
                       seconds: float, a: StepArgs, absent: bool = False,
                       anywhere: bool = False, label: list[str] | None = None,
                       flags: int = 0) -> None:
        key = (prog.name, stream)
        mark, earlier = (0, "") if anywhere else self._out_marks.get(key, (0, ""))
        rx = re.compile(pattern, flags)

        def text() -> str:
            # surrogateescape: one character per undecodable byte, so positions map back
            raw = prog.stdout() if stream == "stdout" else prog.stderr()
            return raw[mark:].decode("utf-8", "surrogateescape")

        def found() -> re.Match[str] | None:
            return labels.labelled_search(rx, text(), label)

        def settled() -> object:
            return found() or prog.poll() is not None

        took = self.await_programs(settled, seconds, _("it will print nothing more"),
                                   negative=absent)
        prog.settle_output()  # output printed just before exit may still be in the pty
        hit = found()
        shown = None if hit is None else labels.line_of(text(), hit) if label else hit.group(0)
        if hit is not None and not anywhere:
            self._out_marks[key] = (mark + len(text()[:hit.end()].encode(
                "utf-8", "surrogateescape")), shown or "")
        status = prog.poll()
        seen = text().encode("utf-8", "surrogateescape")
        got = verdict.Output(prog.name, stream, shown, seen,
                           status.describe() if status else None,
                           # a wait that ran out took its time-out, not the few ms
                           # past it that a loaded machine adds (the message is stable)
                           round(took, 2),
                           status is not None and status.signal is not None, earlier,
                           prog.stderr()[-400:] if stream == "stdout" and status else b"")
        self.check(verdict.output(step.line, a, pattern, absent, got, label))

    def expect_exit(self, step: Step, a: steps.ExpectExit) -> None:
        prog = self.program(a.program)
        seconds = a.within if a.running else self.within(a.within)
        self.await_programs(lambda: prog.poll() is not None, seconds,
                            _("it will not end by itself"), negative=a.running)
        st = prog.poll()
        self.check(verdict.exit_status(
            step.line, a, prog.name, st.describe() if st else None, st.code if st else None,
            procs.signal_name(st.signal) if st and st.signal else None, a.code,
            procs.signal_name(procs.signal_number(a.signal)) if a.signal else None,
            a.running, seconds))

