"""The harness's own end of a conversation: TCP/UDP connections and listeners.

Rules this module keeps:
- Every connection is read by its own thread from the moment it opens, whatever the
  steps are doing: a program echoing 1 MB must never block on a full receive buffer
  while the harness is still sending (that deadlock would be ours, not the student's).
- What arrives is kept whole (bytes, EOF, RST, UDP datagrams) and waited on with a
  condition variable; nothing is dropped.
- Sockets are created by the calling thread, i.e. inside the behaviour's namespace.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence

from harness.i18n import _
from harness.judge.sockview import SocketView
from harness.transcript import Transcript

RECEIVE_CAP = 64 << 20  # bytes kept per connection; more is drained and counted
IP_PKTINFO = 8  # <linux/in.h>; `socket` has it only from Python 3.12
SO_ATTACH_FILTER, SO_DETACH_FILTER = 26, 27  # <asm-generic/socket.h>; not in `socket`
SIOCATMARK = 0x8905
# TCP states in which an arriving RST is still recorded on the socket (<net/tcp_states.h>)
_RST_RECORDED = {1, 4, 5, 8, 9, 11}  # ESTABLISHED FIN_WAIT1/2 CLOSE_WAIT LAST_ACK CLOSING


class Conn:
    def __init__(self, name: str, sock: socket.socket, transcript: Transcript,
                 remote_port: int, first: Sequence[bytes] = ()) -> None:
        self.name = name
        self.sock = sock
        self.proto = "udp" if sock.type == socket.SOCK_DGRAM else "tcp"
        self.local_port: int = sock.getsockname()[1]
        # given, not asked: the peer may already have reset the connection
        self.remote_port = remote_port
        self._transcript = transcript
        self.received = bytearray(b"".join(first))
        self.datagrams: list[bytes] = list(first)
        for d in first:
            transcript.add(name, "received", d)
        self.eof = False
        self.reset = False
        self.overflow = 0  # bytes received past RECEIVE_CAP (not kept)
        self.sent = bytearray()
        self.echo_mark = 0  # bytes of `sent` already checked by an echo step
        self.read_mark = 0  # bytes of `received` already consumed by a check
        self.datagram_mark = 0  # UDP: datagrams already taken by a datagram check
        self.closed = False
        self.aborted = False
        self.dropping = False  # `no_acks_for`: segments dropped on purpose for a while
        self.urgent: list[int] = []  # bytes read at the urgent mark (SO_OOBINLINE)
        self._oobinline = self.proto == "tcp" and bool(
            sock.getsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE))
        self.busy = False  # the reader holds bytes not yet in `received` (set under cond)
        self.cond = threading.Condition()
        self._wake_r: int
        self._wake_w: int
        self._wake_r, self._wake_w = os.pipe()
        self._reader = threading.Thread(target=self._read, name=f"conn-{name}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            ready = select.select([self.sock.fileno(), self._wake_r], [], [])[0]
            if self._wake_r in ready:
                return
            with self.cond:
                self.busy = True  # before recv(): what it takes is in hand until stored
            try:
                # a read never crosses the urgent mark: at the mark, the next byte is urgent
                at_mark = self._oobinline and fcntl.ioctl(
                    self.sock, SIOCATMARK, struct.pack("i", 0)) != struct.pack("i", 0)
                data = self.sock.recv(65536 if self.proto == "udp" else 262144)
            except ConnectionRefusedError:
                if self.proto == "udp":  # ICMP port unreachable: nobody listens (yet)
                    self._transcript.add(self.name, "unreachable", note=_("ICMP port unreachable"))
                    with self.cond:
                        self.busy = False
                    continue
                self._finish(reset=True)
                return
            except ConnectionResetError:
                self._finish(reset=True)
                return
            except OSError as exc:
                self._finish(reset=False, note=str(exc))
                return
            if not data and self.proto == "tcp":
                self._finish(reset=False)
                return
            with self.cond:
                if at_mark and data:
                    self.urgent.append(data[0])
                if len(self.received) < RECEIVE_CAP:
                    self.received += data
                    self.datagrams.append(data)
                else:
                    self.overflow += len(data)
                self.busy = False
                self.cond.notify_all()
            self._transcript.add(self.name, "received", data)

    def _finish(self, reset: bool, note: str = "") -> None:
        with self.cond:
            self.eof = not reset
            self.reset = reset
            self.busy = False
            self.cond.notify_all()
        self._transcript.add(self.name, "reset" if reset else "eof", note=note)

    def wait(self, predicate: Callable[[Conn], bool], seconds: float) -> bool:
        """Wait until predicate(self) holds (checked under the lock) or time runs out."""
        deadline = time.monotonic() + seconds
        with self.cond:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def view(self) -> SocketView:
        """What this socket saw, for judging packet rules where nothing captures."""
        segs, watching = None, False
        if self.proto == "tcp" and not self.closed:
            with contextlib.suppress(OSError):
                if self.eof or self.reset:  # the reader has stopped: a later RST waits here
                    err = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err in (errno.ECONNRESET, errno.EPIPE):
                        with self.cond:
                            self.reset = True
                info = self.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 160)
                watching = info[0] in _RST_RECORDED
                if len(info) >= 156:
                    segs = struct.unpack_from("I", info, 152)[0]  # tcpi_data_segs_in
        with self.cond:
            return SocketView(bytes(self.received), self.eof, self.reset, self.aborted,
                              watching, tuple(self.urgent), segs, self.dropping)

    def unread(self) -> bytes:
        with self.cond:
            return bytes(self.received[self.read_mark:])

    def send(self, data: bytes, chunk: int | None, pause: float, urgent: bool) -> str:
        """Send all of data; returns '' or what went wrong (the peer reset, ...)."""
        flags = socket.MSG_OOB if urgent else 0
        size = chunk or len(data) or 1
        for i in range(0, max(len(data), 1), size):
            part = data[i:i + size]
            # recorded first: the reply can arrive before sendall() returns
            self._transcript.add(self.name, "sent", part,
                                 note=_("urgent (MSG_OOB)") if urgent else "")
            try:
                if self.proto == "udp":
                    self.sock.send(part)
                else:
                    self.sock.sendall(part, flags)
            except (BrokenPipeError, ConnectionResetError) as exc:
                self._transcript.add(self.name, "send-error", note=str(exc))
                return _("the program reset the connection (RST) while the harness was "
                         "still sending ({sent} of {n} bytes written): it closed its socket "
                         "before reading everything sent to it, or it crashed").format(
                             sent=len(self.sent), n=len(data))
            except OSError as exc:
                self._transcript.add(self.name, "send-error", note=str(exc))
                return _("sending failed after {i} of {n} bytes: {why}").format(
                    i=i, n=len(data), why=exc.strerror or exc)
            self.sent += part
            if pause and i + size < len(data):
                time.sleep(pause)  # the spec asks for this pause between chunks
        if self.proto == "tcp":
            # what the step wrote goes out now (TCP_NODELAY on pushes it), not when the
            # program's kernel's delayed ACK lets Nagle go on: a program that reads
            # without answering gets it all as one that answers does
            with contextlib.suppress(OSError):
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
        return ""

    def send_foreign(self, data: bytes) -> str:
        """UDP: send from a new socket on another port to this connection's peer, as a
        stranger would; '' or what went wrong."""
        with socket.socket(self.sock.family, socket.SOCK_DGRAM) as other:
            try:
                other.bind((self.sock.getsockname()[0], 0))
                self._transcript.add(self.name, "sent", data,
                                     note=_("from a foreign port {port}").format(
                                         port=other.getsockname()[1]))
                other.sendto(data, self.sock.getpeername())
            except OSError as exc:
                return _("sending failed: {why}").format(why=exc.strerror or exc)
        return ""

    def shutdown_write(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)
        self._transcript.add(self.name, "shutdown", note=_("SHUT_WR (half-close)"))

    def close(self, abort: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        self.aborted = abort
        if abort:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.write(self._wake_w, b"x")
        self._reader.join(5)
        self.sock.close()
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._transcript.add(self.name, "abort" if abort else "close",
                             note="RST (SO_LINGER 0)" if abort else "")


# A classic BPF socket filter, run on each segment at its TCP header before TCP sees it:
# a segment with payload is dropped (so never ACKed); the handshake and pure ACKs pass.
_DROP_DATA = [
    (0x30, 0, 0, 12),  # A = byte 12 of the TCP header (data offset << 4)
    (0x74, 0, 0, 4),  # A >>= 4
    (0x64, 0, 0, 2),  # A <<= 2: the header's length
    (0x07, 0, 0, 0),  # X = A
    (0x80, 0, 0, 0),  # A = the segment's length
    (0x2D, 0, 1, 0),  # A > X (jgt): it carries data
    (0x06, 0, 0, 0),  # drop
    (0x06, 0, 0, 0xFFFFFFFF),  # keep
]


class NoFilter(Exception):
    """The kernel refused the socket filter (a container may): no ACKs can be held back."""


def _drop_data(sock: socket.socket) -> None:
    code = b"".join(struct.pack("HBBI", *ins) for ins in _DROP_DATA)
    program = ctypes.create_string_buffer(code, len(code))
    fprog = struct.pack("HP", len(_DROP_DATA), ctypes.addressof(program))
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    except OSError as exc:
        sock.close()
        raise NoFilter(exc.strerror or str(exc)) from None


def _hear_again(sock: socket.socket, after: float) -> None:
    time.sleep(after)  # the spec's time without ACKs
    with contextlib.suppress(OSError):  # closed meanwhile
        sock.setsockopt(socket.SOL_SOCKET, SO_DETACH_FILTER, 0)


def connect(name: str, host: str, port: int, proto: str, seconds: float,
            transcript: Transcript, oobinline: bool = False,
            no_acks_for: float | None = None) -> Conn | str:
    """A Conn, or the reason the connection failed. `no_acks_for`: for so long after
    connecting, segments the program sends are dropped on arrival and so never ACKed
    (the capture still sees them); TCP retransmits them after. Raises NoFilter where
    the kernel refuses that filter."""
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, kind)
    if proto == "udp":  # `host` may be a broadcast address (the broadcast news receiver)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    if oobinline:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
    if no_acks_for and proto == "tcp":
        _drop_data(sock)  # before connect(): a server may write as soon as it accepts
    sock.settimeout(seconds)
    try:
        sock.connect((host, port))
    except OSError as exc:
        sock.close()
        transcript.add(name, "connect-failed", note=f"{host}:{port}: {exc.strerror or exc}")
        return f"{exc.strerror or exc}"
    sock.settimeout(None)
    if no_acks_for and proto == "tcp":
        threading.Thread(target=_hear_again, args=(sock, no_acks_for), daemon=True).start()
    conn = Conn(name, sock, transcript, port)
    conn.dropping = bool(no_acks_for and proto == "tcp")
    transcript.add(name, "connected",
                   note=_("{proto} port {local} -> {host}:{port}").format(
                       proto=proto, local=conn.local_port, host=host, port=port) + (
                       _("; no ACKs for {s} s").format(s=f"{no_acks_for:g}")
                       if no_acks_for else ""))
    return conn


def _destination(ancillary: list[tuple[int, int, bytes]]) -> str:
    """The destination address of a datagram, from its IP_PKTINFO (struct in_pktinfo:
    ifindex, spec_dst, addr)."""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO and len(data) >= 12:
            return socket.inet_ntoa(data[8:12])
    return "0.0.0.0"


class Listener:
    def __init__(self, name: str, port: int, proto: str, transcript: Transcript,
                 oobinline: bool = False, group: str | None = None) -> None:
        self.name = name
        self.proto = proto
        kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if oobinline:  # inherited by accepted connections
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
        if proto == "udp":  # each datagram's destination address, for accept()
            self.sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        self.sock.bind(("0.0.0.0", port))
        if group is not None and proto == "udp":
            self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack(
                "4s4s", socket.inet_aton(group), socket.inet_aton("0.0.0.0")))
        if proto == "tcp":
            self.sock.listen(16)
        self._transcript = transcript
        transcript.add(name, "listening", note=_("{proto} port {port}").format(
            proto=proto, port=port) + (_(", group {group}").format(group=group)
                                       if group else ""))

    def pending(self) -> bool:
        """Whether a connection (TCP) or a datagram (UDP) waits to be accepted."""
        return bool(select.select([self.sock], [], [], 0)[0])

    def accept(self, name: str, seconds: float) -> Conn | None:
        """TCP: accept one connection. UDP: wait for the first datagram, then talk to its
        sender only (the socket is connected to it; the datagram is kept as received)."""
        ready = select.select([self.sock], [], [], seconds)[0]
        if not ready:
            return None
        if self.proto == "udp":
            first, anc, _flags, addr = self.sock.recvmsg(65536, socket.CMSG_SPACE(12))
            # a socket of its own on the same port, connected to this client: the kernel
            # gives a connected socket that client's datagrams; the listener stays open
            own = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            # bound to the address the client wrote to: connect() would otherwise tie it
            # to 127.0.0.1, and datagrams to a broadcast address would miss it
            own.bind((_destination(anc), self.sock.getsockname()[1]))
            if addr[0] != "0.0.0.0":  # multicast on lo leaves without a source address:
                own.connect(addr)     # then the socket only listens (a reply has no peer)
            self._transcript.add(name, "accepted", note=_("first datagram from port {port}").format(
                port=addr[1]))
            return Conn(name, own, self._transcript, addr[1], [first, *self._queued(addr)])
        try:
            sock, addr = self.sock.accept()
        except OSError as exc:  # e.g. the client reset before it was accepted
            self._transcript.add(name, "accept-failed", note=str(exc))
            return None
        self._transcript.add(name, "accepted", note=_("from port {port}").format(port=addr[1]))
        return Conn(name, sock, self._transcript, addr[1])

    def _queued(self, addr: tuple[str, int]) -> list[bytes]:
        """Datagrams from `addr` that reached the listener before its own socket was
        connected (a client sending three at once): theirs, in order. A datagram from
        another sender stops the drain and stays for a later accept."""
        out: list[bytes] = []
        while True:
            try:
                _peek, sender = self.sock.recvfrom(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except OSError:  # nothing queued (or an ICMP error): done
                return out
            if sender != addr:
                return out
            out.append(self.sock.recv(65536))

    def close(self) -> None:
        self.sock.close()
