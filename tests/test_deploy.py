"""What the README deploys: the PrairieLearn entry point, the Dockerfile, the GitHub
Classroom workflow. Each run as far as this machine allows (no Docker engine here)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT, needs_netns

PL_RUN = ROOT / "ci/prairielearn/run"


def _pl(grade: Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    """Run the entry point as PrairieLearn would, with /grade at `grade`."""
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    proc = subprocess.run([str(PL_RUN)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": path, "SOCKGRADE_GRADE_DIR": str(grade),
                               **(env or {})})
    return proc.returncode, json.loads((grade / "results" / "results.json").read_text())


@needs_netns
def test_prairielearn_entry_point_grades_the_question_spec(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests/programs/echo_server/mut_never_closes", tmp_path / "student")
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "specs/echo_server.yaml", tmp_path / "tests")
    code, doc = _pl(tmp_path)
    # exit 0 although a behaviour failed: PrairieLearn reads results only after exit 0
    assert code == 0
    assert doc["gradable"] is True and doc["score"] == 0.875, doc
    assert len(doc["tests"]) == 8  # type: ignore[arg-type]


@needs_netns
def test_prairielearn_entry_point_takes_catalog_names(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples/submission", tmp_path / "student")
    code, doc = _pl(tmp_path, {"SOCKGRADE_SPECS": "echo_server"})
    assert code == 0 and doc["gradable"] is True and doc["score"] == 1.0, doc


def test_prairielearn_entry_point_without_a_grader_is_not_gradable(tmp_path: Path) -> None:
    """No sockgrade at all (a broken image), or no spec: not gradable, never a 0."""
    (tmp_path / "student").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "echo_server.yaml").write_text("assignment: x\n")
    env = {"PATH": "/usr/bin:/bin"}  # sockgrade is not on it
    proc = subprocess.run([str(PL_RUN)], capture_output=True, text=True, timeout=60,
                          env={**env, "SOCKGRADE_GRADE_DIR": str(tmp_path)})
    doc = json.loads((tmp_path / "results" / "results.json").read_text())
    assert proc.returncode == 0
    assert doc["gradable"] is False and "grader error" in doc["format_errors"][0], doc
    (tmp_path / "tests" / "echo_server.yaml").unlink()
    code, doc = _pl(tmp_path)
    assert code == 0 and doc["gradable"] is False and "no spec" in doc["format_errors"][0]


def test_prairielearn_info_json_example_names_the_image_entry_point() -> None:
    info = json.loads((ROOT / "ci/prairielearn/info.json").read_text())
    opts = info["externalGradingOptions"]
    assert opts["enabled"] is True and opts["image"]
    assert opts["timeout"] > 30  # PrairieLearn's default (30 s) is shorter than one mutant
    assert opts["timeout"] <= 600  # PrairieLearn's maximum
    docker = (ROOT / "Dockerfile").read_text()
    assert "/usr/local/bin/sockgrade-prairielearn" in docker
    assert opts["entrypoint"] == "/usr/local/bin/sockgrade-prairielearn"


def test_dockerfile_copies_only_what_exists_and_installs_the_package() -> None:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), f"Dockerfile copies a missing {src}"
    assert re.search(r"pip install .*/opt/sockgrade", (ROOT / "Dockerfile").read_text())


def test_classroom_workflow_grades_where_the_template_keeps_programs() -> None:
    wf = yaml.safe_load((ROOT / "ci/github/student-classroom.yml").read_text())
    env = wf["env"]
    assert (ROOT / "student_template" / env["SUBMISSION"]).is_dir()
    for name in env["ASSIGNMENTS"].split():
        assert (ROOT / "specs" / f"{name}.yaml").is_file(), name
        assert (ROOT / "student_template" / env["SUBMISSION"] / f"{name}.c").is_file(), name
    steps = wf["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "sockgrade")["run"]
    assert "--all" in grade  # hidden behaviours are graded too
    # the specs come with the pinned sockgrade, not from the student's repository
    assert "specs/" not in grade and "$ASSIGNMENTS" in grade
    install = next(s for s in steps if s.get("name") == "Install sockgrade")["run"]
    assert "vars.SOCKGRADE_SOURCE" in json.dumps(wf) and "::error" in install
    # a grader failure fails the run, with an annotation
    assert "::error" in grade and "exit 1" in grade


def test_gradescope_run_autograder_fails_when_nothing_could_be_graded(tmp_path: Path) -> None:
    """A broken spec grades nothing: no results.json and a failed run (Gradescope then
    says the autograder failed, for staff to regrade), never a silent 0."""
    root = tmp_path / "autograder"
    (root / "source" / "specs").mkdir(parents=True)
    (root / "source" / "specs" / "broken.yaml").write_text("assignment: x\nbehaviours: 3\n")
    (root / "submission").mkdir()
    bin_dir = root / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "sockgrade").write_text(
        f"#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m harness \"$@\"\n")
    (bin_dir / "sockgrade").chmod(0o755)
    script = (ROOT / "ci/gradescope/run_autograder").read_text().replace("/autograder",
                                                                         str(root))
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert not (root / "results" / "results.json").exists()
    kept = json.loads((root / "results" / "grader-error.json").read_text())
    assert kept["output"].startswith("grader error: regrade")
