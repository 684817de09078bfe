"""Packet capture on the sandbox's loopback with scapy. The only module that imports scapy.

Rules this module keeps:
- The capture socket is opened by the calling thread, so it belongs to that thread's
  network namespace; the sniffer thread only reads it.
- scapy's L2Socket drops the loopback's outgoing copy: each packet is seen once.
- In a namespace of the behaviour's own, every packet of `lo` is kept. On a shared
  loopback (`ports` given) a classic BPF filter, attached before the socket is bound
  (so nothing passes unfiltered), keeps only IPv4/IPv6 TCP and UDP packets to or from
  those ports and the marker's: other graders' traffic never reaches us. It needs
  only CAP_NET_RAW (Docker grants it), no libpcap.
- `sync()` sends a marker datagram through `lo` and waits until the sniffer has read it:
  loopback delivery is in order, so every packet sent before is then captured. Marker
  packets are never shown.
- Packets leave this module as `transcript.Frame` records; scapy objects stay inside,
  except for writing the pcap file.
- A capture knows what it missed: the kernel's drops (its queue was full, read from
  PACKET_STATISTICS), the packets beyond the harness's own cap, and a sync that timed out
  all count in `missed()`, so a packet rule can refuse to judge an incomplete record.
- Nothing is cut silently: frames are read and written with a snap length above the
  largest loopback frame, and a frame that still does not fit is counted (`truncated`).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import select
import socket
import struct
import threading
from typing import Any, BinaryIO

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

# the few modules needed, not scapy.all: that loads every layer and costs a grader
# process about 0.4 s more at start
from scapy.arch.linux import L2Socket  # noqa: E402
from scapy.config import conf  # noqa: E402
from scapy.data import ETH_P_ALL, SO_TIMESTAMPNS, SOL_PACKET  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.sendrecv import AsyncSniffer  # noqa: E402
from scapy.utils import wrpcap  # noqa: E402

from harness.transcript import Frame  # noqa: E402

_SO_RCVBUFFORCE = 33
_PACKET_STATISTICS = 6  # struct tpacket_stats {tp_packets, tp_drops}; zeroed by each read
# a loopback frame is at most its MTU (65536) plus the 14-byte Ethernet header; tcpdump's
# default snap length leaves room for a larger MTU or GSO, and a longer one is counted
SNAPLEN = 262144
_SO_ATTACH_FILTER = 26  # <asm-generic/socket.h>; not in `socket`
MAX_PACKETS = 100_000  # a flood must not eat the grader's memory; the rest is counted
MAX_BYTES = 256 << 20
_FLAG_LETTERS = (("S", 0x02), ("F", 0x01), ("R", 0x04), ("P", 0x08), (".", 0x10), ("U", 0x20))


def _flags(value: int) -> str:
    return "".join(letter for letter, bit in _FLAG_LETTERS if value & bit)


def to_frame(pkt: Any, t0_wall: float) -> Frame | None:
    ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
    if ip is None:
        return None
    t = float(pkt.time) - t0_wall
    if pkt.haslayer(TCP):
        tcp = pkt[TCP]
        return Frame(t, "tcp", ip.src, int(tcp.sport), ip.dst, int(tcp.dport),
                     _flags(int(tcp.flags)), int(tcp.seq), int(tcp.ack), int(tcp.urgptr),
                     int(tcp.window), bytes(tcp.payload))
    if pkt.haslayer(UDP):
        udp = pkt[UDP]
        return Frame(t, "udp", ip.src, int(udp.sport), ip.dst, int(udp.dport),
                     payload=bytes(udp.payload))
    return None


_ACCEPT, _REJECT = "accept", "reject"


def port_filter(ports: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """A classic BPF program (code, jt, jf, k) for an Ethernet-framed `lo`: IPv4 or
    IPv6, TCP or UDP, source or destination port in `ports` (non-first IPv4 fragments,
    which carry no ports, are left out)."""
    prog: list[tuple[int, str | int, str | int, int]] = []
    labels: dict[str, int] = {}

    def ports_at(load: int, offset: int) -> None:
        prog.append((load, 0, 0, offset))
        prog.extend((0x15, _ACCEPT, 0, p) for p in ports)  # jeq #p

    prog += [(0x28, 0, 0, 12),  # ldh [12]: the ethertype
             (0x15, "v4", 0, 0x0800), (0x15, "v6", _REJECT, 0x86DD)]
    labels["v4"] = len(prog)
    prog += [(0x30, 0, 0, 23), (0x15, "tcp4", 0, 6), (0x15, "tcp4", _REJECT, 17)]
    labels["tcp4"] = len(prog)
    prog += [(0x28, 0, 0, 20), (0x45, _REJECT, 0, 0x1FFF),  # a fragment's offset
             (0xB1, 0, 0, 14)]  # ldxb 4*([14]&0xf): the IPv4 header's length
    ports_at(0x48, 14)  # ldh [x+14]: source port
    ports_at(0x48, 16)
    prog.append((0x06, 0, 0, 0))
    labels["v6"] = len(prog)
    prog += [(0x30, 0, 0, 20), (0x15, "tcp6", 0, 6), (0x15, "tcp6", _REJECT, 17)]
    labels["tcp6"] = len(prog)
    ports_at(0x28, 54)
    ports_at(0x28, 56)
    labels[_REJECT] = len(prog)
    prog.append((0x06, 0, 0, 0))
    labels[_ACCEPT] = len(prog)
    prog.append((0x06, 0, 0, 0xFFFFFFFF))

    def rel(i: int, target: str | int) -> int:
        return labels[target] - i - 1 if isinstance(target, str) else target

    return [(code, rel(i, jt), rel(i, jf), k) for i, (code, jt, jf, k) in enumerate(prog)]


def _attach(sock: socket.socket, prog: list[tuple[int, int, int, int]]) -> None:
    code = b"".join(struct.pack("HBBI", *ins) for ins in prog)
    buf = ctypes.create_string_buffer(code, len(code))
    sock.setsockopt(socket.SOL_SOCKET, _SO_ATTACH_FILTER,
                    struct.pack("HP", len(prog), ctypes.addressof(buf)))


class _LoopbackSocket(L2Socket):
    """scapy's L2Socket on one interface, opened so that the kernel hooks it only once.

    L2Socket makes its packet socket for ETH_P_ALL and then binds it, which unhooks and
    hooks it again and waits out an RCU grace period (~8 ms a behaviour). Made for
    protocol 0 it is hooked by the bind alone. Receiving (with the loopback's outgoing
    copy dropped) and closing are L2Socket's own."""

    def __init__(self, iface: str, ports: tuple[int, ...] | None = None) -> None:
        # L2Socket.__init__ is replaced, not called
        self.iface, self.type, self.promisc = iface, ETH_P_ALL, False
        self.ins = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        if ports is not None:  # before bind(): until then the socket receives nothing
            _attach(self.ins, port_filter(ports))
        self.ins.bind((iface, ETH_P_ALL))
        self.ins.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, conf.bufsize)
        self.ins.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.outs = self.ins
        self.LL, self.lvl = conf.l2types.num2layer[self.ins.getsockname()[3]], 2
        self.truncated = 0

    def _recv_raw(self, sock: socket.socket, x: int) -> tuple[bytes, Any, float | None]:
        """scapy's own reads MTU (65535) bytes, which cuts a full loopback frame without
        a word: read SNAPLEN, and count what the kernel still had to cut (MSG_TRUNC).
        Only the timestamp is taken from the ancillary data (`lo` has no VLAN tags)."""
        pkt, ancdata, flags, sa_ll = sock.recvmsg(SNAPLEN, socket.CMSG_SPACE(16))
        if flags & socket.MSG_TRUNC and sa_ll[2] != socket.PACKET_OUTGOING:  # one copy
            self.truncated += 1
        ts = None
        for level, kind, data in ancdata:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
                sec, nsec = struct.unpack("qq", data[:16])
                ts = sec + nsec / 1e9
        return pkt, sa_ll, ts

    def kernel_drops(self) -> int:
        """Packets the kernel dropped since the last call (its counter resets on read).
        Each loopback packet reaches the socket twice (going out, coming in): a lost
        packet may count twice; what matters is whether any was lost."""
        stats = self.ins.getsockopt(SOL_PACKET, _PACKET_STATISTICS, 8)
        return int(struct.unpack("II", stats)[1])


