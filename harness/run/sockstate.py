"""TCP socket states from /proc/net/tcp{,6}, as seen by the calling thread's namespace.

Rules this module keeps:
- /proc/thread-self/net, not /proc/net: the latter follows the process's main thread,
  which may sit in another namespace than the thread asking.
- The state numbers are the kernel's (include/net/tcp_states.h).
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
from dataclasses import dataclass

STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
    6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING",
}


@dataclass(frozen=True)
class SockEntry:
    local_port: int
    remote_port: int
    state: str
    inode: int


def _parse(text: str) -> list[SockEntry]:
    out = []
    for row in text.splitlines()[1:]:
        cols = row.split()
        if len(cols) < 10:
            continue
        local, remote, state = cols[1], cols[2], int(cols[3], 16)
        out.append(SockEntry(int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16),
                             STATES.get(state, str(state)), int(cols[9])))
    return out


def tcp_sockets() -> list[SockEntry]:
    entries: list[SockEntry] = []
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/thread-self/net/{name}") as f:
                entries.extend(_parse(f.read()))
        except OSError:
            continue  # no IPv6 in this kernel
    return entries


def on_port(port: int) -> list[SockEntry]:
    """Sockets bound to `port` (local port): a server's listener and its connections,
    not the harness's client ends, whose remote port it is."""
    return [e for e in tcp_sockets() if e.local_port == port]


def listening(port: int) -> bool:
    return any(e.state == "LISTEN" and e.local_port == port for e in tcp_sockets())


def udp_ports(pid: int) -> set[int]:
    """Local ports of the UDP sockets process `pid` holds (its descriptors' inodes
    looked up in this network namespace's table; the harness's own are not its)."""
    inodes: set[int] = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(int(link[8:-1]))
    ports: set[int] = set()
    for name in ("udp", "udp6"):
        try:
            with open(f"/proc/thread-self/net/{name}") as f:
                ports.update(e.local_port for e in _parse(f.read()) if e.inode in inodes)
        except OSError:
            continue
    return ports


def udp_bound(port: int) -> bool:
    for name in ("udp", "udp6"):
        try:
            with open(f"/proc/thread-self/net/{name}") as f:
                if any(e.local_port == port for e in _parse(f.read())):
                    return True
        except OSError:
            continue
    return False


def joined(group: str) -> bool:
    """Whether a socket of this namespace joined multicast `group` (/proc/net/igmp
    prints each group as the kernel holds it: the address's bytes as a native u32)."""
    want = f"{struct.unpack('=I', socket.inet_aton(group))[0]:08X}"
    try:
        with open("/proc/thread-self/net/igmp") as f:
            return any(row.split()[:1] == [want] for row in f if row.startswith("\t"))
    except OSError:
        return True  # cannot tell: send at once, as before
