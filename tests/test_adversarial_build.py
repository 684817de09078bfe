"""Hostile builds, memory that RLIMIT_DATA does not count, and keys left for a later run.

Each build case grades a submission of its own (tests/adversarial/programs/advb_CASE/,
its `@NAME@` placeholders filled in here) with a spec from cases_build.yaml holding only
that case's behaviour, through the real `sockgrade check` (or `grade-batch`); each test
says what the attack tried and checks that nothing of it reached the host.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import platform
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, Graded, needs_netns, needs_walls, sockgrade

from harness.run.submission import build_space

SYS_ADD_KEY, SYS_KEYCTL = 248, 250  # x86_64
HERE = ROOT / "tests" / "adversarial"
PROGRAMS = HERE / "programs"

pytestmark = [needs_netns, needs_walls]

# behaviour -> (status, what its failed check says, as a regex)
EXPECT: dict[str, tuple[str, str]] = {
    "build_escape": ("passed", ""),
    "build_connect": ("passed", ""),
    "build_ipc": ("passed", ""),
    "build_devzero": ("failed", r"memory limit: the build needed more than 512 MiB"),
    "build_include": ("failed", r"advb_prog\.c does not compile"),
    "shared_map": ("failed", r"memory limit: needed more than 64 MiB"),
    "sysv_hog": ("failed", r"memory limit: needed more than 64 MiB"),
    "key_put": ("passed", ""),
    "key_get": ("passed", ""),
}


def write_spec(where: Path, ids: list[str]) -> Path:
    doc = yaml.safe_load((HERE / "cases_build.yaml").read_text(encoding="utf-8"))
    doc["behaviours"] = [b for b in doc["behaviours"] if b["id"] in ids]
    used = {s["start"] for b in doc["behaviours"] for s in b["steps"] if "start" in s}
    doc["programs"] = {k: v for k, v in doc["programs"].items() if k in used}
    path = where / "adversarial_build.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def submission(case: str, into: Path, **subs: str) -> Path:
    """programs/advb_CASE copied to `into`, each @NAME@ replaced by subs[NAME]."""
    shutil.copytree(PROGRAMS / f"advb_{case}", into)
    for f in into.iterdir():
        text = f.read_text(encoding="utf-8")
        for key, value in subs.items():
            text = text.replace(f"@{key}@", value)
        f.write_text(text, encoding="utf-8")
    return into


def grade(tmp_path: Path, case: str, ids: list[str], spec_dir: Path | None = None,
          **subs: str) -> Graded:
    spec = write_spec(spec_dir or tmp_path, ids)
    sub = submission(case, tmp_path / "sub", SPEC=str(spec), ROOT=str(ROOT), **subs)
    return sockgrade(tmp_path, str(sub), str(spec), "--all", timeout=240)


def failed_text(b: dict[str, Any]) -> str:
    bad = [c for c in b["checks"] if not c["passed"]]
    return bad[0]["actual"] if bad else ""


def check_verdicts(graded: Graded, ids: list[str]) -> None:
    for bid in ids:
        b = graded.behaviour(bid)
        status, says = EXPECT[bid]
        assert b["status"] == status, (bid, b["checks"], graded.out[-3000:])
        if says:
            assert re.search(says, failed_text(b)), failed_text(b)
        assert not any("the build of" in n for n in b["notes"]), b["notes"]  # every wall up


@contextlib.contextmanager
def host_dir(mode: int) -> Iterator[Path]:
    """A directory of the host outside /tmp, /var/tmp, /dev/shm and the checkout (where
    a run's private mounts would hide it anyway), removed afterwards."""
    d = Path(tempfile.mkdtemp(prefix="advb-", dir="/run"))
    try:
        d.chmod(mode)
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_a_makefile_writes_nothing_outside_its_working_copy(tmp_path: Path) -> None:
    planted = [Path("/tmp/conftest.py"), Path("/tmp/advb_escape_tmp"), Path("/advb_pwned"),
               Path("/var/tmp/advb_escape_vartmp"), Path("/dev/shm/advb_escape_shm")]
    assert not [p for p in planted if p.exists()], "left by an earlier run: remove them"
    with host_dir(0o1777) as ww:
        graded = grade(tmp_path, "escape", ["build_escape"], WW=str(ww))
        found = [p for p in [*planted, ww / "conftest.py"] if p.exists()]
        for p in found:
            p.unlink()
    check_verdicts(graded, ["build_escape"])
    assert not found, found


def test_a_build_cannot_reach_the_hosts_loopback(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        graded = grade(tmp_path, "connect", ["build_connect"],
                       PORT=str(listener.getsockname()[1]))
        with pytest.raises(BlockingIOError):  # a connection made would be waiting here
            listener.accept()[0].close()
    check_verdicts(graded, ["build_connect"])


def test_ipc_and_shm_a_makefile_leaves_die_with_the_build(tmp_path: Path) -> None:
    graded = grade(tmp_path, "ipc", ["build_ipc"])
    check_verdicts(graded, ["build_ipc"])
    rows = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    assert not [r for r in rows if r.split()[0] == str(0x5CA1B000)]
    assert not Path("/dev/shm/advb_ipc_file").exists()


def test_include_dev_zero_fails_at_the_builds_memory_limit(tmp_path: Path) -> None:
    graded = grade(tmp_path, "devzero", ["build_devzero"])
    check_verdicts(graded, ["build_devzero"])


def test_include_of_a_spec_or_harness_file_shows_none_of_their_lines(tmp_path: Path) -> None:
    with host_dir(0o755) as specs:  # readable by any uid: only hiding keeps it out
        graded = grade(tmp_path, "include", ["build_include"], spec_dir=specs)
    check_verdicts(graded, ["build_include"])
    b = graded.behaviour("build_include")
    shown = graded.out + str(b["checks"])
    assert "No such file or directory" in shown, shown[-3000:]
    for secret in ("Iterative TCP echo server", "pytest_collect_file", "Hostile builds"):
        assert secret not in shown, secret


def test_in_a_class_a_build_reads_no_other_students_files(tmp_path: Path) -> None:
    out = tmp_path / "grades"
    with host_dir(0o755) as cls:  # as staff often unpack a class: readable by all
        victim = cls / "victim"
        victim.mkdir()
        (victim / "secret.txt").write_text("VICTIM-SECRET-4711\n")
        shutil.copy(PROGRAMS / "advb_escape" / "advb_prog.c", victim)
        for f in (victim, *victim.iterdir()):
            f.chmod(0o755 if f.is_dir() else 0o644)
        submission("peek", cls / "attacker", CLASS=str(cls))
        (cls / "attacker").chmod(0o755)
        spec = write_spec(tmp_path, ["build_escape"])
        proc = subprocess.run([sys.executable, "-m", "harness", "grade-batch", str(cls),
                               str(spec), "--out", str(out), "-j", "2"],
                              cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = (out / "attacker" / "report.txt").read_text()
    assert "`make advb_prog` failed" in report, report[-3000:]
    assert "VICTIM-SECRET" not in report
    assert not [f for f in (out / "attacker").rglob("*") if f.is_file()
                and b"VICTIM-SECRET" in f.read_bytes()]


def test_build_directories_are_private_to_root_and_the_building_uid() -> None:
    space, d = build_space()
    try:
        assert d.parent == space.path
        for p, mode in ((d.parent, 0o711), (d, 0o700)):  # passable, not listable; private
            st = p.stat()
            assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, mode), p
    finally:
        assert space.remove(None) == ""
    assert not space.path.exists()


def test_shared_mappings_and_sysv_segments_count_as_memory(tmp_path: Path) -> None:
    graded = grade(tmp_path, "memory", ["shared_map", "sysv_hog"])
    check_verdicts(graded, ["shared_map", "sysv_hog"])


def _grader_with_a_session_key() -> None:
    """In the grader's child, before exec: a session keyring of its own holding a key,
    as a grader started from a login shell has (pam_keyinit)."""
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(1), None) >= 0
    assert libc.syscall(ctypes.c_long(SYS_ADD_KEY), b"user", b"advb_grader_secret", b"x",
                        ctypes.c_long(1), ctypes.c_long(-3)) >= 0


@pytest.mark.skipif(platform.machine() != "x86_64", reason="system call numbers of x86_64")
def test_no_key_reaches_a_later_run_nor_the_graders_own(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, ["key_put", "key_get"])  # one grader: one uid, in turn
    sub = submission("keyring", tmp_path / "sub")
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-m", "harness", "check", str(sub), str(spec),
                           "--all", "--json", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=240, preexec_fn=_grader_with_a_session_key)
    graded = Graded(proc.returncode, proc.stdout, proc.stderr,
                    json.loads(out.read_text()) if out.exists() else None)
    check_verdicts(graded, ["key_put", "key_get"])
    assert "session keyring" in graded.behaviour("key_get")["sandbox"]
