"""The behaviour's network namespace: a TCP hash table of its own, the rest as before."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import needs_netns

from harness.run import sockstate
from harness.sandbox import netns

IPV4 = Path("/proc/sys/net/ipv4")
SIZED = ("tcp_ehash_entries", "tcp_max_syn_backlog", "tcp_max_tw_buckets")


def _read() -> list[int]:
    return [int((IPV4 / n).read_text()) for n in SIZED]


@needs_netns
@pytest.mark.skipif(not (IPV4 / "tcp_child_ehash_entries").exists() or not shutil.which("unshare"),
                    reason="no per-namespace TCP hash table in this kernel (Linux < 6.1)")
def test_a_namespace_has_a_small_hash_table_and_the_shared_tables_limits() -> None:
    # a namespace made the plain way shares the host's table (shown negative)
    plain = [int(v) for v in subprocess.run(
        ["unshare", "-n", "cat", *(str(IPV4 / n) for n in SIZED)],
        capture_output=True, text=True, check=True).stdout.split()]
    ns = netns.NetNamespace()
    try:
        ehash, syn, tw = _read()
        with socket.create_server(("127.0.0.1", 0)) as srv:  # a working stack all the same
            seen = sockstate.listening(srv.getsockname()[1])
    finally:
        ns.leave()
    assert plain[0] < 0 and 0 < ehash < -plain[0]
    assert [syn, tw] == plain[1:]
    assert seen
    assert netns.current_inode() != ns.inode


@needs_netns
def test_a_full_loopback_frame_is_captured_and_written_whole(tmp_path: Path) -> None:
    """Loopback's MTU is 65536: an IPv6 datagram that fills it is a 65550-byte frame
    (with the Ethernet header). scapy reads and writes 65535 bytes by default and says
    nothing; the capture must keep the frame whole, in memory and in the pcap."""
    import struct
    import time

    from harness.run.capture import Capture

    ns = netns.NetNamespace()
    try:
        cap = Capture(time.time())
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as rx, \
                    socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as tx:
                rx.bind(("::1", 0))
                tx.sendto(b"z" * (65536 - 40 - 8), rx.getsockname())
            assert cap.sync()
            missed = cap.missed()
        finally:
            cap.stop()
        frames = cap.frames()
        with open(tmp_path / "full.pcap", "wb") as out:
            cap.save(out)
    finally:
        ns.leave()
    assert (missed, cap.truncated) == (0, 0)
    assert [len(f.payload) for f in frames] == [65536 - 48]
    raw = (tmp_path / "full.pcap").read_bytes()
    snaplen = struct.unpack("=I", raw[16:20])[0]
    caplen, wirelen = struct.unpack("=II", raw[24 + 8:24 + 16])
    assert snaplen >= 65536 + 14
    assert caplen == wirelen == 65536 + 14
    assert len(raw) == 24 + 16 + caplen  # one record, all of it
