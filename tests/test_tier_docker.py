"""The Docker tier (issue 14): no namespaces at all, the host's loopback made private.

The pieces first (the portmap library, the port locks, the kernel's capture filter, the
`ungradable` status in every output), then the acceptance: the grader itself run under
../shared/envs/dockerlike.sh (Docker's capabilities and seccomp) on the mutants only the
wire shows and on servers hard-coding 9190 graded in parallel. The reference matrix in
this tier, with and without a network: tests/test_tier_matrix.py.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from matrixfile import load_matrix

from harness.platforms import github, gradescope, prairielearn
from harness.report.html import render_html
from harness.report.text import render_failure, score_table
from harness.results import overall
from harness.run import sockstate
from harness.run.outcome import Outcome
from harness.run.runner import verdict_of
from harness.sandbox import hostports, portmap
from harness.spec.model import Behaviour
from harness.transcript import Check

# ../shared beside the clone, or where SOCKGRADE_DOCKERLIKE says (a worktree elsewhere)
DOCKERLIKE = Path(os.environ.get("SOCKGRADE_DOCKERLIKE",
                                 ROOT.parent / "shared" / "envs" / "dockerlike.sh"))
ECHO = "specs/echo_server.yaml"
HOSTS = ("127.0.0.1 localhost\n10.20.30.40 www.sockgrade.test www web\n"
         "10.20.30.41 www.sockgrade.test\n")


def _env(ports: dict[int, int], hosts: str | None = None) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", **portmap.environment(ports, hosts)}


def _wait(predicate: Any, seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (got := predicate()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return got


# ---- the portmap library ------------------------------------------------------------

PY_SERVER = """
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9190)); s.listen()
print("bound", s.getsockname()[1], flush=True)
c, addr = s.accept(); print("peer-of-accepted", c.getsockname()[1], flush=True)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
u.sendto(b"x", ("127.0.0.1", 9190))
data, frm = u.recvfrom(10); print("reply-from", frm[1], data.decode(), flush=True)
"""


def test_a_python_program_hard_coding_9190_is_put_on_the_behaviours_port_and_sees_9190() -> None:
    held = hostports.any_free()
    try:
        wire = held.port
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:  # the harness's end
            udp.bind(("127.0.0.1", wire))
            proc = subprocess.Popen([sys.executable, "-c", PY_SERVER], env=_env({9190: wire}),
                                    stdout=subprocess.PIPE, text=True)
            try:
                assert proc.stdout is not None
                assert proc.stdout.readline().split() == ["bound", "9190"]  # what it sees
                assert sockstate.listening(wire)  # where it really is
                assert not any(e.local_port == 9190 and e.state == "LISTEN"
                               for e in sockstate.tcp_sockets()
                               if e.inode and _owned_by(proc.pid, e.inode))
                with socket.create_connection(("127.0.0.1", wire), timeout=5):
                    assert proc.stdout.readline().split() == ["peer-of-accepted", "9190"]
                    data, frm = udp.recvfrom(10)  # its sendto(9190) came to the wire port
                    udp.sendto(b"y", frm)
                    assert proc.stdout.readline().split() == ["reply-from", "9190", "y"]
            finally:
                proc.kill()
                proc.wait()
    finally:
        held.release()


def _owned_by(pid: int, inode: int) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]"
                   for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def test_a_c_server_hard_coding_9190_echoes_on_the_behaviours_port(tmp_path: Path) -> None:
    exe = tmp_path / "echo_server"
    subprocess.run(["gcc", "-o", str(exe), str(ROOT / "tests/programs/echo_server/"
                                               "correct_c_9190/echo_server.c")], check=True)
    held = hostports.any_free()
    proc = subprocess.Popen([str(exe), "9190"], env=_env({9190: held.port}),
                            stdout=subprocess.DEVNULL)
    try:
        assert _wait(lambda: sockstate.listening(held.port))
        with socket.create_connection(("127.0.0.1", held.port), timeout=5) as c:
            c.sendall(b"hello\n")
            assert c.recv(100) == b"hello\n"
    finally:
        proc.kill()
        proc.wait()
        held.release()


PY_NEWS = """
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("", 9190)); print("bound", flush=True)  # never joins the group
print(u.recvfrom(100)[0].decode(), flush=True)
"""


def test_a_receiver_that_never_joined_gets_no_group_news_another_program_joined() -> None:
    """On the shared loopback, a UDP socket bound to the wildcard would get every group
    any other program joined on the interface (IP_MULTICAST_ALL): another run's correct
    news_receiver made a mutant without IP_ADD_MEMBERSHIP pass in the docker tier. With
    the library it gets only its own groups, as in a namespace of its own: the group's
    datagram is not delivered, the unicast one sent after it is."""
    group, lo = socket.inet_aton("224.1.1.2"), socket.inet_aton("127.0.0.1")
    held = hostports.any_free()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as harness:
        other.bind(("127.0.0.1", 0))  # another run's receiver, joined on lo
        other.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, group + lo)
        harness.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, lo)
        proc = subprocess.Popen([sys.executable, "-c", PY_NEWS], env=_env({9190: held.port}),
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "bound\n"
            harness.sendto(b"news", ("224.1.1.2", held.port))
            harness.sendto(b"unicast", ("127.0.0.1", held.port))
            assert proc.stdout.readline() == "unicast\n"
        finally:
            proc.kill()
            proc.wait()
            held.release()


LOOKUPS = """
import socket
print(socket.gethostbyname_ex("www.sockgrade.test"))
print(socket.gethostbyname_ex("web"))
print(socket.gethostbyaddr("10.20.30.40"))
print(sorted({a[4][0] for a in socket.getaddrinfo("www.sockgrade.test", 80)}))
for bad in (lambda: socket.gethostbyname("nosuch.sockgrade.test"),
            lambda: socket.gethostbyaddr("192.0.2.99")):
    try:
        bad(); print("found")
    except OSError as exc:
        print(type(exc).__name__)
