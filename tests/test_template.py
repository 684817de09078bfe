"""student_template/: the skeletons build and run, and fail their specs until finished."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, needs_netns, sockgrade

TEMPLATE = ROOT / "student_template"
PROGRAMS = sorted(p.stem for p in (TEMPLATE / "c").glob("*.c"))


def test_every_skeleton_exists_in_c_and_python_with_a_spec() -> None:
    assert PROGRAMS, "no C skeletons"
    assert sorted(p.stem for p in (TEMPLATE / "python").glob("*.py")) == PROGRAMS
    for name in PROGRAMS:
        assert (ROOT / "specs" / f"{name}.yaml").is_file(), f"no spec for {name}"


def test_make_builds_every_c_skeleton_without_warnings(tmp_path: Path) -> None:
    copy = tmp_path / "t"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run(["make", "-C", str(copy / "")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr, proc.stderr
    for name in PROGRAMS:
        assert (copy / "c" / name).is_file()


# specs per run: one run of every skeleton against every spec outlasts the test time-out
GROUP = 8
GROUPS = [PROGRAMS[i:i + GROUP] for i in range(0, len(PROGRAMS), GROUP)]


@needs_netns
@pytest.mark.parametrize("names", GROUPS, ids=[f"{g[0]}-{g[-1]}" for g in GROUPS])
@pytest.mark.parametrize("language", ["c", "python"])
def test_skeletons_start_but_fail_until_finished(tmp_path: Path, language: str,
                                                 names: list[str]) -> None:
    specs = [f"specs/{name}.yaml" for name in names]
    graded = sockgrade(tmp_path, f"student_template/{language}", *specs)
    assert graded.code == 1, graded.out[-3000:]
    assert graded.results is not None
    by_spec: dict[str, list[str]] = {}
    for b in graded.results["behaviours"]:
        assert b["status"] != "error", b
        # by spec file: an assignment id is lowercase (echo_EPETserv.yaml: echo_epetserv)
        by_spec.setdefault(Path(b["spec"]).stem, []).append(b["status"])
        starts = [c for c in b["checks"] if c["step"] == "start"]
        if starts:  # a skeleton must start; its TODO makes it fail later (a restart may)
            assert starts[0]["passed"], f"{b['assignment']}.{b['id']}: {starts[0]['actual']}"
    for name in names:
        assert "failed" in by_spec[name], f"the {name} skeleton already passes its spec"


def test_make_check_grades_what_the_student_worked_on(tmp_path: Path) -> None:
    """Not all 60 assignments: the programs named with P=, else those changed since the
    template's first commit (a git clone), else those without TODO; none -> a clear
    message and exit 2. SOCKGRADE=echo shows the command make would run."""
    copy = tmp_path / "t"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("__pycache__"))

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["make", "-s", "-C", str(copy), "check", "SOCKGRADE=echo", *args],
                              capture_output=True, text=True)

    untouched = check()
    assert untouched.returncode == 2 and "make check P=echo_server" in untouched.stdout
    named = check("P=echo_client hello_server")
    assert named.stdout.split()[-2:] == ["../specs/echo_client.yaml", "../specs/hello_server.yaml"]
    src = copy / "c" / "echo_server.c"
    src.write_text(src.read_text().replace("TODO", "done"))
    assert check().stdout.split()[-1] == "../specs/echo_server.yaml"
    git = ["git", "-C", str(copy), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "c/*.c", "python", "Makefile"], check=True)
    subprocess.run([*git, "commit", "-qm", "template"], check=True)
    assert check().returncode == 2  # a fresh clone: nothing worked on yet
    subprocess.run(["make", "-s", "-C", str(copy)], check=True)  # binaries are not work
    assert check().returncode == 2
    (copy / "python" / "op_client.py").write_text("print('mine')\n")
    assert check().stdout.split()[-1] == "../specs/op_client.yaml"
