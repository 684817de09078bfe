"""Batch grading: a class of 20 through the real command line, whole and in shards.

The class is built from tests/programs/echo_server, so tests/matrix/ says what
every student must score. It is graded once per session (shared by pytest-xdist
workers): as one run with -j 2 and, at the same time, as shards 1/2 and 2/2.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, needs_netns
from matrixfile import load_matrix

from harness.spec.model import load_spec

ECHO = "specs/echo_server.yaml"
PROGRAMS = ROOT / "tests/programs/echo_server"
EXPECT: dict[str, Any] = load_matrix()["echo_server"]["variants"]
POINTS = {b.id: b.points for b in load_spec(ROOT / ECHO).behaviours}
MUTANTS = sorted(v for v in EXPECT if v.startswith("mut_"))
# every variant once, then the quick ones again (the slow mutants each wait out 3 s and
# 10 s time-outs) up to 20 students
QUICK = ["correct_c", "correct_py", "mut_one_client", "mut_never_closes", "mut_sigpipe",
         "mut_close_early"]
VARIANTS = (["correct_c", "correct_py", *MUTANTS] + QUICK * 3)[:20]
CLASS = {f"{i:02d}-{v}": v for i, v in enumerate(VARIANTS, 1)}


def batch_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "harness", *args]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(batch_cmd(*args), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def read_book(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def expected_score(variant: str) -> float:
    return sum(POINTS.values()) - sum(POINTS[b] for b in EXPECT[variant].get("fails", []))


@dataclass
class Runs:
    root: Path
    codes: dict[str, int]
    errs: dict[str, str]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """The class graded whole (-j 2) and as shards 1/2 and 2/2, all three at once."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this session's directory, common to its workers
    here = root / "test_batch_class"
    with open(root / "test_batch_class.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cache = here / "runs.json"
        if cache.exists():
            return Runs(here, **json.loads(cache.read_text()))
        shutil.rmtree(here, ignore_errors=True)  # a worker's failed attempt
        for name, variant in CLASS.items():
            shutil.copytree(PROGRAMS / variant, here / "class" / name)
        (here / "class" / ".git").mkdir()  # neither hidden directories nor files are students
        (here / "class" / "roster.txt").write_text("not a student\n")
        argv = {"whole": ["-j", "2"], "s1": ["--shard", "1/2", "-j", "1"],
                "s2": ["--shard", "2/2", "-j", "1"]}
        procs = {}
        for key, extra in argv.items():
            with open(here / f"{key}.err", "w") as err:
                procs[key] = subprocess.Popen(
                    batch_cmd("grade-batch", str(here / "class"), ECHO,
                              "--out", str(here / key), *extra),
                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        codes = {key: p.wait(timeout=900) for key, p in procs.items()}
        errs = {key: (here / f"{key}.err").read_text() for key in argv}
        cache.write_text(json.dumps({"codes": codes, "errs": errs}))
        return Runs(here, codes, errs)


@needs_netns
def test_every_student_is_graded_with_all_three_reports(runs: Runs) -> None:
    assert runs.codes == {"whole": 0, "s1": 0, "s2": 0}, runs.errs
    for name in CLASS:
        for report in ("results.json", "report.txt", "report.html"):
            assert (runs.root / "whole" / name / report).is_file(), (name, report)
        assert "Score:" in (runs.root / "whole" / name / "report.txt").read_text()
    assert sorted(p.name for p in (runs.root / "whole").iterdir() if p.is_dir()) == \
        sorted(CLASS)
    # stderr is no terminal here: one progress line per finished student
    progress = [line for line in runs.errs["whole"].splitlines() if line.startswith("[")]
    assert len(progress) == 20 and progress[-1].startswith("[20/20] ")


@needs_netns
def test_gradebook_scores_are_the_results_and_the_matrix(runs: Runs) -> None:
    book = read_book(runs.root / "whole" / "gradebook.csv")
    assert [row["student"] for row in book] == sorted(CLASS)
    columns = [f"echo_server.{b}" for b in POINTS]
    with open(runs.root / "whole" / "gradebook.csv", newline="") as f:
        assert next(csv.reader(f)) == ["student", "status", "score", "max_score", "regrade",
                                       *columns]
    for row in book:
        variant = CLASS[row["student"]]
        doc = json.loads((runs.root / "whole" / row["student"] / "results.json").read_text())
        assert float(row["score"]) == pytest.approx(sum(b["score"] for b in doc["behaviours"]))
        assert row["regrade"] == ""
        assert float(row["score"]) == pytest.approx(expected_score(variant)), row
        assert float(row["max_score"]) == pytest.approx(sum(POINTS.values()))
        assert row["status"] == ("failed" if EXPECT[variant].get("fails") else "passed")
        for b in doc["behaviours"]:
            assert float(row[f"echo_server.{b['id']}"]) == b["score"]


@needs_netns
def test_shards_cover_the_class_once_and_merge_into_the_whole(runs: Runs) -> None:
    s1 = [r["student"] for r in read_book(runs.root / "s1" / "gradebook.csv")]
    s2 = [r["student"] for r in read_book(runs.root / "s2" / "gradebook.csv")]
    ordered = sorted(CLASS)
    assert s1 == ordered[0::2] and s2 == ordered[1::2]
    assert not set(s1) & set(s2) and sorted(s1 + s2) == ordered
    merged = runs.root / "merged.csv"
    proc = run("merge-gradebooks", str(merged), str(runs.root / "s2" / "gradebook.csv"),
               str(runs.root / "s1" / "gradebook.csv"))
    assert proc.returncode == 0, proc.stderr
    assert merged.read_text() == (runs.root / "whole" / "gradebook.csv").read_text()
    twice = run("merge-gradebooks", str(runs.root / "twice.csv"),
                str(runs.root / "s1" / "gradebook.csv"), str(merged))
    assert twice.returncode == 2 and f"'{s1[0]}' is in both" in twice.stderr
    assert not (runs.root / "twice.csv").exists()


@pytest.mark.parametrize(("shard", "says"), [("3/2", "K must be from 1 to N"),
                                             ("0/2", "K must be from 1 to N"),
                                             ("1/0", "K must be from 1 to N"),
                                             ("2", "is not K/N"), ("a/b", "is not K/N")])
def test_a_bad_shard_exits_2_and_says_why(tmp_path: Path, shard: str, says: str) -> None:
    (tmp_path / "class" / "alice").mkdir(parents=True)
    proc = run("grade-batch", str(tmp_path / "class"), ECHO, "--shard", shard,
               "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert f"argument --shard: {shard!r}" in proc.stderr and says in proc.stderr
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2_before_anyone_is_graded(tmp_path: Path) -> None:
    (tmp_path / "class" / "alice").mkdir(parents=True)
    bad_spec = tmp_path / "bad.yaml"
    bad_spec.write_text("assignment: x\n")
    cases = [((str(tmp_path / "nowhere"), ECHO), "no such directory"),
             ((str(tmp_path / "class"), ECHO, "--out", str(tmp_path / "class" / "out")),
              "inside"),
             ((str(tmp_path / "class"), str(bad_spec)), str(bad_spec)),
             ((str(tmp_path / "class"), ECHO, "-j", "0"), "argument -j/--jobs")]
    for args, says in cases:
        proc = run("grade-batch", *args)
        assert proc.returncode == 2 and says in proc.stderr, (args, proc.stderr)
    assert not (tmp_path / "class" / "out").exists()
    assert not (tmp_path / "class" / "alice" / "results.json").exists()
    not_a_book = tmp_path / "x.csv"
    not_a_book.write_text("name,score\nalice,3\n")
    proc = run("merge-gradebooks", str(tmp_path / "m.csv"), str(not_a_book))
    assert proc.returncode == 2 and "not a gradebook" in proc.stderr


@needs_netns
def test_a_compile_error_fails_and_a_hang_does_not_stop_the_batch(tmp_path: Path) -> None:
    cls = tmp_path / "class"
    (cls / "broken").mkdir(parents=True)
    (cls / "broken" / "echo_server.c").write_text("int main(void) { return 0 }\n")
    (cls / "hangs").mkdir()  # never listens: every behaviour would wait out its 5 s
    (cls / "hangs" / "echo_server.py").write_text("import time\ntime.sleep(3600)\n")
    shutil.copytree(PROGRAMS / "correct_py", cls / "ok")
    out = tmp_path / "out"
    proc = run("grade-batch", str(cls), ECHO, "--out", str(out), "-j", "2",
               "--timeout", "30", timeout=300)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # the grader stopped for one
    book = {r["student"]: r for r in read_book(out / "gradebook.csv")}
    assert [book[s]["status"] for s in ("broken", "hangs", "ok")] == \
        ["failed", "error", "passed"]
    assert book["broken"]["score"] == "0" and book["ok"]["score"] == "8"
    broken = json.loads((out / "broken" / "results.json").read_text())
    assert "does not compile" in broken["behaviours"][0]["checks"][-1]["actual"]
    hangs = json.loads((out / "hangs" / "results.json").read_text())
    assert hangs["status"] == "error"
    assert any("not finished within 30 s" in e for e in hangs["errors"])
    assert "not finished within 30 s" in (out / "hangs" / "report.txt").read_text()
    assert (out / "hangs" / "report.html").is_file()
    assert "regrade hangs: not finished within 30 s" in proc.stderr
    # what was graded before it stopped still counts as graded, and the sum holds; the
    # maximum stays the spec's total (a grader that stopped is never a gift), and the
    # row says to regrade
    assert float(book["hangs"]["score"]) == sum(b["score"] for b in hangs["behaviours"])
    assert float(book["hangs"]["max_score"]) == sum(POINTS.values())
    assert book["hangs"]["regrade"].startswith("grader error: regrade: not finished")
    assert book["ok"]["regrade"] == "" and book["broken"]["max_score"] == "8"


def test_workflow_template_fans_out_shards_and_merges() -> None:
    flow = yaml.safe_load((ROOT / "ci/github/batch-grading.yml").read_text())
    grade, merge = flow["jobs"]["grade"], flow["jobs"]["merge"]
    assert grade["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    command = next(s["run"] for s in grade["steps"] if "grade-batch" in s.get("run", ""))
    assert "sockgrade grade-batch submissions" in command
    assert "--shard ${{ matrix.shard }}/4 --out out" in command
    upload = next(s for s in grade["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "out/" and "${{ matrix.shard }}" in upload["with"]["name"]
    assert merge["needs"] == "grade"
    assert any("download-artifact" in s.get("uses", "") for s in merge["steps"])
    assert any("sockgrade merge-gradebooks" in s.get("run", "") for s in merge["steps"])


def test_gradebook_cells_are_never_formulas_and_grader_errors_keep_their_points(
        tmp_path: Path) -> None:
    """OWASP's CSV injection payloads as student names are written as text; a grader
    error keeps its points in max_score, reads `error` in its column and `grader error:
    regrade` in the regrade column."""
    from harness.batch import Graded, _collect, write_gradebook

    where = tmp_path / "out" / "x"
    where.mkdir(parents=True)
    (where / "results.json").write_text(json.dumps({"status": "error", "behaviours": [
        {"assignment": "a", "id": "ok", "status": "passed", "score": 1, "max_score": 1},
        {"assignment": "a", "id": "boom", "status": "error", "score": 0, "max_score": 5}]}))
    (where / "report.html").write_text("<html></html>")
    graded = _collect("x", where, tmp_path, "", 1.0, {"a.ok": 1.0, "a.boom": 5.0, "a.n": 2.0})
    # a.n was never graded (blank), yet the maximum is the specs' whole total
    assert (graded.status, graded.max_score, graded.errored) == ("error", 8.0, ("a.boom",))
    names = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\tx", "\ry", os.fsdecode(b"b\xff")]
    rows = [Graded(n, "passed", {"a.ok": 1.0}, 1.0).row() for n in names]
    rows.append(Graded("z", graded.status, graded.scores, graded.max_score, "",
                       graded.errored).row())
    book = tmp_path / "gradebook.csv"
    write_gradebook(book, ["a.ok", "a.boom", "a.n"], rows)
    got = {r["student"]: r for r in read_book(book)}
    assert sorted(got) == sorted(["'=cmd|' /C calc'!A0", "'+1", "'-1", "'@SUM(1)", "'\tx",
                                  "'\ry", "b\\xff", "z"])
    assert (got["z"]["score"], got["z"]["max_score"], got["z"]["a.boom"], got["z"]["a.n"]) \
        == ("1", "8", "error", "")
    assert got["z"]["regrade"] == "grader error: regrade: a.boom"
    merged = tmp_path / "merged.csv"  # merging keeps each cell as it is (no second quote)
    assert subprocess.run(batch_cmd("merge-gradebooks", str(merged), str(book)), cwd=ROOT,
                          capture_output=True, timeout=60).returncode == 0
    assert merged.read_text(encoding="utf-8") == book.read_text(encoding="utf-8")
