"""The sandbox's pieces: how a program's end is told (pure), the walls a child gets, the
grader's own leftover check, and grading with walls missing (graceful degradation)."""

from __future__ import annotations

import ast
import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, _sandbox_leftovers, needs_netns
from test_adversarial import running, write_spec

from harness.run.runner import RunConfig, run_behaviour
from harness.run.submission import build, copy_submission
from harness.sandbox import cgroup, walls
from harness.sandbox.limits import DEFAULT, Evidence, Limits, describe_end, limit_hit
from harness.spec.model import load_spec

SMALL = Limits.model_validate({"cpu": 1, "memory": 64, "output": 65536, "file_size": 1})


@pytest.mark.parametrize(("code", "sig", "ev", "kind"), [
    (None, signal.SIGXCPU, Evidence(), "cpu"),
    (None, signal.SIGKILL, Evidence(cpu_seconds=0.9), "cpu"),  # SIGXCPU ignored
    (None, signal.SIGKILL, Evidence(cpu_seconds=0.9, killed_by_harness=True), ""),
    (None, signal.SIGXFSZ, Evidence(), "file_size"),
    (None, signal.SIGKILL, Evidence(output_cap=True, killed_by_harness=True), "output"),
    (None, signal.SIGSEGV, Evidence(data_mib=63), "memory"),  # malloc failed, unchecked
    (1, None, Evidence(stderr_tail=b"...\nMemoryError\n"), "memory"),
    (None, signal.SIGSEGV, Evidence(data_mib=3), ""),  # an ordinary crash
    (0, None, Evidence(data_mib=63), ""),  # a clean exit is never a limit
    (None, signal.SIGKILL, Evidence(oom_killed=True), "memory"),
])
def test_the_limit_a_program_hit(code: int | None, sig: int | None, ev: Evidence,
                                 kind: str) -> None:
    assert limit_hit(code, sig, SMALL, ev) == kind


def test_an_end_says_how_and_which_limit() -> None:
    assert describe_end(None, signal.SIGSEGV, "", SMALL) == "killed by SIGSEGV"
    assert describe_end(3, None, "", SMALL) == "exited with code 3"
    said = describe_end(None, signal.SIGXCPU, "cpu", SMALL)
    assert said.startswith("killed by SIGXCPU — time limit (CPU)") and "1 s" in said
    assert "64 KiB" in describe_end(None, signal.SIGKILL, "output", SMALL)
    assert "64 MiB" in describe_end(1, None, "memory", SMALL)


def test_defaults_are_far_above_a_correct_programs_needs() -> None:
    assert DEFAULT.cpu >= 10 and DEFAULT.memory >= 512 and DEFAULT.processes >= 64
    assert DEFAULT.open_files >= 256 and DEFAULT.output >= 1 << 20


def _in_jail(code: str, jail: walls.Jail) -> str:
    out = subprocess.run([walls.python3(), "-c", code], preexec_fn=jail.in_child,
                         capture_output=True, text=True, timeout=30, cwd="/",
                         env=walls.clean_env(Path("/")))
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid and namespace walls need root")
def test_a_jailed_child_has_every_wall() -> None:
    layers = walls.layers()
    assert layers.uid is not None and layers.uid >= walls.BASE_UID
    code = ("import os, resource as r; print(repr((os.getuid(), os.getgid(), os.getgroups(),"
            " r.getrlimit(r.RLIMIT_NOFILE)[0], r.getrlimit(r.RLIMIT_CORE)[0],"
            " r.getrlimit(r.RLIMIT_NPROC)[0], sorted(os.environ),"
            " open('/proc/self/status').read().split('NoNewPrivs:')[1].split()[0],"
            " os.readlink('/proc/self/ns/ipc'), len([p for p in os.listdir('/proc')"
            " if p.isdigit()]) < 5)))")
    got = _in_jail(code, walls.Jail(layers, SMALL, "/"))
    uid, gid, groups, nofile, core, nproc, env, nnp, ipc, few = ast.literal_eval(got)
    assert (uid, gid, groups) == (layers.uid, layers.uid, [])
    assert (nofile, core, nproc) == (SMALL.open_files, 0, SMALL.processes)
    assert env == ["HOME", "LANG", "MALLOC_ARENA_MAX", "PATH", "TERM"] and nnp == "1"
    if layers.namespaces:
        assert ipc != os.readlink("/proc/self/ns/ipc")
        assert few  # /proc shows its own processes only


