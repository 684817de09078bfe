"""The adversarial suite's file attacks (issue 13): what a submission holds, or a build or
a program leaves, never makes the grader read a file with its own privileges, crash, or
give a grade better than the truth.

Each case builds a submission of its own in tmp_path (an advf_ program from
tests/adversarial/programs and a hostile file beside it) and grades the behaviours of
tests/adversarial/cases_files.yaml it needs with the real `sockgrade check`.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, Graded, needs_netns, needs_walls, sockgrade

from harness.sandbox import files, walls

HERE = ROOT / "tests" / "adversarial"
PROGRAMS = HERE / "programs"
ECHO = (PROGRAMS / "advf_echo.py").read_text(encoding="utf-8")



def write_spec(where: Path, ids: list[str], **disk: int) -> Path:
    doc = yaml.safe_load((HERE / "cases_files.yaml").read_text(encoding="utf-8"))
    doc["behaviours"] = [b for b in doc["behaviours"] if b["id"] in ids]
    used = {s["start"] for b in doc["behaviours"] for s in b["steps"] if "start" in s}
    doc["programs"] = {k: v for k, v in doc["programs"].items() if k in used}
    doc["disk"].update(disk)
    where.mkdir(parents=True, exist_ok=True)
    path = where / "files.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def submission(tmp_path: Path, *programs: str) -> Path:
    sub = tmp_path / "sub"
    sub.mkdir()
    for name in programs:
        for src in PROGRAMS.glob(f"{name}.*"):
            shutil.copy2(src, sub / src.name)
    return sub


def grade(tmp_path: Path, sub: Path, ids: list[str], **disk: int) -> Graded:
    return sockgrade(tmp_path, str(sub), str(write_spec(tmp_path / "spec", ids, **disk)),
                     "--all", timeout=300)


def failed_text(b: dict[str, Any]) -> str:
    return "\n".join(c["actual"] for c in b["checks"] if not c["passed"])


def everything(graded: Graded) -> str:
    return graded.out + graded.err + json.dumps(graded.results)


def assert_students_failure(graded: Graded, bid: str, says: str) -> dict[str, Any]:
    """Failed (not `error`), with the message, the spec's full max_score kept, and no
    harness traceback anywhere a student looks."""
    b = graded.behaviour(bid)
    assert b["status"] == "failed", graded.out[-3000:]
    assert says in failed_text(b), failed_text(b)
    assert graded.results is not None
    assert graded.results["max_score"] == sum(x["max_score"] for x in graded.results[
        "behaviours"]), graded.results
    assert "Traceback" not in graded.out + graded.err, graded.out[-3000:]
    return b


# ---- what the submission holds ------------------------------------------------------


@needs_netns
@needs_walls
def test_a_link_to_etc_shadow_is_refused_and_never_read(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "advf_echo.py").symlink_to("/etc/shadow")
    graded = grade(tmp_path, sub, ["echo"])
    assert_students_failure(graded, "echo", "advf_echo.py is a link to /etc/shadow, "
                                            "outside the submission")
    shadow = [x for x in Path("/etc/shadow").read_text().splitlines() if x.strip()]
    assert shadow and not [x for x in shadow if x in everything(graded)]


@needs_netns
@needs_walls
def test_a_link_to_etc_shadow_made_by_the_makefile_is_not_read(tmp_path: Path) -> None:
    """make -n runs $(shell ...): the link appears in the build folder, after the copy."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "Makefile").write_text("$(shell ln -sf /etc/shadow advf_echo.py)\n"
                                  "all:\n\ttrue\n")
    graded = grade(tmp_path, sub, ["echo"])
    # the working copy refuses the link before the program starts
    assert_students_failure(graded, "echo", "advf_echo.py is a link to /etc/shadow")
    shadow = [x for x in Path("/etc/shadow").read_text().splitlines() if x.strip()]
    assert not [x for x in shadow if x in everything(graded)]
    # and the syntax check, which comes first, read nothing either: it runs as the
    # slot uid and opens no link leading out
    from harness.run.submission import BuildFailure, build, copy_submission

    space = files.workspace("sockgrade-build-", 16)
    try:
        copy_submission(sub, space.path)
        built = build(space.path, "advf_echo")
    finally:
        assert space.remove(walls.layers().uid) == ""
    assert isinstance(built, BuildFailure), built
    assert "a link to a file outside the submission (/etc/shadow)" in built.log
    assert not [x for x in shadow if x in built.log + built.message]


