"""Steps of the harness's own end of a conversation: connect, listen, send, receive,
and what is observed on the network (packets, socket states).

Rules this module keeps:
- Receiving steps wait on the connection's reader thread, bounded by `within`, then
  hand what arrived to `judge`; they consume only the bytes their check used.
- Packet checks first sync the capture, so every packet sent before the step is seen
  or counted as missed (then the check is not judged).
"""

from __future__ import annotations

import ipaddress
import random
import socket
import time
from collections.abc import Callable
from typing import Any

from harness.i18n import _
from harness.judge import datagram as judge_datagram
from harness.judge import packets, sockview, stream
from harness.judge.stream import Received
from harness.run import quiet, sockstate
from harness.run.context import RunContext, _substituted
from harness.run.peers import Conn, Listener, NoFilter, connect
from harness.sandbox import procs
from harness.spec import steps
from harness.spec.model import Step


class NetworkSteps(RunContext):
    def connect(self, step: Step, a: steps.Connect) -> None:
        port = self.port_of(a.port)
        try:
            got = connect(self.sub(a.conn), self.sub(a.host), self.wire(port), a.proto,
                          self.within(a.within), self.transcript, a.oobinline, a.no_acks_for)
        except NoFilter as exc:  # the machine's limit, not the student's doing
            self.not_here(step.line, "connect", _(
                "{conn} connects without ACKing the program's data at first").format(
                    conn=self.sub(a.conn)), _(
                "the harness cannot hold back its ACKs here (a socket filter on a TCP "
                "socket was refused: {why}); grade it as root on a VM").format(why=exc))
            return
        if isinstance(got, Conn):
            self.conns[self.sub(a.conn)] = got
        if a.refused:
            failure = "" if isinstance(got, str) else _("the connection was accepted")
            self.check(stream.simple(step.line, "connect", _(
                "connecting to port {port} is refused").format(port=port), failure, a))
            return
        failure = "" if isinstance(got, Conn) else _(
            "could not connect to port {port}: {why}").format(port=port, why=got)
        self.check(stream.simple(step.line, "connect", _("{conn} connects to port {port}").format(
            conn=self.sub(a.conn), port=port), failure, a), dying=bool(failure))

    def listen(self, step: Step, a: steps.Listen) -> None:
        self.listeners[a.listener] = Listener(
            a.listener, self.wire(self.port_of(a.port)), a.proto, self.transcript, a.oobinline,
            None if a.group is None else self.sub(a.group))

    def accept(self, step: Step, a: steps.Accept) -> None:
        listener = self.listeners[a.listener]
        self.await_programs(listener.pending, self.within(a.within), _("it will not connect"))
        conn = listener.accept(self.sub(a.conn), 0.0)
        if conn is not None:
            self.conns[self.sub(a.conn)] = conn
        self.check(stream.simple(
            step.line, "accept", _("a program connects to the harness ({conn})").format(
                conn=a.conn),
            "" if conn else _("no connection within {s} s").format(
                s=f"{self.within(a.within):g}") + self._went_elsewhere(listener), a))

    def _went_elsewhere(self, listener: Listener) -> str:
        """Where the program's packets went instead of `listener` (a hard-coded port),
        as the capture of the behaviour's own namespace saw them; on the host's loopback
        the capture holds only the behaviour's ports, and nothing is said."""
        if self.capture is None or self.loopback is not None:
            return ""
        self.capture.sync(1.0)
        port = listener.sock.getsockname()[1]
        others = sorted({f.dport for f in self.capture.frames()
                         if f.proto == listener.proto and f.dport != port and f.sport != port
                         and (f.proto == "udp" or f.flags == "S")})
        if not others:
            return ""
        return _(" (it tried port {ports} instead: does it use the address and port given on "
                 "its command line?)").format(ports=", ".join(map(str, others)))

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
        if a.foreign:
            failure = conn.send_foreign(data) if conn.proto == "udp" else _(
                "`foreign` sends a UDP datagram; {conn} is a TCP connection").format(
                    conn=conn.name)
            self.check(stream.simple(step.line, "send", _(
                "send {n} bytes to the peer of {conn} from another port").format(
                    n=len(data), conn=conn.name), failure, a))
            return
        if conn.proto == "udp" and (group := _multicast_peer(conn)):
            # a receiver counts as started once bound, but hears the group only after it
            # joins: a datagram sent between the two is lost (a loaded machine's race).
            # Wait for the join, or until the programs provably will not join.
            quiet.wait(self, lambda: sockstate.joined(group), self.within(a.within))
        conn.sock.settimeout(self.within(a.within))
        failure = conn.send(data, a.chunk, a.pause, a.urgent)
        if "timed out" in failure:
            failure += _(" (the program stopped reading what it was sent)")
        self.check(stream.simple(step.line, "send", _("send {n} bytes on {conn}").format(
            n=len(data), conn=conn.name), failure, a), dying=bool(failure))

    def shutdown(self, step: Step, a: steps.Shutdown) -> None:
        self.conn(a.conn).shutdown_write()

    def close(self, step: Step, a: steps.Close) -> None:
        self.conn(a.conn).close()

    def abort(self, step: Step, a: steps.Abort) -> None:
        self.conn(a.conn).close(abort=True)

    def idle(self, step: Step, a: steps.Idle) -> None:
        self.transcript.add("harness", "idle", note=_("{s} s").format(s=f"{a.seconds:g}"))
        time.sleep(a.seconds)  # the spec asks for this pause; it waits on no program

    # ---- receiving ----------------------------------------------------------------

    def _receive(self, conn: Conn, done: Callable[[bytes], bool], seconds: float,
                 then: str = "", negative: bool = False) -> Received:
        def arrived(c: Conn) -> bool:
            return done(bytes(c.received[c.read_mark:])) or c.eof or c.reset

        def ready() -> bool:
            with conn.cond:
                return arrived(conn)

        took = self.await_programs(ready, seconds, then or _("it has nothing more to send"),
                                   lambda t: conn.wait(arrived, t), negative)
        return Received(conn.name, conn.unread(), conn.eof, conn.reset, round(took, 2))

    def _receive_bytes(self, conn: Conn, want: bytes, seconds: float) -> Received:
        """Wait for `want`, but no longer once a byte differs: a stream cannot take a
        wrong byte back, so the verdict is already known (a wrong echo fails at once)."""
        got = self._receive(conn, lambda d: stream.bytes_judgeable(want, d), seconds)
        return Received(got.conn, got.data[:len(want)], got.eof, got.reset, got.seconds)

    def _consume(self, conn: Conn, n: int) -> None:
        with conn.cond:
            conn.read_mark = min(conn.read_mark + n, len(conn.received))

    def expect_echo(self, step: Step, a: steps.ExpectEcho) -> None:
        conn = self.conn(a.conn)
        want = bytes(conn.sent[conn.echo_mark:])
        got = self._receive_bytes(conn, want, self.within(a.within))
        self._consume(conn, len(got.data))
        conn.echo_mark = len(conn.sent)
        self.check(stream.compare_bytes(step.line, "expect_echo", "echo", want, got, a))

    def expect_data(self, step: Step, a: steps.ExpectData) -> None:
        conn = self.conn(a.conn)
        if a.file is not None:
            want = self.spec.files[a.file].content()
            got = self._receive_bytes(conn, want, self.within(a.within))
            self._consume(conn, len(got.data))
            self.check(stream.compare_bytes(step.line, "expect_data", _("the file {path}").format(
                path=a.file),
                                           want, got, a))
            return
        a = a.model_copy(update={"text": None if a.text is None else self.sub(a.text),
                                 "pattern": None if a.pattern is None else self.sub(a.pattern)})
        got = self._receive(conn, lambda d: stream.data_ok(a, d), self.within(a.within))
        used = stream.data_used(a, got.data)
        self._consume(conn, used)
        self.check(stream.data(step.line, a, Received(got.conn, got.data[:used], got.eof,
                                                     got.reset, got.seconds)))

    def expect_eof(self, step: Step, a: steps.ExpectEof) -> None:
        conn = self.conn(a.conn)
        got = self._receive(conn, lambda d: False, self.within(a.within),
                            _("it will not close the connection"))
        self._consume(conn, len(got.data))
        self.check(stream.eof(step.line, a, got))

    def expect_no_eof(self, step: Step, a: steps.ExpectNoEof) -> None:
        got = self._receive(self.conn(a.conn), lambda d: False, a.seconds,
                            _("it will not close the connection"), negative=True)
        self.check(stream.no_eof(step.line, a, got, a.seconds))

    def expect_nothing(self, step: Step, a: steps.ExpectNothing) -> None:
        got = self._receive(self.conn(a.conn), lambda d: len(d) > 0, a.seconds,
                            negative=True)
        self.check(stream.nothing(step.line, a, got, a.seconds))

    def expect_datagram(self, step: Step, a: steps.ExpectDatagram) -> None:
        conn = self.conn(a.conn)
        a = a.model_copy(update={"text": None if a.text is None else self.sub(a.text),
                                 "pattern": None if a.pattern is None else self.sub(a.pattern)})
        if conn.proto != "udp":
            self.check(stream.simple(step.line, "expect_datagram", _("a datagram on {conn}").format(
                conn=conn.name), _("{conn} is a TCP connection: TCP carries a stream, "
                                   "not datagrams").format(conn=conn.name), a))
            return
        n = conn.datagram_mark
        seconds = self.within(a.within)

        def arrived(c: Conn) -> bool:
            return len(c.datagrams) > n or c.reset

        def ready() -> bool:
            with conn.cond:
                return arrived(conn)

        self.await_programs(ready, seconds, _("it has nothing more to send"),
                            lambda t: conn.wait(arrived, t))
        with conn.cond:
            got = conn.datagrams[n] if len(conn.datagrams) > n else None
            if got is not None:
                # the byte stream view moves on too: later byte checks start after it
                conn.datagram_mark = n + 1
                conn.read_mark = max(conn.read_mark, sum(map(len, conn.datagrams[:n + 1])))
        self.check(judge_datagram.datagram(step.line, a, conn.name, got, seconds, n))

    # ---- observations -------------------------------------------------------------

    def expect_packets(self, step: Step, a: steps.ExpectPackets) -> None:
        conn = self.conn(a.conn)
        a = steps.ExpectPackets.model_validate(
            _substituted(a.model_dump(by_alias=True), self.sub))
        if self.capture is None:
            # no capture (no CAP_NET_RAW): what the harness's own socket proves, else
            # not gradable here
            self._packets_from_socket(step, a, conn)
            return

        def frames() -> list[Any]:
            self.capture.sync()
            ports = {conn.local_port, conn.remote_port}
            return [f for f in self.capture.frames()
                    if f.proto == conn.proto and {f.sport, f.dport} == ports]

        # until every rule holds, or fails in a way no later packet can change
        procs.wait_for(lambda: packets.decided(a, frames(), conn.local_port),
                       self.within(a.within))
        if a.settle and any(r.none is not None for r in a.rules):
            # a negative rule holds only if the forbidden packet does not come late
            procs.wait_for(lambda: bool(packets.packet_failures(a, frames(), conn.local_port)),
                           a.settle)
        seen = frames()  # synced: what it lacks now was lost, and `missed` counts it
        self.check(packets.packets(step.line, a, seen, conn.local_port, self.capture.missed()))

    def _packets_from_socket(self, step: Step, a: steps.ExpectPackets, conn: Conn) -> None:
        """No capture here: judge the rules from what the harness's socket saw, waiting
        until each is proven (or `within` runs out), and for `none` rules `settle` more."""
        def proven() -> bool:
            view = conn.view()
            return all(sockview.rule_verdict(r, view) is not None for r in a.rules) and not any(
                r.some is not None and sockview.rule_verdict(r, view) is False
                for r in a.rules)

        procs.wait_for(proven, self.within(a.within))
        if a.settle and any(r.none is not None for r in a.rules):
            procs.wait_for(lambda: any(sockview.rule_verdict(r, conn.view()) is False
                                       for r in a.rules), a.settle)
        self.check(sockview.packets(step.line, a, conn.view()))

    def socket_option(self, step: Step, a: steps.SocketOption) -> None:
        level = socket.IPPROTO_TCP if a.option == "TCP_NODELAY" else socket.SOL_SOCKET
        kind = socket.SOCK_DGRAM if a.proto == "udp" else socket.SOCK_STREAM
        failure = ""
        # made by this thread, so in the behaviour's namespace, as the program's are
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                if a.set is not None:
                    sock.setsockopt(level, getattr(socket, a.option), a.set)
                value = sock.getsockopt(level, getattr(socket, a.option))
            except OSError as exc:
                failure = str(exc)
            else:
                self.vars[a.var] = str(value)
                self.transcript.add("harness", "socket option", note=(
                    _("{proto} {option} set to {set}, reads {value}: {{{var}}}")
                    if a.set is not None else _("{proto} {option} reads {value}: {{{var}}}")
                ).format(proto=a.proto, option=a.option, set=a.set, value=value, var=a.var))
        self.check(stream.simple(step.line, "socket_option", _(
            "the kernel reports {option} of a {proto} socket").format(
                option=a.option, proto=a.proto), failure, a))

    def expect_sockets(self, step: Step, a: steps.ExpectSockets) -> None:
        port = self.port_of(a.port)

        def states() -> list[str]:
            return [e.state for e in sockstate.on_port(self.wire(port))]

        procs.wait_for(lambda: (a.state in states()) == a.present, self.within(a.within))
        self.check(stream.sockets(step.line, a, port, a.state, a.present, states()))


def _multicast_peer(conn: Conn) -> str:
    """The group a UDP conn sends to, or ''."""
    try:
        host = str(conn.sock.getpeername()[0])
    except OSError:
        return ""
    return host if ipaddress.ip_address(host).is_multicast else ""
