"""What each step does: act, wait (bounded), record, and ask `judge` for the verdict.

Rules this module keeps:
- One method per step kind, found through the HANDLERS table; a step never judges by
  itself, it hands what it observed to a pure function in `judge`.
- Positive waits (`within`) are scaled by `slow`; negative ones ("nothing arrives for
  0.5 s") are not, since waiting longer cannot make them pass wrongly.
- A failed check raises BehaviourFailed: the behaviour stops there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import re
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness import judge, procs, sockstate, steps
from harness.judge import Received
from harness.peers import Conn, Listener, connect
from harness.spec import ReadyOutput, Spec, Step, substitute
from harness.submission import BuildFailure, Built
from harness.transcript import Check, Transcript


class BehaviourFailed(Exception):
    """A check failed; the behaviour ends here."""


class Actions:
    def __init__(self, spec: Spec, builds: dict[str, Built | BuildFailure], workdir: Path,
                 private: Path, port: int, transcript: Transcript, capture: Any,
                 slow: float) -> None:
        self.spec = spec
        self.builds = builds
        self.workdir = workdir
        self.private = private
        self.port = port
        self.transcript = transcript
        self.capture = capture
        self.slow = slow
        self.vars: dict[str, str] = {"port": str(port), "host": "127.0.0.1"}
        self.programs: dict[str, procs.Program] = {}  # by instance name, the latest
        self.started: list[procs.Program] = []  # every one, for teardown
        self.roles: dict[str, str] = {}
        for name, fdef in spec.files.items():
            (workdir / name).write_bytes(fdef.content())
        self.conns: dict[str, Conn] = {}
        self.listeners: dict[str, Listener] = {}
        self.checks: list[Check] = []
        self._out_marks: dict[tuple[str, str], int] = {}

    # ---- plumbing -----------------------------------------------------------------

    def run(self, todo: Sequence[Step]) -> None:
        for step in todo:
            HANDLERS[step.kind](self, step, step.args)

    def check(self, c: Check) -> None:
        if not c.passed:
            # a crash explains most failures: say which programs ended, and how
            ended = [f"{name} {how}{printed}" for name, how, printed in self._ended()
                     if how.removeprefix("was ") not in c.actual]
            if ended:
                c = dataclasses.replace(c, actual=f"{c.actual}; " + "; ".join(ended))
        self.checks.append(c)
        self.transcript.add("harness", "check", note=("ok: " if c.passed else "FAILED: ")
                            + c.description)
        if not c.passed:
            raise BehaviourFailed(c.description)

    def within(self, seconds: float) -> float:
        return seconds * self.slow

    def sub(self, value: str | int) -> str:
        return substitute(str(value), self.vars)

    def port_of(self, value: str | int) -> int:
        return int(self.sub(value))

    def program(self, name: str) -> procs.Program:
        return self.programs[self.sub(name)]

    def conn(self, name: str) -> Conn:
        return self.conns[self.sub(name)]

    # ---- student programs ---------------------------------------------------------

    def start(self, step: Step, a: steps.Start) -> None:
        name = self.sub(a.name or a.program)
        built = self.builds[a.program]
        desc = f"{a.program} builds and starts"
        if isinstance(built, BuildFailure):
            self.check(judge.simple(step.line, "start", desc,
                                    f"{built.message}\n{built.log}".rstrip(), a))
            return
        pdef = self.spec.programs[a.program]
        argv = built.argv(self.workdir) + [self.sub(x) for x in (a.args or pdef.default_args())]
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.workdir),
               "TERM": "dumb", "PYTHONDONTWRITEBYTECODE": "1"}
        stderr = self.private / f"{len(self.started)}.{name}.stderr"  # one per start
        prog = procs.Program(name, argv, self.workdir, env, stderr, self.transcript)
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
        elif prog.poll() is not None:
            failure = (f"it {prog.poll().describe()} before listening on port {port}"  # type: ignore[union-attr]
                       f"{_printed(prog)}")
        else:
            others = sorted({e.local_port for e in sockstate.tcp_sockets() if e.state == "LISTEN"})
            failure = f"it did not listen on port {port} within {self.within(a.within):g} s"
            if others:
                failure += (f" (it listens on {', '.join(map(str, others))} instead: does it "
                            "use the port given on its command line?)")
        self.check(judge.simple(step.line, "start", f"{name} starts and listens on port {port}",
                                failure, a))

    def stop(self, step: Step, a: steps.Stop) -> None:
        prog = self.program(a.program)
        prog.send_signal(procs.signal_number(a.signal))
        if prog.wait(self.within(a.within)) is None:
            prog.send_signal(signal.SIGKILL)
            prog.wait(5)

    def signal(self, step: Step, a: steps.Signal) -> None:
        self.program(a.program).send_signal(procs.signal_number(a.signal))

    def sendline(self, step: Step, a: steps.SendLine) -> None:
        self.program(a.program).sendline(self.sub(a.text))

    def sendeof(self, step: Step, a: steps.SendEof) -> None:
        self.program(a.program).sendeof()

    def expect_output(self, step: Step, a: steps.ExpectOutput) -> None:
        seconds = a.within if a.absent else self.within(a.within)
        self._expect_output(step, self.program(a.program), self.sub(a.pattern), a.stream,
                            seconds, a, a.absent)

    def _expect_output(self, step: Step, prog: procs.Program, pattern: str, stream: str,
                       seconds: float, a: steps.StepArgs, absent: bool = False) -> None:
        key = (prog.name, stream)
        mark = self._out_marks.get(key, 0)
        rx = re.compile(pattern)

        def text() -> str:
            # surrogateescape: one character per undecodable byte, so positions map back
            raw = prog.stdout() if stream == "stdout" else prog.stderr()
            return raw[mark:].decode("utf-8", "surrogateescape")

        def found() -> re.Match[str] | None:
            return rx.search(text())

        def settled() -> object:
            return found() or prog.poll() is not None

        start = time.monotonic()
        procs.wait_for(settled, seconds)
        prog.settle_output()  # output printed just before exit may still be in the pty
        hit = found()
        if hit is not None:
            self._out_marks[key] = mark + len(text()[:hit.end()].encode("utf-8",
                                                                         "surrogateescape"))
        status = prog.poll()
        seen = text().encode("utf-8", "surrogateescape")
        got = judge.Output(prog.name, stream, hit.group(0) if hit else None, seen,
                           status.describe() if status else None,
                           round(time.monotonic() - start, 2))
        self.check(judge.output(step.line, a, pattern, absent, got))

    def expect_exit(self, step: Step, a: steps.ExpectExit) -> None:
        prog = self.program(a.program)
        seconds = a.within if a.running else self.within(a.within)
        st = prog.wait(seconds)
        self.check(judge.exit_status(
            step.line, a, prog.name, st.describe() if st else None, st.code if st else None,
            procs.signal_name(st.signal) if st and st.signal else None, a.code,
            procs.signal_name(procs.signal_number(a.signal)) if a.signal else None,
            a.running, seconds))

    # ---- peers --------------------------------------------------------------------

    def connect(self, step: Step, a: steps.Connect) -> None:
        port = self.port_of(a.port)
        got = connect(self.sub(a.conn), self.sub(a.host), port, a.proto, self.within(a.within),
                      self.transcript, a.oobinline)
        if isinstance(got, Conn):
            self.conns[self.sub(a.conn)] = got
        if a.refused:
            failure = "" if isinstance(got, str) else "the connection was accepted"
            self.check(judge.simple(step.line, "connect", f"connecting to port {port} is "
                                    "refused", failure, a))
            return
        if not isinstance(got, Conn):
            self._settle_crash()
        failure = "" if isinstance(got, Conn) else f"could not connect to port {port}: {got}"
        self.check(judge.simple(step.line, "connect", f"{self.sub(a.conn)} connects to port {port}",
                                failure, a))

    def _ended(self) -> list[tuple[str, str, str]]:
        """(name, 'was killed by SIGPIPE', "; it printed: ...") for each program whose
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
            printed = _printed(p) if st.signal is not None or st.code else ""
            out.append((name, f"{'was ' if how.startswith('killed') else ''}{how}", printed))
        return out

    def _settle_crash(self) -> None:
        """A refused or reset connection often means the program is dying: give it a
        moment to be seen as gone, so the failure can say so."""
        procs.wait_for(lambda: any(p.poll() is not None for p in self.programs.values()), 0.5)

    def listen(self, step: Step, a: steps.Listen) -> None:
        self.listeners[a.listener] = Listener(a.listener, self.port_of(a.port), a.proto,
                                              self.transcript, a.oobinline)

    def accept(self, step: Step, a: steps.Accept) -> None:
        conn = self.listeners[a.listener].accept(self.sub(a.conn), self.within(a.within))
        if conn is not None:
            self.conns[self.sub(a.conn)] = conn
        self.check(judge.simple(
            step.line, "accept", f"a program connects to the harness ({a.conn})",
            "" if conn else f"no connection within {self.within(a.within):g} s", a))

    def send(self, step: Step, a: steps.Send) -> None:
        if a.text is not None:
            data = self.sub(a.text).encode()
        elif a.line is not None:
            data = (self.sub(a.line) + "\n").encode()
        elif a.hex is not None:
            data = bytes.fromhex(a.hex)
        elif a.file is not None:
            data = self.spec.files[a.file].content()
        else:
            data = random.Random(a.seed).randbytes(a.random or 0)
        conn = self.conn(a.conn)
        conn.sock.settimeout(self.within(a.within))
        failure = conn.send(data, a.chunk, a.pause, a.urgent)
        if failure:
            self._settle_crash()
        if "timed out" in failure:
            failure += " (the program stopped reading what it was sent)"
        self.check(judge.simple(step.line, "send", f"send {len(data)} bytes on {conn.name}",
                                failure, a))

    def shutdown(self, step: Step, a: steps.Shutdown) -> None:
        self.conn(a.conn).shutdown_write()

    def close(self, step: Step, a: steps.Close) -> None:
        self.conn(a.conn).close()

    def abort(self, step: Step, a: steps.Abort) -> None:
        self.conn(a.conn).close(abort=True)

    def idle(self, step: Step, a: steps.Idle) -> None:
        self.transcript.add("harness", "idle", note=f"{a.seconds:g} s")
        time.sleep(a.seconds)  # the spec asks for this pause; it waits on no program

    # ---- receiving ----------------------------------------------------------------

    def _receive(self, conn: Conn, done: Callable[[bytes], bool], seconds: float) -> Received:
        start = time.monotonic()
        conn.wait(lambda c: done(bytes(c.received[c.read_mark:])) or c.eof or c.reset, seconds)
        return Received(conn.name, conn.unread(), conn.eof, conn.reset,
                        round(min(time.monotonic() - start, seconds), 2))

    def _consume(self, conn: Conn, n: int) -> None:
        with conn.cond:
            conn.read_mark = min(conn.read_mark + n, len(conn.received))

    def expect_echo(self, step: Step, a: steps.ExpectEcho) -> None:
        conn = self.conn(a.conn)
        want = bytes(conn.sent[conn.echo_mark:])
        got = self._receive(conn, lambda d: len(d) >= len(want), self.within(a.within))
        got = Received(got.conn, got.data[:len(want)], got.eof, got.reset, got.seconds)
        self._consume(conn, len(got.data))
        conn.echo_mark = len(conn.sent)
        self.check(judge.compare_bytes(step.line, "expect_echo", "echo", want, got, a))

    def expect_data(self, step: Step, a: steps.ExpectData) -> None:
        conn = self.conn(a.conn)
        if a.file is not None:
            want = self.spec.files[a.file].content()
            got = self._receive(conn, lambda d: len(d) >= len(want), self.within(a.within))
            got = Received(got.conn, got.data[:len(want)], got.eof, got.reset, got.seconds)
            self._consume(conn, len(got.data))
            self.check(judge.compare_bytes(step.line, "expect_data", f"the file {a.file}",
                                           want, got, a))
            return
        a = a.model_copy(update={"text": None if a.text is None else self.sub(a.text),
                                 "pattern": None if a.pattern is None else self.sub(a.pattern)})
        got = self._receive(conn, lambda d: judge.data_ok(a, d), self.within(a.within))
        used = judge.data_used(a, got.data)
        self._consume(conn, used)
        self.check(judge.data(step.line, a, Received(got.conn, got.data[:used], got.eof,
                                                     got.reset, got.seconds)))

    def expect_eof(self, step: Step, a: steps.ExpectEof) -> None:
        conn = self.conn(a.conn)
        got = self._receive(conn, lambda d: False, self.within(a.within))
        self._consume(conn, len(got.data))
        self.check(judge.eof(step.line, a, got))

    def expect_no_eof(self, step: Step, a: steps.ExpectNoEof) -> None:
        got = self._receive(self.conn(a.conn), lambda d: False, a.seconds)
        self.check(judge.no_eof(step.line, a, got, a.seconds))

    def expect_nothing(self, step: Step, a: steps.ExpectNothing) -> None:
        got = self._receive(self.conn(a.conn), lambda d: len(d) > 0, a.seconds)
        self.check(judge.nothing(step.line, a, got, a.seconds))

    # ---- observations -------------------------------------------------------------

    def expect_packets(self, step: Step, a: steps.ExpectPackets) -> None:
        conn = self.conn(a.conn)
        a = steps.ExpectPackets.model_validate(
            _substituted(a.model_dump(by_alias=True), self.sub))
        if self.capture is None:
            self.checks.append(Check(step.line, "expect_packets", f"packets on {a.conn}", True,
                                     skipped="no packet capture in this environment"))
            return

        def frames() -> list[Any]:
            self.capture.sync()
            ports = {conn.local_port, conn.remote_port}
            return [f for f in self.capture.frames()
                    if f.proto == conn.proto and {f.sport, f.dport} == ports]

        procs.wait_for(lambda: not judge.packet_failures(a, frames(), conn.local_port),
                       self.within(a.within))
        if a.settle and any(r.none is not None for r in a.rules):
            # a negative rule holds only if the forbidden packet does not come late
            procs.wait_for(lambda: bool(judge.packet_failures(a, frames(), conn.local_port)),
                           a.settle)
        self.check(judge.packets(step.line, a, frames(), conn.local_port))

    def expect_processes(self, step: Step, a: steps.ExpectProcesses) -> None:
        pid = self.program(a.program).pid

        def good() -> bool:
            s = procs.sample_tree(pid)
            return judge.processes_ok(a, s.alive, s.zombies, s.children, s.threads)

        procs.wait_for(good, self.within(a.within))
        s = procs.sample_tree(pid)
        self.check(judge.processes(step.line, a, s.alive, s.zombies, s.children, s.threads))

    def expect_sockets(self, step: Step, a: steps.ExpectSockets) -> None:
        port = self.port_of(a.port)

        def states() -> list[str]:
            return [e.state for e in sockstate.on_port(port)]

        procs.wait_for(lambda: (a.state in states()) == a.present, self.within(a.within))
        self.check(judge.sockets(step.line, a, port, a.state, a.present, states()))

    def expect_file(self, step: Step, a: steps.ExpectFile) -> None:
        path = (self.workdir / self.sub(a.path)).resolve()
        want = self.sub(a.text).encode() if a.text is not None else None
        if a.file is not None:
            want = self.spec.files[a.file].content()
        if a.same_as is not None:
            try:
                want = (self.workdir / self.sub(a.same_as)).read_bytes()
            except OSError:
                self.check(judge.simple(step.line, "expect_file", f"the file {a.path}",
                                        f"the submission has no file {a.same_as} to compare "
                                        "it with", a))
                return

        def content() -> bytes | None:
            if not path.is_relative_to(self.workdir.resolve()) or not path.is_file():
                return None
            with contextlib.suppress(OSError):
                return path.read_bytes()
            return None

        procs.wait_for(lambda: content() is not None and (want is None or content() == want),
                       self.within(a.within))
        self.check(judge.file(step.line, a, a.path, content(), want, a.size))

    def repeat(self, step: Step, a: steps.Repeat) -> None:
        for i in range(1, a.times + 1):
            self.vars["i"] = str(i)
            self.run(step.children)
        self.vars.pop("i", None)

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
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p.pid, signal.SIGKILL)

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
            label = p.name if runs[p.name] == 1 else f"{p.name} (run {runs[p.name]})"
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
    return f"; it printed: {text[-300:]!r}" if text else ""


HANDLERS: dict[str, Callable[[Actions, Step, Any], None]] = {
    name: getattr(Actions, name) for name in steps.STEPS
}