@needs_netns
@needs_walls
def test_a_link_leaving_the_submission_is_refused_by_name(tmp_path: Path) -> None:
    sub = submission(tmp_path, "advf_echo")
    (sub / "notes").symlink_to("../../../../../../etc")
    graded = grade(tmp_path, sub, ["echo"])
    assert_students_failure(graded, "echo", "notes is a link to ../../../../../../etc, "
                                            "outside the submission")


@needs_netns
@needs_walls
def test_a_link_inside_the_submission_is_kept(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    (sub / "impl").mkdir(parents=True)
    (sub / "impl" / "echo.py").write_text(ECHO)
    (sub / "advf_echo.py").symlink_to("impl/echo.py")
    graded = grade(tmp_path, sub, ["echo"])
    assert graded.status() == {"echo": "passed"}, graded.out[-3000:]


@needs_netns
@needs_walls
def test_a_fifo_in_the_submission_is_skipped_and_said(tmp_path: Path) -> None:
    sub = submission(tmp_path, "advf_echo")
    os.mkfifo(sub / "pipe")
    graded = grade(tmp_path, sub, ["echo"])
    b = graded.behaviour("echo")
    assert b["status"] == "passed", graded.out[-3000:]
    assert any("pipe is not a regular file" in n for n in b["notes"]), b["notes"]


@needs_netns
@needs_walls
def test_a_fifo_made_by_the_makefile_is_skipped_in_every_run(tmp_path: Path) -> None:
    """Was shutil.Error on the copy into each working directory: a grader error for
    every behaviour."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "echo.py").write_text(ECHO)
    (sub / "Makefile").write_text("advf_echo: echo.py\n\tmkfifo made_fifo\n"
                                  "\tcp echo.py advf_echo\n\tchmod +x advf_echo\n")
    graded = grade(tmp_path, sub, ["echo"])
    b = graded.behaviour("echo")
    assert b["status"] == "passed", graded.out[-3000:]
    assert any("made_fifo is not a regular file" in n for n in b["notes"]), b["notes"]


@needs_netns
@needs_walls
def test_a_400kb_expression_fails_the_build_not_the_grader(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "advf_echo.py").write_text("x = " + "1+" * 200_000 + "1\n")
    graded = grade(tmp_path, sub, ["echo"])
    b = assert_students_failure(graded, "echo", "advf_echo.py cannot be read as Python")
    assert "RecursionError" in failed_text(b)


@needs_netns
@needs_walls
def test_a_4mb_source_keeps_the_grader_under_300mb(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "advf_echo.py").write_text("x = [" + "1," * 2_000_000 + "]\n")
    spec = write_spec(tmp_path / "spec", ["echo"])
    out = tmp_path / "r.json"
    # the grader's own peak (RUSAGE_SELF): its children (the syntax check) not counted
    code = ("import atexit, resource, sys\n"
            "atexit.register(lambda: print('MAXRSS_KIB', resource.getrusage("
            "resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))\n"
            "from harness.cli import main\n"
            f"sys.exit(main(['check', {str(sub)!r}, {str(spec)!r}, '--all', '--json', "
            f"{str(out)!r}, '--artifacts', {str(tmp_path / 'artifacts')!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    peak = int(proc.stderr.split("MAXRSS_KIB")[1].split()[0])
    assert peak < 300 * 1024, f"grader peak {peak} KiB"
    b = json.loads(out.read_text())["behaviours"][0]
    assert b["status"] == "failed", proc.stdout[-3000:]
    assert "advf_echo.py cannot be read as Python" in failed_text(b)


@needs_netns
@needs_walls
def test_a_sparse_1gib_file_is_refused_at_once(tmp_path: Path) -> None:
    sub = submission(tmp_path, "advf_echo")
    with open(sub / "big.bin", "wb") as f:
        f.truncate(1 << 30)
    graded = grade(tmp_path, sub, ["echo"])
    assert_students_failure(graded, "echo", "the submission is larger than 50 MiB "
                                            "(at big.bin)")


# ---- what a program leaves ---------------------------------------------------------


@needs_netns
@needs_walls
def test_a_deep_tree_left_by_a_program_is_removed_and_graded(tmp_path: Path) -> None:
    """Was RecursionError in the cleanup: `error`, not counted, max_score shrunk. Its
    working directory does not name the behaviour either (the program checks)."""
    sub = submission(tmp_path, "advf_deep_dirs", "advf_echo")
    graded = grade(tmp_path, sub, ["deep_dirs", "echo"])
    assert graded.status() == {"deep_dirs": "passed", "echo": "passed"}, graded.out[-3000:]
    assert graded.results is not None and graded.results["max_score"] == 5
    assert "Traceback" not in graded.out + graded.err


@needs_netns
@needs_walls
def test_filling_the_disk_fails_with_disk_limit(tmp_path: Path) -> None:
    sub = submission(tmp_path, "advf_disk_filler", "advf_echo")
    graded = grade(tmp_path, sub, ["disk_filler", "echo"])
    assert_students_failure(graded, "disk_filler", "disk limit: your programs filled the "
                                                   "working directory beyond 16 MiB")
    assert graded.behaviour("echo")["status"] == "passed"  # the next run has its disk


@needs_netns
@needs_walls
def test_without_a_tmpfs_the_same_verdicts_and_said_so(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without mount rights: removal as the slot uid, disk use measured
    after the run."""
    from harness.run import runner
    from harness.run.runner import RunConfig, run_behaviour
    from harness.run.submission import build, copy_submission
    from harness.spec.model import load_spec

    real = files.workspace
    monkeypatch.setattr(files, "workspace",
                        lambda prefix, size, mount=True: real(prefix, size, mount=False))
    assert runner.files.workspace is files.workspace
    spec = load_spec(write_spec(tmp_path / "spec", ["deep_dirs", "disk_filler"]))
    build_dir = tmp_path / "build"
    copy_submission(submission(tmp_path, "advf_deep_dirs", "advf_disk_filler"), build_dir)
    builds = {name: build(build_dir, name) for name in spec.programs}
    got = {}
    for b in spec.behaviours:
        o = run_behaviour(spec, b, RunConfig(build_dir=build_dir, builds=builds,
                                             artifacts=tmp_path / "artifacts"))
        got[b.id] = (o.status, "\n".join(c.actual for c in o.checks if not c.passed))
        assert any("not on a size-capped tmpfs" in n for n in o.notes), o.notes
    assert got["deep_dirs"] == ("passed", ""), got
    assert got["disk_filler"][0] == "failed" and "disk limit" in got["disk_filler"][1], got


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts a tmpfs inside the tree")
def test_a_tree_that_cannot_be_removed_is_the_students_failure(tmp_path: Path) -> None:
    """Whatever keeps a tree from going (here a mount inside it: rm --one-file-system
    leaves it), it is said to the student and never raised."""
    from harness.run.runner import _clean

    space = files.workspace("sockgrade-run-", 16, mount=False)
    stuck = space.path / "a" / "b"
    stuck.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "none", str(stuck)], check=True)
    try:
        notes: list[str] = []
        problems = _clean(space, walls.layers().uid, notes)
        assert len(problems) == 1, problems
        assert problems[0].startswith("your program left a directory tree the grader could "
                                      "not remove"), problems
    finally:
        subprocess.run(["umount", str(stuck)], check=True)
        shutil.rmtree(space.path)