@pytest.mark.skipif(os.geteuid() != 0, reason="slot uids exist only as root")
def test_the_leftover_check_sees_a_stray_file_of_a_free_slot_uid(tmp_path: Path) -> None:
    # a slot nobody holds: the lock file exists and is free
    probe = subprocess.run([sys.executable, "-c", "from harness.sandbox import walls; "
                            "print(walls.slot_uid())"], capture_output=True, text=True,
                           cwd=ROOT, check=True)
    uid = int(probe.stdout)  # that process has exited: its slot is free again
    stray = Path("/tmp") / f"sockgrade-probe-{os.getpid()}"
    stray.write_text("x")
    try:
        os.chown(stray, uid, uid)
        assert f"file {stray}" in _sandbox_leftovers()
    finally:
        stray.unlink()
    assert f"file {stray}" not in _sandbox_leftovers()


@needs_netns
@pytest.mark.parametrize("case", ["hundred_children", "daemon", "fd_exhaust", "cpu_spin"])
def test_with_walls_missing_it_still_grades_and_says_what_it_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """As if not root and in a container without cgroups: no uid of its own, no mount or
    IPC namespace, the subreaper instead of a cgroup. Same verdicts; the walls said."""
    monkeypatch.setattr(walls, "_layers", walls.Layers(
        None, False, ("a uid of its own (needs root)",
                      "private IPC, /tmp, /dev/shm and /proc (needs root)")))

    def no_cgroup() -> Path:
        raise cgroup.CgroupUnavailable("none here")

    monkeypatch.setattr(cgroup, "_v2_parent", no_cgroup)
    spec_path = write_spec(tmp_path, [case], tmp_path / "results.json")
    spec = load_spec(spec_path)
    build_dir = tmp_path / "build"
    copy_submission(ROOT / "tests" / "adversarial" / "programs", build_dir)
    builds = {name: build(build_dir, name) for name in spec.programs}
    outcome = run_behaviour(spec, spec.behaviours[0], RunConfig(
        build_dir=build_dir, builds=builds, artifacts=tmp_path / "artifacts"))
    want = "failed" if case == "cpu_spin" else "passed"
    assert outcome.status == want, (outcome.checks, outcome.error)
    assert "skipped: a uid of its own" in outcome.walls
    assert "child subreaper (no cgroup: none here)" in outcome.walls
    assert "uid 3" not in outcome.walls
    assert not running("adv_" + case)


