"""The command line's contract: exit codes, messages, the JSON file, isolation, cleanup."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, needs_netns, sockgrade

ECHO = "specs/echo_server.yaml"
CORRECT = "tests/programs/echo_server/correct_c"
TINY_SPEC = """\
assignment: echo_server
title: one echo
programs:
  echo_server: {role: server}
behaviours:
  - id: echo_line
    title: Echoes one line
    steps:
      - start: echo_server
      - connect: c1
      - send: {conn: c1, line: hi}
      - expect_echo: c1
"""


def test_misspelt_step_exits_2_with_one_file_line_message(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(TINY_SPEC.replace("- send:", "- sendd:"))
    graded = sockgrade(tmp_path, CORRECT, str(spec))
    assert graded.code == 2
    located = [line for line in graded.err.splitlines() if line.startswith(f"{spec}:")]
    assert located == [f"{spec}:11: unknown step 'sendd' (did you mean 'send'?)"]
    assert "Traceback" not in graded.out + graded.err
    assert graded.results is not None and graded.results["status"] == "error"


def test_missing_submission_directory_exits_2(tmp_path: Path) -> None:
    graded = sockgrade(tmp_path, str(tmp_path / "nope"), ECHO)
    assert graded.code == 2
    assert "no such directory" in graded.err


def test_missing_spec_file_exits_2(tmp_path: Path) -> None:
    graded = sockgrade(tmp_path, CORRECT, str(tmp_path / "missing.yaml"))
    assert graded.code == 2
    assert "cannot read spec" in graded.err


@needs_netns
def test_missing_program_fails_every_behaviour_with_advice(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.txt").write_text("nothing here")
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC)
    graded = sockgrade(tmp_path, str(tmp_path / "sub"), str(spec))
    assert graded.code == 1
    check = graded.behaviour("echo_line")["checks"][0]
    assert not check["passed"]
    assert "has no program echo_server" in check["actual"]


@needs_netns
def test_compile_error_is_a_failed_behaviour_showing_gcc(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "echo_server.c").write_text("int main(void) { return missing_symbol; }\n")
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC)
    graded = sockgrade(tmp_path, str(sub), str(spec))
    assert graded.code == 1
    actual = graded.behaviour("echo_line")["checks"][0]["actual"]
    assert "does not compile" in actual and "missing_symbol" in actual
    assert "missing_symbol" in graded.out  # shown to the student, not only in JSON
    assert not (sub / "echo_server").exists()  # nothing written into the submission


@needs_netns
def test_a_compile_error_is_shown_in_full_once_even_with_workers(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "echo_server.c").write_text("int main(void) { return missing_symbol; }\n")
    graded = sockgrade(tmp_path, str(sub), ECHO, "-n", "2")
    assert graded.code == 1
    assert graded.results is not None and len(graded.results["behaviours"]) > 2
    # each xdist worker renders its own failures: the first behaviour collected that
    # starts the program shows gcc's message, whichever worker runs it
    assert len(re.findall(r"error: .missing_symbol. undeclared", graded.out)) == 1, graded.out
    assert graded.out.count("the compiler's message is shown with the first behaviour") == \
        len(graded.results["behaviours"]) - 1


@needs_netns
def test_json_has_the_contract_fields(tmp_path: Path) -> None:
    graded = sockgrade(tmp_path, CORRECT, ECHO)
    assert graded.code == 0, graded.out
    results = graded.results
    assert results is not None and results["status"] == "passed"
    assert results["score"] == results["max_score"] == 8
    for b in results["behaviours"]:
        assert {"id", "status", "score", "max_score", "checks"} <= set(b)
        assert b["status"] == "passed" and b["score"] == b["max_score"]
        assert b["checks"] and all(c["passed"] for c in b["checks"])
        assert b["isolation"] == "network namespace"


def test_only_grades_the_behaviours_named(tmp_path: Path) -> None:
    spec = tmp_path / "two.yaml"
    spec.write_text(TINY_SPEC + TINY_SPEC[TINY_SPEC.index("  - id:"):].replace(
        "echo_line", "echo_again"))
    out = tmp_path / "r.json"
    base = [sys.executable, "-m", "harness", "check", CORRECT, str(spec), "--json", str(out)]
    proc = subprocess.run([*base, "--only", "echo_again"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [b["id"] for b in json.loads(out.read_text())["behaviours"]] == ["echo_again"]
    proc = subprocess.run([*base, "--only", "echo"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)  # an id, not a part of one
    assert proc.returncode == 2 and "--only echo: no such behaviour" in proc.stderr


def test_a_pytest_addopts_meant_for_another_run_changes_nothing(tmp_path: Path) -> None:
    """A CI that sets PYTEST_ADDOPTS for its own suite (a junit file where the grader may
    not write, a plugin) used to break the grading's pytest: no results file at all."""
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC)
    out = tmp_path / "r.json"
    env = {**os.environ, "PYTEST_ADDOPTS": "--junitxml=/nonexistent-dir/x.xml -p no_such_plugin",
           "PYTEST_PLUGINS": "no_such_plugin"}
    proc = subprocess.run([sys.executable, "-m", "harness", "check", CORRECT, str(spec),
                           "--json", str(out)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(out.read_text())["score"] == 1


@needs_netns
def test_two_runs_at_once_on_hard_coded_port_9190(tmp_path: Path) -> None:
    """Both servers bind 9190; each behaviour has its own namespace, so neither collides."""
    runs = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        runs.append((out, subprocess.Popen(
            [sys.executable, "-m", "harness", "check", "tests/programs/echo_server/correct_c_9190",
             ECHO, "--json", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)))
    for out, proc in runs:
        text, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, text
        assert '"status": "passed"' in out.read_text()


def test_host_isolation_maps_the_port_captures_filtered_and_says_so(tmp_path: Path) -> None:
    graded = sockgrade(tmp_path, CORRECT, ECHO, "--isolation", "host")
    line = graded.behaviour("echo_line")
    assert line["status"] == "passed", graded.out
    assert line["isolation"] == "host loopback"
    assert any("host's loopback" in n and "mapped to" in n for n in line["notes"])
    closing = graded.behaviour("close_after_eof")  # its packet rules judged, not skipped
    assert closing["status"] == "passed", graded.out
    assert any(c["step"] == "expect_packets" and not c["skipped"] for c in closing["checks"])


@needs_netns
def test_nothing_is_left_behind_by_a_daemonizing_program(tmp_path: Path) -> None:
    """A server that double-forks a daemon: after grading, no process of it remains."""
    sub = tmp_path / "sub"
    shutil.copytree(ROOT / "tests/programs/special/daemonizer", sub)
    marker = sub / "echo_server.py"
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC)
    sockgrade(tmp_path, str(sub), str(spec))
    leftover = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"sockgrade-daemon-marker" in cmd:
            leftover.append(pid)
    assert leftover == [], f"processes left: {leftover}"
    netns_dir = Path("/var/run/netns")
    assert not netns_dir.exists() or not any(netns_dir.iterdir())
    assert marker.exists()  # the submission itself is untouched


def test_any_grader_error_decides_exit_3(tmp_path: Path) -> None:
    """A grader error makes the whole result the staff's to regrade, failures or not."""
    from harness.cli import _any_grader_error

    doc = tmp_path / "r.json"
    doc.write_text('{"behaviours": [{"status": "passed"}, {"status": "error"}]}')
    assert _any_grader_error(doc)
    doc.write_text('{"behaviours": [{"status": "failed"}, {"status": "error"}]}')
    assert _any_grader_error(doc)
    doc.write_text('{"behaviours": [{"status": "failed"}, {"status": "passed"}]}')
    assert not _any_grader_error(doc)
    doc.write_text("not json")
    assert not _any_grader_error(doc)


@needs_netns
def test_grader_timeout_is_an_error_kept_in_the_maximum_exit_3(tmp_path: Path) -> None:
    """pytest-timeout stopping a behaviour is the grader's failure: status error, its
    points kept in the maximum, exit 3, the results file still written; the traceback
    goes to staff (the JSON, stderr), the student reads one line."""
    spec = tmp_path / "slow.yaml"
    spec.write_text(TINY_SPEC.replace("      - connect: c1\n      - send: {conn: c1, line: hi}\n"
                                      "      - expect_echo: c1\n", "      - idle: 20\n"))
    out = tmp_path / "r.json"
    # shrink the grader's own time budget so pytest-timeout fires during the idle step
    code = ("import sys, harness.plugin as p; p.BUILD_BUDGET = -21.5\n"
            "from harness.cli import main\n"
            f"sys.exit(main(['check', {CORRECT!r}, {str(spec)!r}, '--json', {str(out)!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 3, proc.stdout[-2000:]
    doc = json.loads(out.read_text())
    assert [b["status"] for b in doc["behaviours"]] == ["error"]
    assert "Timeout" in doc["behaviours"][0]["error"]
    assert doc["status"] == "error" and doc["max_score"] == 1.0 and doc["score"] == 0
    assert "grader error: regrade" in proc.stdout and "not your fault" in proc.stdout
    assert "Traceback" not in proc.stdout and "Timeout" not in proc.stdout
    assert "grader error: regrade: echo_server.echo_line" in proc.stderr
    assert "Timeout" in proc.stderr


def test_specs_outside_the_current_directory_keep_every_behaviour(tmp_path: Path) -> None:
    """get_buf and set_buf share behaviour ids: each spec's behaviours are graded and
    reported apart even when the specs lie outside the directory sockgrade runs in."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "here").mkdir()
    out = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "check", str(tmp_path / "sub"),
         str(ROOT / "specs/get_buf.yaml"), str(ROOT / "specs/set_buf.yaml"), "--all",
         "--json", str(out)], cwd=tmp_path / "here", capture_output=True, text=True,
        timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    got = sorted((b["assignment"], b["id"]) for b in json.loads(out.read_text())["behaviours"])
    assert got == sorted((a, b) for a in ("get_buf", "set_buf")
                         for b in ("reports_rcvbuf", "reports_sndbuf"))
