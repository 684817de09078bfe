"""The adversarial suite: hostile programs (tests/adversarial/programs) and their verdicts.

Each case is graded by the real `sockgrade check`, with a spec holding only its own
behaviour (written from tests/adversarial/cases.yaml), so only its program is built.
After each case no process of its program is left; after the suite, conftest's leftover
check looks for processes, cgroups, IPC objects and temporary files of any slot uid.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import psutil
import pytest
import yaml
from conftest import ROOT, needs_netns, needs_walls, sockgrade

HERE = ROOT / "tests" / "adversarial"
PROGRAMS = HERE / "programs"

pytestmark = [needs_netns, needs_walls]

# behaviour -> (status, what the failed check says, as a regex)
EXPECT: dict[str, tuple[str, str]] = {
    "cpu_spin": ("failed", r"time limit \(CPU\): used more than 1 s of CPU time"),
    # (quiescence may end the wait once its sleep outlasts it, and then says so)
    "sleep_forever": ("failed", r"^time limit \(wall\): still running after 1 s"
                                r"( \(the wait ended early: it will not end by itself\))?$"),
    "sigstop": ("failed", r"^time limit \(wall\): still running"),
    "ignore_term": ("failed", r"^time limit \(wall\): still running"),
    "fork_bomb": ("failed", r"time limit \((wall|CPU)\)"),
    "fork_bomb_py": ("failed", r"time limit \((wall|CPU)\)"),
    "daemon": ("passed", ""),
    "hundred_children": ("passed", ""),
    "bg_stdout": ("passed", ""),
    "mem_hog": ("failed", r"memory limit: needed more than 64 MiB"),
    "endless_stdout": ("failed", r"output limit: printed more than 64 KiB"),
    "file_filler": ("failed", r"output limit: wrote a file larger than 1 MiB"),
    "fd_exhaust": ("passed", ""),
    "connect_out": ("passed", ""),
    "snoop": ("passed", ""),
    "tamper": ("passed", ""),
    "symlink_bait": ("failed", r"there is no such file"),
    "ipc_leftovers": ("passed", ""),
    "setuid0": ("passed", ""),
    "workflow_inject": ("failed", r"exited with code 1"),
}


def write_spec(tmp_path: Path, ids: list[str], results: Path) -> Path:
    """A spec of the chosen behaviours and only the programs they start."""
    text = (HERE / "cases.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text.replace("@ROOT@", str(ROOT)).replace("@RESULTS@", str(results)))
    doc["behaviours"] = [b for b in doc["behaviours"] if b["id"] in ids]
    used = {s["start"] for b in doc["behaviours"] for s in b["steps"] if "start" in s}
    doc["programs"] = {k: v for k, v in doc["programs"].items() if k in used}
    path = tmp_path / "adversarial.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def grade(tmp_path: Path, ids: list[str], *extra: str) -> tuple[Any, Path]:
    results = tmp_path / "out" / "results.json"
    results.parent.mkdir()
    results.write_text("{}")  # there from the start, for the tampering case
    spec = write_spec(tmp_path, ids, results)
    graded = sockgrade(tmp_path, str(PROGRAMS), str(spec), "--all", *extra, timeout=240)
    return graded, results


def running(program: str) -> list[str]:
    """Live processes of this program (by its file name in argv)."""
    found = []
    for p in psutil.process_iter(["cmdline", "status"]):
        try:
            argv = p.info["cmdline"] or []
            # the program itself (argv[0], or a script after python3): not a compiler
            # of another test that names it as its output
            if p.info["status"] != psutil.STATUS_ZOMBIE and any(
                    os.path.basename(a) in (program, program + ".py") for a in argv[:2]):
                found.append(f"{p.pid} {' '.join(argv)}")
        except psutil.Error:
            continue
    return found


def failed_text(b: dict[str, Any]) -> str:
    bad = [c for c in b["checks"] if not c["passed"]]
    return bad[0]["actual"] if bad else ""


@pytest.mark.parametrize("case", sorted(EXPECT))
def test_each_hostile_program_gets_its_verdict_and_leaves_nothing(
        tmp_path: Path, case: str) -> None:
    graded, _ = grade(tmp_path, [case])
    b = graded.behaviour(case)
    status, says = EXPECT[case]
    assert b["status"] == status, graded.out[-3000:]
    if says:
        assert re.search(says, failed_text(b)), failed_text(b)
    assert b["status"] != "error"
    assert "uid" in b["sandbox"] and "cgroup" in b["sandbox"], b["sandbox"]
    program = "adv_" + case
    assert not running(program), f"left running: {running(program)}"


def test_a_fork_bomb_is_held_at_the_process_limit_and_said_so(tmp_path: Path) -> None:
    graded, _ = grade(tmp_path, ["fork_bomb"])
    b = graded.behaviour("fork_bomb")
    if "pids.max" in b["sandbox"]:  # a cgroup that counts processes
        assert any("process limit" in n for n in b["notes"]), b["notes"]


def test_the_next_run_gets_its_full_limits_after_fork_bombs(tmp_path: Path) -> None:
    """In one grader (one slot uid), runs one after another: the bombs' processes are
    all gone before the next behaviour, so it can still fork its 100 children."""
    graded, _ = grade(tmp_path, ["fork_bomb", "fork_bomb_py", "hundred_children",
                                 "same_port_a"])
    assert graded.status() == {"fork_bomb": "failed", "fork_bomb_py": "failed",
                               "hundred_children": "passed", "same_port_a": "passed"}, \
        graded.out[-3000:]


def test_two_servers_on_the_same_port_in_parallel_runs(tmp_path: Path) -> None:
    graded, _ = grade(tmp_path, ["same_port_a", "same_port_b"], "-n", "2")
    assert graded.status() == {"same_port_a": "passed", "same_port_b": "passed"}, \
        graded.out[-3000:]


def test_no_secret_reaches_the_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCKGRADE_TEST_SECRET", "hunter2")
    graded, _ = grade(tmp_path, ["snoop"])
    assert graded.behaviour("snoop")["status"] == "passed", graded.out[-3000:]
    assert "LEAKED" not in graded.out


def test_results_stay_the_graders(tmp_path: Path) -> None:
    graded, results = grade(tmp_path, ["tamper"])
    assert graded.behaviour("tamper")["status"] == "passed", graded.out[-3000:]
    assert not (results.parent / "planted").exists()
    assert not Path(str(results) + ".tmp").is_symlink()


def test_ipc_objects_and_temp_files_die_with_the_run(tmp_path: Path) -> None:
    graded, _ = grade(tmp_path, ["ipc_leftovers"])
    assert graded.behaviour("ipc_leftovers")["status"] == "passed", graded.out[-3000:]
    assert not [p for p in ("/dev/shm/adv_shm", "/dev/shm/sem.adv_sem", "/tmp/adv_fifo")
                if os.path.lexists(p)]
    assert not list(Path("/tmp").glob("adv_tmp_*"))
    keys = {str(k) for k in (0x5CA1AB1E, 0x5CA1AB1F, 0x5CA1AB20)}
    for kind in ("shm", "sem", "msg"):
        rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        assert not [r for r in rows if r.split()[0] in keys], kind


def test_workflow_commands_in_output_are_not_commands(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    graded, _ = grade(tmp_path, ["workflow_inject"])
    b = graded.behaviour("workflow_inject")
    assert (b["status"], b["score"]) == ("failed", 0)
    assert graded.results is not None and graded.results["score"] == 0
    lines = graded.out.splitlines()
    stop = next(x for x in lines if x.startswith("::stop-commands::sockgrade-"))
    resume = f"::{stop.removeprefix('::stop-commands::')}::"
    assert lines.count(resume) == 1  # the report printed between them is only text
    report = lines[lines.index(stop):lines.index(resume)]
    assert any("INJECTED" in x for x in report)
    after = lines[lines.index(resume) + 1:]
    commands = [line for line in after if line.lstrip().startswith("::")]
    assert commands, "expected the grader's own annotation"
    for line in commands:  # the grader's annotations only, the program's text escaped
        assert line.startswith("::error file="), line
        assert "INJECTED" not in line.split("::", 2)[1], line
    assert not re.search(r"^\s*Score: 100/100", graded.out, re.MULTILINE)