@pytest.mark.skipif(os.geteuid() != 0, reason="builds run as a slot uid only as root")
def test_a_build_runs_as_the_slot_uid_and_leaves_no_daemon(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(
        "prog: prog.c\n\tid -u > built_by\n\tgcc -o prog prog.c\n\tsleep 987 &\n")
    (tmp_path / "prog.c").write_text("int main(void) { return 0; }\n")
    built = build(tmp_path, "prog")
    assert built.__class__.__name__ == "Built", built
    assert int((tmp_path / "built_by").read_text()) == walls.layers().uid
    assert (tmp_path / "prog").stat().st_uid == os.getuid()  # handed back to the grader
    assert not [p for p in running("sleep") if "987" in p]


@needs_netns
def test_a_later_grader_removes_the_empty_cgroups_of_a_killed_one(tmp_path: Path) -> None:
    """Owners hold a lock, not a name: an unlocked empty cgroup of ours is a dead
    grader's and goes; a locked one (a live grader's, in any pid namespace) stays."""
    try:
        parent = cgroup._v2_parent()
    except cgroup.CgroupUnavailable:
        pytest.skip("no writable cgroup v2 here")
    stale, live = parent / f"{cgroup.PREFIX}{'d' * 16}", parent / f"{cgroup.PREFIX}{'a' * 16}"
    stale.mkdir()
    live.mkdir()
    held = cgroup._lock(live)
    try:
        assert held is not None and cgroup.orphaned(stale) and not cgroup.orphaned(live)
        # a new process: the sweep happens at its first cgroup
        subprocess.run([sys.executable, "-c", "from harness.sandbox import cgroup; "
                        "cgroup.RunCgroup(8, 64).close()"], cwd=ROOT, check=True)
        assert not stale.exists()
        assert live.exists()  # its owner, this test, holds its lock
    finally:
        if held is not None:
            os.close(held)
        for d in (stale, live):
            if d.exists():
                d.rmdir()


@needs_netns
def test_a_cgroup_name_says_nothing_of_the_grader() -> None:
    """A program reads its cgroup's name in /proc/self/cgroup: random, never the pid."""
    try:
        cgs = [cgroup.RunCgroup(8, 64) for _ in range(2)]
    except cgroup.CgroupUnavailable:
        pytest.skip("no writable cgroup v2 here")
    try:
        names = [c.path.name for c in cgs]
        for name in names:
            assert re.fullmatch(r"sockgrade-[0-9a-f]{16}", name), name
            assert not cgroup.orphaned(cgs[0].path)  # ours while we live
        assert names[0] != names[1]
    finally:
        for c in cgs:
            c.close()


HOLDER = """import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
if libc.ptrace(0x4206, pid, None, None) != 0:  # PTRACE_SEIZE
    sys.exit(1)
print("held", flush=True)
sys.stdin.readline()  # until told, the killed tracee's zombie is held here
os.waitpid(pid, 0x40000000)
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root (setuid, ptrace)")
def test_killing_a_uid_waits_for_a_zombie_a_tracer_still_holds() -> None:
    """A process of the run's uid killed while a tracer holds it (the loop proof's) is the
    tracer's to reap first: our waitpid() finds nothing until then. `kill_uid` waits for
    it, says so when it could not reap it in time, and reaps it once it can; it used to
    return as soon as no live process was left, and a zombie of the uid outlived the
    slot (the suite's leftover check found one)."""
    from harness.sandbox import procs, reaper

    uid = walls.BASE_UID + walls.SLOTS + 7  # no slot's: no grader of the suite uses it
    child = subprocess.Popen([walls.python3(), "-c", "while True: pass"],
                             preexec_fn=lambda: (os.setgid(uid), os.setuid(uid)))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(child.pid)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "held\n"
        # held until told: not reaped within its deadline, so still there
        assert reaper.kill_uid(uid, 0.5) == [child.pid]
        assert procs.state(child.pid) == "Z"
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert reaper.kill_uid(uid, 30) == []
        assert procs.state(child.pid) == "", "the zombie of the run's uid was left"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
        holder.kill()
        holder.wait()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child.pid, os.WNOHANG)


@pytest.mark.usefixtures("subreaper")
def test_an_orphan_of_a_program_is_found_by_its_session_and_killed() -> None:
    """Where no cgroup or uid of its own holds a run (an ordinary user without
    namespaces), a child whose parent ended (pipe2's child, a daemon) is reparented to
    the harness and no longer descends from the program: its session still ties it to
    the run. Without `in_sessions` it outlived the grading."""
    from harness.sandbox import procs, reaper

    leader = subprocess.Popen(["sh", "-c", "sleep 300 & echo $!"], start_new_session=True,
                              stdout=subprocess.PIPE, text=True)
    assert leader.stdout is not None
    orphan = int(leader.stdout.readline())
    assert leader.wait(timeout=30) == 0  # its parent ended: the sleep is ours now
    try:
        assert orphan not in reaper.descendants([leader.pid])
        assert orphan in reaper.in_sessions([leader.pid])
        assert reaper.in_sessions([os.getpid() + 10**7]) == set()
        assert reaper.kill_and_reap(reaper.in_sessions([leader.pid])) == []
        assert procs.state(orphan) == ""
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(orphan, signal.SIGKILL)
