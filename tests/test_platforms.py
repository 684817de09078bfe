"""Results for Gradescope, PrairieLearn and GitHub: valid in every case, fair, and safe."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, needs_netns, sockgrade

from harness.platforms import github, gradescope, prairielearn
from harness.report.html import render_html
from harness.run.outcome import Outcome
from harness.transcript import Check

GRADESCOPE = json.loads((ROOT / "tests/schemas/gradescope_results.schema.json").read_text())
PARTIAL_SPEC = """\
assignment: echo_server
title: partial credit and a hidden behaviour
programs:
  echo_server: {role: server}
behaviours:
  - id: two_parts
    title: Echoes, then closes (half the points each)
    points: 2
    steps:
      - start: echo_server
      - connect: c1
      - send: {conn: c1, line: hi}
      - expect_echo: {conn: c1, points: 1}
      - shutdown: c1
      - expect_eof: {conn: c1, points: 1, within: 1}
  - id: secret
    title: A hidden behaviour
    visibility: hidden
    steps:
      - start: echo_server
      - connect: c1
      - send: {conn: c1, line: secret}
      - expect_echo: c1
"""


def outcome(status: str, **kw: Any) -> Outcome:
    check = Check(7, "expect_echo", "echo on c1", status == "passed", "'hi'",
                  kw.pop("actual", "nothing came back within 3 s"), "loop on read()")
    return Outcome(spec="specs/echo_server.yaml", assignment="echo_server", behaviour="b",
                   title="T", status=status, score=1.0 if status == "passed" else 0.0,
                   max_score=1.0, checks=(check,), **kw)


def valid_gradescope(doc: dict[str, Any]) -> None:
    jsonschema.validate(doc, GRADESCOPE)


TRACEBACK = 'Traceback (most recent call last):\n  File "/root/harness/run/runner.py"\n' \
    "RecursionError: maximum recursion depth exceeded\n"


def test_gradescope_documents_validate_and_a_grader_error_keeps_its_points() -> None:
    outcomes = [outcome("passed"), outcome("failed"), outcome("error", error=TRACEBACK)]
    doc = gradescope.results(outcomes, 12.3)
    valid_gradescope(doc)
    assert doc["score"] == 1.0
    assert [t["status"] for t in doc["tests"]] == ["passed", "failed", "failed"]
    errored = doc["tests"][2]
    # the maximum stays the spec's total: a grader error is never a gift
    assert sum(t["max_score"] for t in doc["tests"]) == 3.0 and errored["max_score"] == 1.0
    assert errored["score"] == 0.0 and "grader error: regrade" in errored["name"]
    assert errored["output"].startswith("grader error: regrade\n")
    assert "not your fault, your grade will be checked" in errored["output"]
    assert doc["output"].splitlines()[0].startswith("grader error: regrade — ")
    assert "echo_server.b" in doc["output"].splitlines()[0]
    # the harness's traceback is the staff's, never in what a student reads
    assert "Traceback" not in json.dumps(doc) and "/root" not in json.dumps(doc)
    assert "expected: 'hi'" in doc["tests"][1]["output"]
    assert "grader error" not in gradescope.results(outcomes[:2], 1)["output"]
    broken = gradescope.results([], 0, ["specs/x.yaml:3: unknown step"])
    valid_gradescope(broken)  # nothing graded: marked, so run_autograder fails, not a 0
    assert broken["extra_data"] == {gradescope.WHOLE_RUN: True}
    assert broken["output"].startswith("grader error: regrade: ")
    assert "extra_data" not in gradescope.results(outcomes, 1)


def test_gradescope_top_level_output_counts_visible_behaviours_and_hides_pcap_paths() -> None:
    shown = outcome("failed", pcap="/autograder/results/pcaps/x.pcap")
    hidden = outcome("failed", visibility="hidden")
    doc = gradescope.results([outcome("passed"), shown, hidden], 1)
    assert "1 of 2 behaviours passed" in doc["output"]  # the hidden one not counted
    assert "/autograder/results/pcaps" not in json.dumps(doc)


def test_prairielearn_score_is_a_fraction_and_a_grader_error_is_not_gradable() -> None:
    doc = prairielearn.results([outcome("passed"), outcome("failed")])
    assert doc["gradable"] is True and doc["score"] == 0.5
    doc = prairielearn.results([outcome("passed"), outcome("failed"),
                                outcome("error", error=TRACEBACK)])
    # PrairieLearn records no score for an ungradable result: staff regrade it instead
    # of a 1/2 that would have become 1.0 without the grader's failure
    assert doc["gradable"] is False and doc["score"] == 0.0
    assert doc["message"].startswith("grader error: regrade")
    assert doc["format_errors"] and "grader error: regrade" in doc["format_errors"][0]
    assert [t["max_points"] for t in doc["tests"]] == [1.0, 1.0, 1.0]
    assert "grader error: regrade" in doc["tests"][2]["message"]
    assert "Traceback" not in json.dumps(doc)
    assert prairielearn.results([], ["boom"])["gradable"] is False


def test_classroom_payload_is_what_the_grading_reporter_decodes() -> None:
    payload = github.classroom_payload([outcome("passed"), outcome("failed")])
    doc = json.loads(base64.b64decode(payload))
    assert doc["version"] == 1 and doc["status"] == "fail" and doc["max_score"] == 2.0
    assert [(t["status"], t["score"]) for t in doc["tests"]] == [("pass", 1.0), ("fail", 0.0)]


def test_github_says_grader_error_regrade_and_keeps_the_maximum() -> None:
    outcomes = [outcome("passed"), outcome("failed"), outcome("error", error=TRACEBACK)]
    doc = json.loads(base64.b64decode(github.classroom_payload(outcomes)))
    assert doc["status"] == "error" and doc["max_score"] == 3.0
    assert doc["tests"][2]["status"] == "error" and doc["tests"][2]["score"] == 0.0
    assert doc["tests"][2]["message"].startswith("grader error: regrade")
    lines = github.workflow_commands(outcomes)
    assert lines[0].startswith("::error title=sockgrade%3A grader error%3A regrade::")
    summary = github.job_summary(outcomes)
    assert "grader error: regrade" in summary and "Score: 1/3" in summary
    assert "Traceback" not in summary + json.dumps(doc) + "".join(lines)


def test_student_output_cannot_inject_workflow_commands() -> None:
    evil = "ok\n::set-output name=score::100\r\n::add-mask::x %0A"
    lines = github.workflow_commands([outcome("failed", actual=evil)])
    assert len(lines) == 1 and lines[0].startswith("::error file=specs/echo_server.yaml,line=7")
    assert "\n" not in lines[0] and "\r" not in lines[0]
    assert "%0A::set-output" in lines[0] and "%250A" in lines[0]
    summary = github.job_summary([outcome("failed", actual=evil + " | <script>")])
    assert not any(line.startswith("::") for line in summary.splitlines())
    assert "<script>" not in summary and "\\|" in summary


LEGACY = "##[error]INJECTED\n  ##[add-mask]hunter2\nx ##[set-output name=score;]100 ###[warning]y"


def runner_commands(line: str) -> list[str]:
    """What GitHub's runner would take as a command in one log line: the `::name` form at
    the start (after leading spaces) and the legacy `##[name]` form anywhere in it."""
    found = []
    if line.lstrip().startswith("::"):
        found.append(line.lstrip()[2:].split("::")[0].split(" ")[0])
    if "##[" in line:
        found.append(line.split("##[", 1)[1].split("]")[0])
    return found


def test_legacy_workflow_commands_are_not_commands_either() -> None:
    lines = github.workflow_commands([outcome("failed", actual=LEGACY)])
    assert [runner_commands(x) for x in lines] == [["error"]]  # ours, nothing else
    summary = github.job_summary([outcome("failed", actual=LEGACY)])
    assert not [x for x in summary.splitlines() if runner_commands(x)]
    assert "#\\x23[add-mask]hunter2" in summary  # escaped, still readable
    assert "##[" not in github.no_legacy_commands("####[[##[##[")
    stop, resume = github.stop_commands()
    token = stop.removeprefix("::stop-commands::")
    assert resume == f"::{token}::" and len(token) >= 32 and token != github.stop_commands()[0]


def test_hidden_details_never_reach_student_facing_outputs() -> None:
    hidden = outcome("failed", visibility="hidden", actual="the secret payload")
    assert github.workflow_commands([hidden]) == []
    assert "secret" not in github.job_summary([hidden])
    assert "secret" not in json.dumps(prairielearn.results([hidden]))
    assert "secret" not in base64.b64decode(github.classroom_payload([hidden])).decode()
    page = render_html([hidden, outcome("error", visibility="hidden", error=TRACEBACK)], "t")
    assert "secret" not in page and "expect_echo" not in page and "Traceback" not in page
    assert "a hidden test: no details are shown" in page
    # Gradescope hides the whole test from students itself: there the details may go
    assert gradescope.results([hidden], 1)["tests"][0]["visibility"] == "hidden"


@needs_netns
def test_partial_credit_visibility_and_every_file_on_a_real_run(tmp_path: Path) -> None:
    spec = tmp_path / "partial.yaml"
    spec.write_text(PARTIAL_SPEC)
    mutant = "tests/programs/echo_server/mut_never_closes"  # echoes, never closes
    files = {k: tmp_path / f"{k}.json" for k in ("gradescope", "prairielearn")}
    own = sockgrade(tmp_path, mutant, str(spec))  # a student's self-check: visible only
    assert [b["id"] for b in own.results["behaviours"]] == ["two_parts"]  # type: ignore[index]
    graded = sockgrade(tmp_path, mutant, str(spec), "--all",
                       *[f"--{k}={v}" for k, v in files.items()])
    two = graded.behaviour("two_parts")
    assert (two["status"], two["score"], two["max_score"]) == ("failed", 1.0, 2.0)
    assert graded.behaviour("secret")["visibility"] == "hidden"
    gs = json.loads(files["gradescope"].read_text())
    valid_gradescope(gs)
    assert gs["score"] == 2.0 and [t["visibility"] for t in gs["tests"]] == ["visible", "hidden"]
    assert json.loads(files["prairielearn"].read_text())["score"] == pytest.approx(2 / 3)


@needs_netns
@pytest.mark.parametrize("case", ["compile_error", "hangs", "spec_error"])
def test_results_files_are_valid_whatever_happens(tmp_path: Path, case: str) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    spec = tmp_path / "s.yaml"
    spec.write_text(PARTIAL_SPEC)
    if case == "compile_error":
        (sub / "echo_server.c").write_text("int main(void) { return nope; }\n")
    elif case == "hangs":  # listens, accepts, then never reads nor closes
        (sub / "echo_server.py").write_text(
            "import socket,sys,time\ns=socket.socket()\ns.bind(('',int(sys.argv[1])))\n"
            "s.listen()\nc=s.accept()\ntime.sleep(3600)\n")
    else:
        spec.write_text(PARTIAL_SPEC.replace("- send:", "- sendd:"))
        (sub / "echo_server.py").write_text("pass\n")
    gs, pl = tmp_path / "gs.json", tmp_path / "pl.json"
    graded = sockgrade(tmp_path, str(sub), str(spec), f"--gradescope={gs}",
                       f"--prairielearn={pl}")
    assert graded.code == (2 if case == "spec_error" else 1)
    doc = json.loads(gs.read_text())
    valid_gradescope(doc)
    assert doc["score"] == 0
    assert json.loads(pl.read_text())["gradable"] is (case != "spec_error")


@needs_netns
def test_gradescope_zip_runs_like_gradescope_and_writes_valid_results(tmp_path: Path) -> None:
    """Unpack the zip where Gradescope would, run its own run_autograder on a submission
    (with /autograder pointed at a temporary directory), and validate results.json."""
    import os
    import shutil
    import stat
    import subprocess
    import sys
    import zipfile

    zip_path = tmp_path / "autograder.zip"
    made = subprocess.run([sys.executable, "-m", "harness", "gradescope-zip", str(zip_path),
                           "specs/echo_server.yaml"], cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        z.extractall(root / "source")
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
    assert {"setup.sh", "run_autograder", "specs/echo_server.yaml"} <= set(names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    # setup.sh pip-installs the source into /autograder/venv: install it the same way
    # (not editable, so every subpackage and locale file must be in the package data),
    # into a folder of its own, beside the dependencies this test already has
    site = root / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                          "--target", str(site), str(root / "source")],
                         capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert (site / "harness" / "locale" / "ko.po").is_file()
    venv_bin = root / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "sockgrade").write_text(
        f"#!/bin/sh\nPYTHONPATH={site} exec {sys.executable} -m harness \"$@\"\n")
    (venv_bin / "sockgrade").chmod(0o755)
    imported = subprocess.run([sys.executable, "-c", "import harness; print(harness.__file__)"],
                              capture_output=True, text=True, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(site)})
    assert imported.stdout.startswith(str(site)), imported.stdout + imported.stderr
    shutil.copytree(ROOT / "tests/programs/echo_server/mut_never_closes", root / "submission")
    script = (root / "source" / "run_autograder").read_text().replace("/autograder",
                                                                      str(root))
    # in Korean: the installed package carries its translations
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                         env={**os.environ, "SOCKGRADE_LANG": "ko"})
    assert run.returncode == 0, run.stdout + run.stderr
    doc = json.loads((root / "results" / "results.json").read_text())
    valid_gradescope(doc)
    assert doc["score"] == 7.0 and len(doc["tests"]) == 8
    assert "통과" in doc["output"], doc["output"]


def test_workflow_templates_are_valid_yaml_and_wire_the_reporter() -> None:
    import yaml

    student = yaml.safe_load((ROOT / "ci/github/student-classroom.yml").read_text())
    steps = student["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "sockgrade")
    reporter = next(s for s in steps if "grading-reporter" in s.get("uses", ""))
    assert "--classroom result.b64" in grade["run"]
    # the reporter reads <RUNNER>_RESULTS for each runner it is given
    assert reporter["with"]["runners"] == "sockgrade"
    assert "steps.sockgrade.outputs.result" in reporter["env"]["SOCKGRADE_RESULTS"]
    harness = yaml.safe_load((ROOT / "ci/github/harness-ci.yml").read_text())
    assert "bash .ci/run" in harness["jobs"]["test"]["steps"][-1]["run"]
