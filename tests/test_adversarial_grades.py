"""Hostile submissions against the grade itself: grader errors, names, cells, commands.

Programs are tests/adversarial/programs/advg_*, behaviours tests/adversarial/cases_grades.yaml.
Each test grades with the real `sockgrade check` (or `grade-batch`) and reads every file a
platform would get:
- a program that makes a grader step fail never leaves the maximum below the spec's
  total, and a grader error says `grader error: regrade` in every output, with no
  traceback for the student;
- a student folder's name of any bytes, or one that a spreadsheet would run as a formula,
  still gets every file, an escaped name and a neutral cell;
- GitHub's legacy workflow commands (`##[...]`) printed by a program are never commands;
- report.html of `grade-batch --all` has no hidden behaviour's details;
- a program's cgroup name says nothing of the grader.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, needs_netns, needs_walls

HERE = ROOT / "tests" / "adversarial"
PROGRAMS = HERE / "programs"
REGRADE = "grader error: regrade"
STUDENT_LINE = "not your fault, your grade will be checked"

pytestmark = [needs_netns, needs_walls]


def write_spec(path: Path, ids: list[str]) -> Path:
    doc = yaml.safe_load((HERE / "cases_grades.yaml").read_text(encoding="utf-8"))
    doc["behaviours"] = [b for b in doc["behaviours"] if b["id"] in ids]
    used = {s["start"] for b in doc["behaviours"] for s in b["steps"] if "start" in s}
    doc["programs"] = {k: v for k, v in doc["programs"].items() if k in used}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def spec_total(spec: Path) -> float:
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return float(sum(b.get("points", 1) for b in doc["behaviours"]))


class Run:
    """One `sockgrade check --all` writing every platform's file, as in GitHub Actions."""

    def __init__(self, tmp: Path, spec: Path, code: str | None = None,
                 tmpdir: Path | None = None) -> None:
        self.files = {k: tmp / f"{k}.out" for k in
                      ("json", "gradescope", "prairielearn", "classroom", "html")}
        self.summary = tmp / "summary.md"
        args = ["check", str(PROGRAMS), str(spec), "--all", "--artifacts", str(tmp / "pcaps"),
                *[f"--{k}={v}" for k, v in self.files.items()]]
        # `code`: run the command line from Python, after changing the harness
        main = f"\nfrom harness.cli import main\nsys.exit(main({args!r}))"
        argv = [sys.executable, "-m", "harness", *args] if code is None else [
            sys.executable, "-c", code + main]
        env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(self.summary)}
        if tmpdir is not None:
            env["TMPDIR"] = str(tmpdir)
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300,
                              env=env)
        self.code, self.out, self.err = proc.returncode, proc.stdout, proc.stderr

    def doc(self, kind: str) -> Any:
        text = self.files[kind].read_text(encoding="utf-8")
        if kind == "classroom":
            return json.loads(base64.b64decode(text))
        return text if kind == "html" else json.loads(text)

    def student_facing(self) -> str:
        """What students may read: Gradescope's outputs, PrairieLearn, Classroom, the page,
        the job summary and the terminal report."""
        gs = self.doc("gradescope")
        return "\n".join([gs["output"], *(t["output"] for t in gs["tests"]),
                          json.dumps(self.doc("prairielearn")), json.dumps(self.doc("classroom")),
                          self.doc("html"), self.summary.read_text(encoding="utf-8"), self.out])


def assert_never_a_smaller_maximum(run: Run, total: float) -> None:
    assert run.doc("json")["max_score"] == total, run.out[-3000:]
    assert sum(t["max_score"] for t in run.doc("gradescope")["tests"]) == total
    assert run.doc("classroom")["max_score"] == total
    pl = run.doc("prairielearn")
    assert sum(t["max_points"] for t in pl["tests"]) == total
    if pl["gradable"]:  # a fraction of the whole total, never of a smaller one
        assert pl["score"] == pytest.approx(run.doc("json")["score"] / total)
    assert f"/{total:g} (" in run.out  # the terminal's score line