class Capture:
    """Sniff `lo` from construction until `stop()`; frames() may be read at any time."""

    def __init__(self, t0_wall: float, iface: str = "lo",
                 ports: tuple[int, ...] | None = None) -> None:
        self._t0_wall = t0_wall
        self._packets: list[Any] = []
        self._lock = threading.Lock()
        self._seen = threading.Condition(self._lock)
        self._marker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._marker.bind(("127.0.0.1", 0))
        self._marker_port = self._marker.getsockname()[1]
        self._marks = 0
        self._bytes = 0
        self.dropped = 0  # beyond the harness's own cap
        self._kernel_drops = 0  # the kernel's counter, summed (each read zeroes it)
        self._behind = False  # the last sync timed out: packets may be unread yet
        self._sock = _LoopbackSocket(
            iface, None if ports is None else (*ports, self._marker_port))
        # a 1 MB echo must not overflow the capture queue while we are busy; a flood
        # still can, and is then counted (missed)
        with contextlib.suppress(OSError):
            self._sock.ins.setsockopt(socket.SOL_SOCKET, _SO_RCVBUFFORCE, 64 << 20)
        started = threading.Event()
        self._sniffer = AsyncSniffer(opened_socket=self._sock, store=False, prn=self._keep,
                                     started_callback=started.set)
        self._sniffer.start()
        self._stopped = False
        started.wait(5)

    def _is_marker(self, pkt: Any) -> bool:
        return bool(pkt.haslayer(UDP) and pkt[UDP].sport == self._marker_port)

    def _keep(self, pkt: Any) -> None:
        with self._seen:
            if self._is_marker(pkt):
                self._marks += 1
                self._seen.notify_all()
            elif len(self._packets) < MAX_PACKETS and self._bytes < MAX_BYTES:
                self._packets.append(pkt)
                self._bytes += len(pkt)
            else:
                self.dropped += 1

    def sync(self, seconds: float = 2.0) -> bool:
        """Return once every packet sent before this call has been captured."""
        if self._stopped:
            return True
        with self._seen:
            want = self._marks + 1
        self._marker.sendto(b"sockgrade-sync", ("127.0.0.1", self._marker_port))
        with self._seen:
            synced = self._seen.wait_for(lambda: self._marks >= want, seconds)
            self._behind = not synced
            return synced

    def _read_drops(self) -> None:
        with contextlib.suppress(OSError):  # closed: its count was read at stop()
            drops = self._sock.kernel_drops()
            with self._lock:
                self._kernel_drops += drops

    def missed(self) -> int:
        """Packets sent so far that this capture does not hold: the kernel dropped them
        (its queue was full), they were beyond the harness's cap, or (counted as one)
        the last sync timed out before the sniffer read them. Read after `sync()`."""
        self._read_drops()
        with self._lock:
            return self._kernel_drops + self.dropped + int(self._behind)

    SNAPLEN = SNAPLEN

    @property
    def kernel_dropped(self) -> int:
        """Packets the kernel dropped so far (as last read)."""
        with self._lock:
            return self._kernel_drops

    @property
    def truncated(self) -> int:
        """Frames longer than SNAPLEN, kept cut."""
        return int(self._sock.truncated)

    def frames(self) -> list[Frame]:
        with self._lock:
            pkts = list(self._packets)
        return [f for f in (to_frame(p, self._t0_wall) for p in pkts) if f is not None]

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        # scapy raises a plain Exception when the sniffer already ended
        with contextlib.suppress(Exception):
            self._sniffer.stop(join=True)
        # packets queued after the sniffer's last read are still in the socket
        while select.select([self._sock], [], [], 0)[0]:
            pkt = self._sock.recv()
            if pkt is None:
                break
            self._keep(pkt)
        self._read_drops()
        self._behind = False  # the queue is drained: what is not held was dropped
        # closing a packet socket waits out an RCU grace period in the kernel (~10 ms):
        # nothing reads it any more, so that wait need not delay the behaviour
        threading.Thread(target=self._sock.close, name="capture-close", daemon=True).start()
        self._marker.close()

    def save(self, out: BinaryIO) -> None:
        """Into a file the caller opened (without following links: sandbox.files)."""
        with self._lock:
            pkts = list(self._packets)
        # the file's snap length covers every frame kept, so no reader cuts one
        wrpcap(out, pkts, snaplen=SNAPLEN)