"""


def test_the_spec_hosts_table_is_served_without_a_mount_namespace() -> None:
    out = subprocess.run([sys.executable, "-c", LOOKUPS], env=_env({}, HOSTS),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == [
        "('www.sockgrade.test', ['www', 'web'], ['10.20.30.40', '10.20.30.41'])",
        "('www.sockgrade.test', ['www', 'web'], ['10.20.30.40'])",
        "('www.sockgrade.test', ['www', 'web'], ['10.20.30.40'])",
        "['10.20.30.40', '10.20.30.41']",
        "gaierror", "herror"]


def test_a_static_binary_is_told_apart_from_a_dynamic_one(tmp_path: Path) -> None:
    src = tmp_path / "p.c"
    src.write_text("int main(void) { return 0; }\n")
    subprocess.run(["gcc", "-o", str(tmp_path / "dyn"), str(src)], check=True)
    assert portmap.mappable(tmp_path / "dyn") == ""
    assert portmap.mappable(Path(sys.executable), system=True) == ""
    script = tmp_path / "s"
    script.write_text("#!/bin/sh\nexit 0\n")
    assert portmap.mappable(script) == ""
    if subprocess.run(["gcc", "-static", "-o", str(tmp_path / "st"), str(src)],
                      capture_output=True).returncode != 0:
        pytest.skip("no static libc to link a static binary with")
    assert "statically linked" in portmap.mappable(tmp_path / "st")
    (tmp_path / "link").symlink_to(tmp_path / "dyn")  # a student's link is never followed
    assert portmap.mappable(tmp_path / "link") != ""


def test_a_port_is_held_by_one_behaviour_at_a_time() -> None:
    first = hostports.any_free()
    try:
        with pytest.raises(hostports.PortBusy):
            hostports.exactly(first.port, 0.3)
    finally:
        first.release()
    again = hostports.exactly(first.port, 5)
    again.release()


# ---- capture on a shared loopback ---------------------------------------------------

def test_capture_on_the_hosts_lo_keeps_only_the_behaviours_ports() -> None:
    from harness.run.capture import Capture

    mine, other = hostports.any_free(), hostports.any_free()
    try:
        seen = {}
        for ports in ((mine.port,), None):  # None: unfiltered, the attack's view
            cap = Capture(time.time(), ports=ports)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for port in (mine.port, other.port):
                    s.sendto(b"hi", ("127.0.0.1", port))
            assert cap.sync(5)
            cap.stop()
            seen[ports is None] = {f.dport for f in cap.frames() if f.proto == "udp"}
        assert seen[False] == {mine.port}
        assert {mine.port, other.port} <= seen[True]
    finally:
        mine.release()
        other.release()


# ---- the status of its own ----------------------------------------------------------

def _behaviour(points: float = 2) -> Behaviour:
    return Behaviour("b", "B", points, (), 1)


def test_a_check_not_made_here_is_neither_pass_nor_fail_unless_optional() -> None:
    ok = Check(1, "expect_echo", "echo", True)
    skipped = Check(2, "expect_packets", "packets on c", True, skipped="no capture")
    failed = Check(3, "expect_eof", "eof", False)
    b = _behaviour()
    assert verdict_of(b, [ok, skipped], "") == ("ungradable", 0.0)
    assert verdict_of(b, [ok, Check(2, "expect_packets", "p", True, skipped="no capture",
                                    optional=True)], "") == ("passed", 2)
    assert verdict_of(b, [skipped, failed], "") == ("failed", 0.0)  # a real failure decides
    assert verdict_of(b, [ok], "") == ("passed", 2)


def _ungradable(visibility: str = "visible") -> Outcome:
    return Outcome(spec="specs/x.yaml", assignment="x", behaviour="wire", title="On the wire",
                   status="ungradable", score=0.0, max_score=2.0, visibility=visibility,
                   checks=(Check(5, "expect_packets", "packets on c1", True,
                                 skipped="no packet capture in this environment"),))


def test_not_gradable_here_is_shown_as_such_in_every_output(tmp_path: Path) -> None:
    o, passed = _ungradable(), Outcome("specs/x.yaml", "x", "ok", "Ok", "passed", 1.0, 1.0)
    assert "N/A" in score_table([o]) and "not gradable here" in score_table([o])
    assert "2 points to be graded where they can be" in score_table([o, passed])
    assert "no packet capture" in render_failure(o)
    assert 'class="status ungradable"' in render_html([o], "t")
    gs = gradescope.results([o, passed], 1.0)
    test = gs["tests"][0]
    assert "not gradable here" in test["name"] and test["max_score"] == 2.0
    assert test["score"] == 0.0 and "not-gradable-here" in test["tags"]
    assert "not gradable" in gs["output"]
    pl = prairielearn.results([o, passed])
    assert pl["tests"][0]["max_points"] == 2.0 and "not gradable here" in pl["tests"][0]["message"]
    payload = json.loads(__import__("base64").b64decode(github.classroom_payload([o, passed])))
    assert payload["status"] == "error" and payload["tests"][0]["status"] == "error"
    assert "not gradable here" in payload["tests"][0]["message"]
    assert "not gradable here" in github.job_summary([o])
    assert overall([o, passed]) == "ungradable"
    assert o.summary()["not_gradable_here"] == ["packets on c1: no packet capture in this "
                                                "environment"]
    hidden = prairielearn.results([_ungradable("hidden")])["tests"][0]["output"]
    assert "not gradable here" in hidden and "packets on c1" not in hidden


# ---- the acceptance, under dockerlike.sh --------------------------------------------

def _dockerlike_works() -> str:
    if os.geteuid() != 0 or not DOCKERLIKE.exists():
        return f"needs root and {DOCKERLIKE}"
    if not shutil.which("capsh"):
        return "dockerlike.sh needs capsh: apt-get install -y libseccomp-dev libcap2-bin"
    got = subprocess.run([str(DOCKERLIKE), "true"], capture_output=True, text=True)
    return "" if got.returncode == 0 else f"dockerlike.sh does not run: {got.stderr[-300:]}"


needs_dockerlike = pytest.mark.skipif(bool(_dockerlike_works()), reason=_dockerlike_works())


def _in_docker(nonet: bool, *args: str) -> list[str]:
    return [str(DOCKERLIKE), *(["--nonet"] if nonet else []), sys.executable, "-m",
            "harness", *args]


def _check(tmp_path: Path, nonet: bool, program: str, spec: str,
           *extra: str) -> tuple[int, str, dict[str, Any]]:
    out = tmp_path / f"r{len(list(tmp_path.iterdir()))}.json"
    proc = subprocess.run(_in_docker(nonet, "check", program, spec, "--json", str(out),
                                     "--artifacts", str(tmp_path / "a"), *extra),
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr, json.loads(out.read_text())


# the reference matrix in this tier (every assignment, correct program and mutant, with
# and without a network): tests/test_tier_matrix.py
MATRIX = load_matrix()


@needs_dockerlike
def test_what_only_the_wire_shows_is_caught_in_docker(tmp_path: Path) -> None:
    """The mutants that scored full marks before: their bugs are seen, on the wire."""
    for row, bid in (("oob_send/mut_no_oob", "urgent_on_the_wire"),
                     ("writev_socket/mut_two_writes", "one_segment")):
        assignment, variant = row.split("/")
        entry = MATRIX[assignment]
        _, out, doc = _check(tmp_path, False, f"{entry['programs']}/{variant}", entry["spec"])
        assert {b["id"]: b["status"] for b in doc["behaviours"]}[bid] == "failed", out[-3000:]


@needs_dockerlike
def test_two_checks_at_once_of_a_server_hard_coding_9190_both_pass(tmp_path: Path) -> None:
    """Both graders on the same (the host's) loopback, as two jobs in one container."""
    program = "tests/programs/echo_server/correct_c_9190"
    results: list[tuple[int, str, dict[str, Any]]] = []

    def one(i: int) -> None:
        (tmp_path / str(i)).mkdir()
        results.append(_check(tmp_path / str(i), False, program, ECHO))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    for code, out, doc in results:
        assert code == 0 and {b["status"] for b in doc["behaviours"]} == {"passed"}, out[-3000:]
        assert all(any("mapped to" in n for n in b["notes"]) for b in doc["behaviours"])


@needs_dockerlike
def test_n2_in_a_container_with_only_lo_passes_a_server_hard_coding_9190(
        tmp_path: Path) -> None:
    code, out, doc = _check(tmp_path, True, "tests/programs/echo_server/correct_c_9190",
                            ECHO, "-n", "2")
    assert code == 0 and {b["status"] for b in doc["behaviours"]} == {"passed"}, out[-3000:]


@needs_dockerlike
def test_grade_batch_j4_of_servers_hard_coding_9190_gives_roots_verdicts(tmp_path: Path) -> None:
    cls = tmp_path / "class"
    for i in range(4):
        shutil.copytree(ROOT / "tests/programs/echo_server/correct_c_9190", cls / f"s{i}")
    shutil.copytree(ROOT / "tests/programs/echo_server/mut_never_closes", cls / "mutant")
    out = tmp_path / "out"
    proc = subprocess.run(_in_docker(False, "grade-batch", str(cls), ECHO, "--out", str(out),
                                     "-j", "4"), cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import csv

    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        book = {r["student"]: r for r in csv.DictReader(f)}
    assert {s: (r["status"], r["score"]) for s, r in book.items()} == {
        **{f"s{i}": ("passed", "8") for i in range(4)}, "mutant": ("failed", "7")}


@needs_dockerlike
def test_a_static_server_runs_one_behaviour_at_a_time_on_the_specs_port(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    src = ROOT / "tests/programs/echo_server/correct_c_9190/echo_server.c"
    if subprocess.run(["gcc", "-static", "-o", str(sub / "echo_server"), str(src)],
                      capture_output=True).returncode != 0:
        pytest.skip("no static libc to link a static binary with")
    code, out, doc = _check(tmp_path, False, str(sub), ECHO, "-n", "2")  # two at once: queued
    assert code == 0, out[-3000:]
    for b in doc["behaviours"]:
        assert b["status"] == "passed", out[-3000:]
        assert any("statically linked" in n and "one behaviour at a time" in n
                   for n in b["notes"]), b["notes"]