def assert_regrade_everywhere(run: Run) -> None:
    """A grader error: every platform says so; the student reads no traceback."""
    assert run.code == 3, run.out[-3000:]
    assert run.doc("json")["status"] == "error"
    gs = run.doc("gradescope")
    assert gs["output"].startswith(REGRADE)
    assert any(REGRADE in t["name"] and REGRADE in t["output"] for t in gs["tests"])
    pl = run.doc("prairielearn")
    assert pl["gradable"] is False and pl["message"].startswith(REGRADE)
    cr = run.doc("classroom")
    assert cr["status"] == "error" and any(REGRADE in t["message"] for t in cr["tests"])
    assert REGRADE in run.doc("html") and STUDENT_LINE in run.doc("html")
    assert REGRADE in run.summary.read_text(encoding="utf-8")
    assert f"::error title=sockgrade%3A {REGRADE.replace(':', '%3A')}::" in run.out
    assert f"— {REGRADE}" in run.out  # the terminal's score line
    for secret in ("Traceback", "/root/", "File \"", "runner.py"):
        assert secret not in run.student_facing(), secret
    assert f"sockgrade: {REGRADE}: " in run.err  # for staff: stderr and the JSON
    assert any(b["error"] for b in run.doc("json")["behaviours"] if b["status"] == "error")


def test_a_program_that_breaks_a_grader_step_never_leaves_a_smaller_maximum(
        tmp_path: Path) -> None:
    """A 3000-deep directory chain in the working directory broke the grader's clean-up:
    the behaviour was `error`, not counted, and 2/5 became 2/2."""
    spec = write_spec(tmp_path / "g.yaml", ["deep_tree", "echo_after"])
    # the run's temporary directories in a folder of their own: a clean-up that fails
    # leaves the chain (and the private directory) behind, and this test removes them
    own_tmp = Path(tempfile.mkdtemp(prefix="advg-tmp-", dir="/tmp"))
    os.chmod(own_tmp, 0o711)
    try:
        run = Run(tmp_path, spec, tmpdir=own_tmp)
    finally:
        subprocess.run(["rm", "-rf", "--one-file-system", str(own_tmp)], check=False)
    assert_never_a_smaller_maximum(run, spec_total(spec))
    deep = next(b for b in run.doc("json")["behaviours"] if b["id"] == "deep_tree")
    # the chain goes with its tmpfs (or is removed as the slot uid): the program did what
    # its behaviour asks, so it passes; a clean-up that still failed would be its failure
    assert deep["max_score"] == 3 and deep["status"] in ("passed", "failed"), deep
    assert deep["score"] == (3 if deep["status"] == "passed" else 0)
    assert "Traceback" not in run.student_facing()


def test_a_grader_error_says_regrade_in_every_platform_output(tmp_path: Path) -> None:
    """The grader's own time budget runs out (truly its fault): the behaviour keeps its
    points, and Gradescope, PrairieLearn, Classroom, the page, the summary, the
    annotations and the terminal all say `grader error: regrade`."""
    spec = write_spec(tmp_path / "g.yaml", ["echo_after"])
    doc = yaml.safe_load(spec.read_text())
    doc["behaviours"].append({"id": "grader_stops", "title": "Waits", "points": 4,
                              "steps": [{"start": "adv_echo"}, {"idle": 20}]})
    spec.write_text(yaml.safe_dump(doc))
    # echo_after's budget goes below zero (no limit); grader_stops' to 2.5 s
    run = Run(tmp_path, spec, "import sys, harness.plugin as p; p.BUILD_BUDGET = -21.5")
    statuses = {b["id"]: b["status"] for b in run.doc("json")["behaviours"]}
    assert statuses == {"echo_after": "passed", "grader_stops": "error"}, run.out[-3000:]
    assert_never_a_smaller_maximum(run, 6.0)
    assert run.doc("json")["score"] == 2.0
    assert_regrade_everywhere(run)


