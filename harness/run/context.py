"""The state one behaviour's steps share, and the plumbing every step uses.

Rules this module keeps:
- One RunContext per behaviour run: the programs it started (every one, for teardown),
  the harness's connections and listeners, the checks so far, the `{name}` variables.
- A failed check raises BehaviourFailed: the behaviour stops there. Before it is
  recorded, a failed check is told which programs have ended and how, since a crash
  explains most failures. A check that could not be judged stops it too, as it is.
- Positive waits (`within`) are scaled by `slow`; negative ones are not.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.i18n import _
from harness.judge import diagnosis, quiescence, stream
from harness.run import diagnose, quiet
from harness.run.loopback import Loopback
from harness.run.peers import Conn, Listener
from harness.run.submission import BuildFailure, Built
from harness.sandbox import procs
from harness.sandbox.walls import NO_WALLS, RunWalls
from harness.spec.model import Behaviour, Spec, Step, substitute
from harness.spec.stepbase import situation_names
from harness.transcript import Check, Transcript


class BehaviourFailed(Exception):
    """A check failed; the behaviour ends here."""


class RunContext:
    def __init__(self, spec: Spec, builds: dict[str, Built | BuildFailure], workdir: Path,
                 private: Path, port: int, transcript: Transcript, capture: Any,
                 slow: float, walls: RunWalls = NO_WALLS, loopback: Loopback | None = None,
                 quiescence: bool = True) -> None:
        self.spec = spec
        self.loopback = loopback  # on the host's loopback: the programs' ports mapped
        self.quiescence = quiescence  # end a wait early once the programs cannot answer
        self.walls = walls
        self.builds = builds
        self.workdir = workdir
        self.private = private
        self.port = port
        self.transcript = transcript
        self.capture = capture
        self.slow = slow
        # programs see the spec's port even where the wire carries another (`wire`)
        self.vars: dict[str, str] = {"port": str(spec.port if loopback else port),
                                     "host": "127.0.0.1"}
        self.programs: dict[str, procs.Program] = {}  # by instance name, the latest
        self.started: list[procs.Program] = []  # every one, for teardown
        self.roles: dict[str, str] = {}
        self.current: Step | None = None  # the step being run (its points, for check())
        # when this step's wait ended before its time-out: what the programs wait in, and
        # what that leaves undone ("it has nothing more to send")
        self.quiet = ("", "")
        self.looping: dict[int, str] = {}  # pids its wait proved to loop for ever: the call
        self.behaviour: Behaviour | None = None  # its hint is a failed step's fallback
        self.marks: list[tuple[float, dict[int, str]]] = []  # when threads last ran
        for name, fdef in spec.files.items():
            (workdir / name).write_bytes(fdef.content())
        # what the programs found there: a file they make is told by its absence here
        self.found_names = frozenset(os.listdir(workdir))
        self.conns: dict[str, Conn] = {}
        self.listeners: dict[str, Listener] = {}
        self.checks: list[Check] = []
        # (program, stream) -> where the last match ended, and what it matched
        self._out_marks: dict[tuple[str, str], tuple[int, str]] = {}

    # ---- plumbing -----------------------------------------------------------------

    def check(self, c: Check, dying: bool = False) -> None:
        """Record a verdict; a failure ends the behaviour. `dying`: the step itself saw
        what a dying program does (a refused connect, a failed send)."""
        if self.current is not None and self.current.args.points is not None:
            c = dataclasses.replace(c, points=self.current.args.points)
        if c.hint:  # a hint may name what the run found, e.g. {port} or a socket option
            c = dataclasses.replace(c, hint=self.sub(c.hint))
        if not c.passed and not c.unjudged:
            # a crash explains most failures: say which programs ended, and how. A dying
            # program's sockets refuse, reset or close before its exit can be seen
            if dying or any(conn.reset or conn.eof for conn in self.conns.values()):
                self._settle_crash()
            c = self._diagnosed(c)
            if self.quiet[0]:  # after the diagnosis: what it says is not said twice
                c = quiescence.explained(c, *self.quiet)
            ended = [said + printed for how, said, printed in self._ended()
                     if how not in c.actual]
            if ended:
                c = dataclasses.replace(c, actual=f"{c.actual}; " + "; ".join(ended))
        elif self.quiet[0]:
            c = quiescence.explained(c, *self.quiet)
        self.checks.append(c)
        self.transcript.add("harness", "check", note=(
            "ok: " if c.passed else "NOT JUDGED: " if c.unjudged else "FAILED: ")
            + c.description)
        if not c.passed:
            raise BehaviourFailed(c.description)

    def _diagnosed(self, c: Check) -> Check:
        """What the programs are doing, said first; the step's hint (or the behaviour's)
        unless what was seen contradicts it."""
        seen = diagnose.look(self)
        for line in seen.details:
            self.transcript.add("harness", "seen", note=line)
        args = self.current.args if self.current is not None else None
        hint, hint_for, hint_not_for = (
            (c.hint, situation_names(args.hint_for), situation_names(args.hint_not_for))
            if c.hint and args
            else (self.sub(self.behaviour.hint), self.behaviour.hint_for,
                  self.behaviour.hint_not_for) if self.behaviour is not None
            else (c.hint, (), ()))
        if c.step == "start" and c.expected == stream.builds():
            hint = ""  # no program ran: no hint about what it does can fit
        elif hint and not diagnosis.hint_fits(seen, hint_for, hint_not_for):
            self.transcript.add("harness", "hint withheld", note=_(
                "the spec's hint does not fit what the program was seen doing"))
            hint = ""
        return dataclasses.replace(c, diagnosis=seen.text, hint=hint)

    def await_programs(self, ready: Callable[[], object], seconds: float, then: str,
                       pause: Callable[[float], object] | None = None,
                       negative: bool = False) -> float:
        """Wait until `ready()` or `seconds` pass, or until the programs provably cannot
        make it true (quiescence: `then` says what follows, e.g. "it has nothing more to
        send"). Returns the seconds to report: the whole time-out when quiescence ended
        the wait, as the verdict is the one the time-out would have given."""
        start = time.monotonic()
        why = quiet.wait(self, ready, seconds, pause, negative)
        if why:
            self.quiet = (why, then)
            self.transcript.add("harness", "quiet", note=f"{why}: {then}")
            return seconds
        return min(time.monotonic() - start, seconds)

    def within(self, seconds: float) -> float:
        return seconds * self.slow

    def sub(self, value: str | int) -> str:
        return substitute(str(value), self.vars)

    def port_of(self, value: str | int) -> int:
        return int(self.sub(value))

    def wire(self, port: int) -> int:
        """The port the harness's own sockets use for a port the programs see."""
        return self.loopback.wire(port) if self.loopback is not None else port

    def not_here(self, line: int, step: str, description: str, why: str,
                 optional: bool = False, stop: bool = True) -> None:
        """A check this environment cannot make: recorded as such (the behaviour is then
        `ungradable` unless `optional`), and the behaviour ends there if `stop`."""
        self.checks.append(Check(line, step, description, True, skipped=why,
                                 optional=optional))
        self.transcript.add("harness", "check", note="not checked here: " + description)
        if stop:
            raise BehaviourFailed(description)

    def program(self, name: str) -> procs.Program:
        return self.programs[self.sub(name)]

    def conn(self, name: str) -> Conn:
        return self.conns[self.sub(name)]

    def _ended(self) -> list[tuple[str, str, str]]:
        """('killed by SIGPIPE', 'prog was killed by SIGPIPE', "; it printed: ...") for each
        program whose
        end says something: a server that stopped, or any program that crashed or
        failed (a client's exit 0 is just its job done)."""
        out = []
        for name, p in self.programs.items():
            st = p.poll()
            if st is None:
                continue
            server = self.roles.get(name) == "server"
            if not server and st.signal is None and st.code == 0:
                continue
            how = st.describe()
            if st.signal is not None or st.code:
                p.settle_output()  # what it printed last may still be in the pty
            printed = _printed(p) if st.signal is not None or st.code else ""
            said = (_("{name} was {how}") if st.signal is not None else _("{name} {how}"))
            out.append((how, said.format(name=name, how=how), printed))
        return out

    def _settle_crash(self) -> None:
        """A refused or reset connection often means the program is dying: give it a
        moment to be seen as gone, so the failure can say so."""
        # a program that is still running but provably waiting will not end either
        quiet.wait(self, lambda: any(p.poll() is not None for p in self.programs.values()),
                   0.5, look=True)

    # ---- teardown and reporting ---------------------------------------------------

    def program_pids(self) -> list[int]:
        return [p.pid for p in self.started]

    def close_peers(self) -> None:
        for conn in self.conns.values():
            with contextlib.suppress(OSError):
                conn.close()
        for lst in self.listeners.values():
            lst.close()

    def kill_programs(self) -> None:
        for p in self.started:
            p.kill()

    def reap_programs(self) -> None:
        for p in self.started:
            p.close()

    def port_names(self) -> dict[int, str]:
        names = {c.local_port: f"harness:{n}" for n, c in self.conns.items()}
        # the other end of each connection is a student program (the only one, or
        # "program" when several run)
        who = next(iter(self.programs)) if len(self.programs) == 1 else "program"
        for c in self.conns.values():
            names.setdefault(c.remote_port, who)
        return names

    def outputs(self) -> dict[str, str]:
        """What each started program printed; a restarted one is labelled by its run."""
        out = {}
        runs: dict[str, int] = {}
        for p in self.started:
            runs[p.name] = runs.get(p.name, 0) + 1
            label = p.name if runs[p.name] == 1 else _("{name} (run {n})").format(
                name=p.name, n=runs[p.name])
            out[label] = p.stdout().decode("utf-8", "replace")
            err = p.stderr().decode("utf-8", "replace")
            if err:
                out[f"{label} (stderr)"] = err
        return out



def _substituted(value: Any, sub: Callable[[str], str]) -> Any:
    """`{name}` substituted in every string of a dumped model."""
    if isinstance(value, str):
        return sub(value)
    if isinstance(value, dict):
        return {k: _substituted(v, sub) for k, v in value.items()}
    if isinstance(value, list):
        return [_substituted(v, sub) for v in value]
    return value


def _printed(prog: procs.Program) -> str:
    text = (prog.stdout() + prog.stderr()).decode("utf-8", "replace").strip()
    return _("; it printed: {text}").format(text=repr(text[-300:])) if text else ""


