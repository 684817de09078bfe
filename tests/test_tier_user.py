"""Students self-checking as an ordinary user: the same verdicts as root, or "not gradable".

Tier (b): an ordinary user where the kernel allows user namespaces (the grader enters
one of its own, with a network namespace inside). Tier (d): an ordinary user without
them (host loopback; packet rules judged from the harness's own socket where that is
proof). The reference matrix is graded in each, as a real user made with `useradd`,
through `runuser`, by tests/test_tier_matrix.py; here, the user, the attack on the
user namespace's root, and the pure judge of tier (d) on made-up observations.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from harness.judge import sockview
from harness.judge.sockview import SocketView
from harness.spec.steps import ExpectPackets, PacketRule

USER = "sgtier14"
WRAP = ROOT / "tests" / "tier_user_wrap.py"


def _can_make_users() -> str | None:
    if os.geteuid() != 0:
        return "needs root to make an ordinary user"
    if not (shutil.which("useradd") and shutil.which("runuser")):
        return "needs useradd and runuser"
    if not Path("/usr/bin/python3").exists():
        return "needs a system python3 the user can run"
    return None


def ensure_user() -> str:
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "-m", USER], check=True, capture_output=True)
    return USER


@pytest.fixture(scope="module")
def user_dir() -> Any:
    why = _can_make_users()
    if why:
        pytest.skip(why)
    user = ensure_user()
    d = Path(tempfile.mkdtemp(prefix="tier-user-"))
    os.chown(d, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_root_of_the_users_namespace_gives_a_program_no_capability(user_dir: Path) -> None:
    """The attack: a program (uid 0 of the grader's namespace) that reads its own
    capabilities. Without `drop_capabilities` it has them all."""
    prog = user_dir / "caps"
    prog.mkdir()
    (prog / "hello_server.py").write_text(
        "import sys, socket\n"
        "eff = [l for l in open('/proc/self/status') if l.startswith('CapEff')][0]\n"
        "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen()\n"
        "c, _ = s.accept(); c.sendall(b'Hello World!' if int(eff.split()[1], 16) == 0\n"
        "                             else eff.encode()); c.close()\n")
    os.chown(prog / "hello_server.py", pwd.getpwnam(USER).pw_uid, -1)
    path = f"{ROOT}:{sysconfig.get_paths()['purelib']}"
    out = user_dir / "caps.json"
    subprocess.run(["runuser", "-u", USER, "--", "env", f"TMPDIR={user_dir}",
                    f"PYTHONPATH={path}", "/usr/bin/python3", "-m", "harness", "check",
                    str(prog), "specs/hello_server.yaml", "--json", str(out)],
                   cwd=ROOT, capture_output=True, timeout=300)
    doc = json.loads(out.read_text())
    sends = next(b for b in doc["behaviours"] if b["id"] == "sends_greeting")
    assert sends["isolation"] == "network namespace in the user's own user namespace"
    assert sends["status"] == "passed", sends["checks"]


# ---- the judge of tier (d), on made-up observations ------------------------------------


def _rule(text: str) -> PacketRule:
    import yaml

    return PacketRule.model_validate(yaml.safe_load(text))


@pytest.mark.parametrize(("rule", "view", "verdict"), [
    ("some: {from: program, flags: F}", SocketView(eof=True), True),
    ("some: {from: program, flags: F}", SocketView(watching=True), False),
    ("some: {from: program, flags: F}", SocketView(reset=True), False),
    ("some: {from: program, flags: F}", SocketView(), None),  # closed by the harness
    ("some: {from: program, flags: R}", SocketView(reset=True), True),
    ("some: {from: program, flags: R}", SocketView(watching=True), False),
    ("some: {from: program, flags: R}", SocketView(), None),
    ("none: {from: program, flags: R}", SocketView(eof=True, watching=True), True),
    ("none: {from: program, flags: R}", SocketView(eof=True, reset=True), False),
    ("none: {from: program, flags: R}", SocketView(eof=True), None),  # could not see
    ("none: {flags: R}", SocketView(watching=True, aborted=True), False),
    ("none: {from: program, flags: R}", SocketView(watching=True, aborted=True), True),
    ("some: {from: program, urgent_byte: '4'}", SocketView(urgent=(ord("4"),)), True),
    ("some: {from: program, urgent_byte: '4'}", SocketView(urgent=(ord("0"),)), None),
    ("some: {from: program, payload: ABC1234}",
     SocketView(received=b"ABC1234", data_segs_in=1), True),
    ("some: {from: program, payload: ABC1234}",
     SocketView(received=b"ABC1234", data_segs_in=2), None),
    ("some: {from: program, payload: ABC1234}",
     SocketView(received=b"ABC1234", data_segs_in=1, dropping=True), None),
    ("order: [{from: program, payload: '0'}, {from: program, payload: '1'}]",
     SocketView(received=b"01", data_segs_in=2), True),
    ("order: [{from: program, payload: '0'}, {from: program, payload: '1'}]",
     SocketView(received=b"01", data_segs_in=1), None),
    ("order: [{from: program, flags: F}, {from: harness, data: true}]",
     SocketView(eof=True, watching=True), None),
    ("some: {from: program, flags: S}", SocketView(eof=True, watching=True), None),
])
def test_socket_judge_gives_a_verdict_only_on_proof(rule: str, view: SocketView,
                                                    verdict: bool | None) -> None:
    assert sockview.rule_verdict(_rule(rule), view) is verdict


def test_socket_judge_check_fails_on_any_disproof_and_skips_on_any_doubt() -> None:
    args = ExpectPackets.model_validate({"conn": "c", "rules": [
        {"some": {"from": "program", "flags": "F"}}, {"none": {"from": "program", "flags": "R"}}]})
    assert not sockview.packets(1, args, SocketView(eof=True, reset=True)).passed
    doubt = sockview.packets(1, args, SocketView(eof=True))
    assert doubt.passed and "cannot tell" in doubt.skipped
    proof = sockview.packets(1, args, SocketView(eof=True, watching=True))
    assert proof.passed and not proof.skipped