def runner_commands(lines: list[str]) -> list[tuple[str, str]]:
    """The workflow commands GitHub's runner would obey in these log lines: `::name` at
    a line's start (after spaces), the legacy `##[name]` anywhere; none while stopped by
    `::stop-commands::TOKEN`, until `::TOKEN::` (or `##[TOKEN]`)."""
    obeyed: list[tuple[str, str]] = []
    stopped = ""
    for line in lines:
        text = line.lstrip()
        if text.startswith("::") and "::" in text[2:]:
            info, data = text[2:].split("::", 1)
        elif "##[" in line and "]" in line.split("##[", 1)[1]:
            info, data = line.split("##[", 1)[1].split("]", 1)
        else:
            continue
        name = info.split(" ")[0]
        if stopped:
            if name == stopped:
                stopped = ""
                obeyed.append(("resume", ""))
            continue
        if name == "stop-commands":
            stopped = data
        obeyed.append((name, data))
    return obeyed


def test_legacy_workflow_commands_printed_by_a_program_are_never_commands(
        tmp_path: Path) -> None:
    run = Run(tmp_path, write_spec(tmp_path / "g.yaml", ["legacy_commands"]))
    b = run.doc("json")["behaviours"][0]
    assert (b["status"], b["score"]) == ("failed", 0), run.out[-3000:]
    obeyed = runner_commands(run.out.splitlines())
    assert [name for name, _ in obeyed] == ["stop-commands", "resume", "error"], obeyed
    assert "INJECTED" in run.out  # the program's text is there, as text
    assert not runner_commands(run.err.splitlines())
    summary = run.summary.read_text(encoding="utf-8").splitlines()
    assert not runner_commands(summary)


def test_a_programs_cgroup_is_named_at_random(tmp_path: Path) -> None:
    run = Run(tmp_path, write_spec(tmp_path / "g.yaml", ["cgroup_name"]))
    b = run.doc("json")["behaviours"][0]
    if "cgroup" not in b["sandbox"] or "no cgroup" in b["sandbox"]:
        pytest.skip("no cgroup here: " + b["sandbox"])
    assert b["status"] == "passed", run.out[-3000:]


NAMES = [os.fsdecode(b"st\xff\xfeu"), "=cmd|' \\C calc'!A0", "+1", "-1", "@SUM(1)",
         "\tTAB", "\rCR"]


def test_grade_batch_any_name_any_bytes_and_no_hidden_details_for_students(
        tmp_path: Path) -> None:
    """Names of any bytes: every file written under the same bytes, names shown escaped;
    names a spreadsheet would run as formulas: neutral cells. `--all`: report.html,
    the student's page, has nothing of the hidden behaviour but its score."""
    cls = tmp_path / "class"
    for name in NAMES:
        (cls / name).mkdir(parents=True)
        shutil.copy(PROGRAMS / "adv_echo.py", cls / name / "adv_echo.py")
    spec = write_spec(tmp_path / "g.yaml", ["echo_after", "hidden_secret"])
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "harness", "grade-batch", str(cls), str(spec),
                           "--out", str(out), "-j", "2", "--all"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(os.listdir(out)) == sorted([*NAMES, "gradebook.csv"])
    for name in NAMES:
        for report in ("results.json", "report.txt", "report.html"):
            assert (out / name / report).is_file(), (name, report)
        page = (out / name / "report.html").read_text(encoding="utf-8")
        assert "HIDDEN-PAYLOAD-4711" not in page and "NEVER-SENT-BACK-0815" not in page
        assert "a hidden test: no details are shown" in page
        staff = (out / name / "report.txt").read_text(encoding="utf-8", errors="replace")
        assert "NEVER-SENT-BACK-0815" in staff  # staff files keep the details
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    students = sorted(r[0] for r in rows[1:])
    assert students == sorted(["st\\xff\\xfeu", "'=cmd|' \\C calc'!A0", "'+1", "'-1",
                               "'@SUM(1)", "'\tTAB", "'\rCR"]), students
    for row in rows:
        assert not [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")], row
    assert all(r[2:4] == ["2", "3"] for r in rows[1:]), rows  # echoes; hidden one fails
    assert "st\\xff\\xfeu: failed 2/3" in proc.stderr