# ---- what the grader loads and writes ----------------------------------------------


@needs_netns
@needs_walls
def test_nothing_planted_above_a_spec_is_loaded(tmp_path: Path) -> None:
    """A conftest.py, a package __init__.py and a pytest.ini in the specs' folders or
    above them (world-writable ones, as /tmp) are neither imported nor read."""
    marks = tmp_path / "marks"
    marks.mkdir()
    top = tmp_path / "planted"
    specs = top / "specs"

    def planted(name: str) -> str:
        return f"open({str(marks / name)!r}, 'w').write('imported')\n"

    specs.mkdir(parents=True)
    (top / "conftest.py").write_text(planted("conftest"))
    (top / "__init__.py").write_text(planted("top_init"))
    (specs / "__init__.py").write_text(planted("specs_init"))
    (top / "advf_evil.py").write_text(planted("ini_plugin"))
    (top / "pytest.ini").write_text(f"[pytest]\npythonpath = {top}\naddopts = -p advf_evil\n")
    spec = write_spec(specs, ["echo"])
    here = tmp_path / "here"
    here.mkdir()
    out = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "check", str(submission(tmp_path, "advf_echo")),
         str(spec), "--all", "--json", str(out), "--artifacts", str(tmp_path / "artifacts")],
        cwd=here, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert sorted(os.listdir(marks)) == [], proc.stdout[-3000:]
    doc = json.loads(out.read_text())
    assert [b["status"] for b in doc["behaviours"]] == ["passed"], proc.stdout[-3000:]


@needs_netns
@needs_walls
def test_a_link_at_the_old_artifacts_path_is_not_followed(tmp_path: Path) -> None:
    """A build could plant /tmp/sockgrade-artifacts -> a folder of its choice: pcaps of
    failed behaviours go to a new folder instead, and the planted one stays empty."""
    victim = tmp_path / "victim"
    victim.mkdir()
    old = Path(tempfile.gettempdir()) / "sockgrade-artifacts"
    old.symlink_to(victim)
    try:
        sub = tmp_path / "sub"
        sub.mkdir()
        (sub / "advf_echo.py").write_text("import sys\nsys.exit(0)\n")  # fails: no echo
        spec = write_spec(tmp_path / "spec", ["echo"])
        out = tmp_path / "r.json"
        subprocess.run([sys.executable, "-m", "harness", "check", str(sub), str(spec),
                        "--all", "--json", str(out)], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    finally:
        old.unlink()
    b = json.loads(out.read_text())["behaviours"][0]
    assert b["status"] == "failed"
    assert os.listdir(victim) == []
    pcap = Path(b["pcap"])
    assert pcap.parent.name.startswith("sockgrade-artifacts-"), pcap
    assert stat.S_ISREG(pcap.lstat().st_mode)
    assert stat.S_IMODE(pcap.parent.stat().st_mode) == 0o700


# ---- the copy and the writers, one by one (no root needed) ---------------------------


def test_the_copy_keeps_holes_and_refuses_what_it_must(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "sub").mkdir(parents=True)
    with open(src / "sparse.bin", "wb") as f:
        f.seek(20 << 20)
        f.write(b"end")
    (src / "sub" / "up").symlink_to("../sparse.bin")  # inside: kept as a link
    (src / ".git").mkdir()
    (src / ".git" / "HEAD").write_text("x")
    dst.mkdir()
    assert files.copy_tree(src, dst, 50) == []
    copied = dst / "sparse.bin"
    assert copied.stat().st_size == (20 << 20) + 3
    assert copied.stat().st_blocks * 512 < (1 << 20)  # still sparse
    assert (dst / "sub" / "up").is_symlink() and (dst / "sub" / "up").read_bytes()[-3:] == b"end"
    assert not (dst / ".git").exists()
    # a link that goes through an inside link and then out: resolved as the kernel would
    # (lexically sub/dot/../.. is the submission itself)
    (src / "sub" / "dot").symlink_to(".")
    (src / "sub" / "out").symlink_to("dot/../..")
    (tmp_path / "dst2").mkdir()
    with pytest.raises(files.Refused, match="sub/out is a link to dot/../.., outside"):
        files.copy_tree(src, tmp_path / "dst2", 50)


def test_a_deep_submission_is_refused_without_recursion(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    fd = os.open(src, os.O_RDONLY)
    for _ in range(3000):  # deeper than PATH_MAX allows by name: by descriptors
        os.mkdir("d", dir_fd=fd)
        nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    os.close(fd)
    (tmp_path / "dst").mkdir()
    try:
        with pytest.raises(files.Refused, match="nested more than 64 deep"):
            files.copy_tree(src, tmp_path / "dst", 50)
        assert files.remove_tree(src, None) == ""
        assert not src.exists()
    finally:
        subprocess.run(["rm", "-rf", str(src), str(tmp_path / "dst")], check=True)


def test_writers_replace_a_planted_link_and_never_follow_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    results = tmp_path / "results.json"
    results.symlink_to(victim)
    (tmp_path / "results.json.tmp").symlink_to(victim)  # the old fixed temporary name
    files.write_replacing(results, b"{}\n")
    assert victim.read_text() == "untouched"
    assert not results.is_symlink() and results.read_text() == "{}\n"
    (tmp_path / "a.pcap").symlink_to(victim)
    path, out = files.create_new(tmp_path, "a.pcap")
    with out:
        out.write(b"pcap")
    assert path != tmp_path / "a.pcap" and path.read_bytes() == b"pcap"
    assert victim.read_text() == "untouched"
    summary = tmp_path / "summary.md"
    summary.symlink_to(victim)
    with pytest.raises(OSError):
        files.append_nofollow(summary, "x")
    assert victim.read_text() == "untouched"
