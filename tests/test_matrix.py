"""Every spec is proven by programs that pass it and mutants that fail it on purpose.

The table is tests/matrix/*.yaml; each row runs the real command line in a subprocess.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Graded, needs_netns, sockgrade
from matrixfile import load_matrix

MATRIX: dict[str, Any] = load_matrix()
ROWS = [(assignment, name, row["spec"], row["programs"], expect or {})
        for assignment, row in MATRIX.items()
        for name, expect in row["variants"].items()]


def test_every_variant_directory_is_in_the_matrix() -> None:
    for row in MATRIX.values():
        on_disk = {p.name for p in (ROOT / row["programs"]).iterdir() if p.is_dir()}
        assert on_disk == set(row["variants"]), "add new program variants to tests/matrix/"


@needs_netns
@pytest.mark.parametrize(("assignment", "variant", "spec", "programs", "expect"), ROWS,
                         ids=[f"{r[0]}-{r[1]}" for r in ROWS])
def test_matrix(tmp_path: Path, assignment: str, variant: str, spec: str, programs: str,
                expect: dict[str, Any]) -> None:
    _graded_as_the_table(tmp_path, variant, spec, programs, expect)


# Rows graded again with every wait run to its time-out: the verdicts (and the intended
# failure's words) must be the table's, as with quiescence on above. Each stands for a
# way quiescence ends a wait, and none waits long with it off: a wrong answer then the
# program's FIN (op_server), a forbidden packet then the program's end (file_server),
# checks that nothing happens beside a program's own 5 s select() (select), a server
# that never closes (echo_server), one stuck on its first client (echo_selectserv).
QUIESCENCE_OFF = ("op_server-mut_sub_reversed", "file_server-mut_close_not_shutdown",
                  "select-correct_c", "echo_server-mut_never_closes",
                  "echo_selectserv-mut_blocks_on_client")
# how a failed check says its wait ended early (run.context, judge.quiescence.explained)
ENDED_EARLY = re.compile(r" is waiting in |\(the wait ended early: ")


@needs_netns
@pytest.mark.parametrize(("assignment", "variant", "spec", "programs", "expect"),
                         [r for r in ROWS if f"{r[0]}-{r[1]}" in QUIESCENCE_OFF],
                         ids=[f"{r[0]}-{r[1]}" for r in ROWS
                              if f"{r[0]}-{r[1]}" in QUIESCENCE_OFF])
def test_matrix_with_quiescence_off(tmp_path: Path, assignment: str, variant: str, spec: str,
                                    programs: str, expect: dict[str, Any]) -> None:
    graded = _graded_as_the_table(tmp_path, variant, spec, programs, expect,
                                  "--quiescence", "off")
    # no wait ended early: with it on, echo_server-mut_never_closes's failure says why
    # ("... (the wait ended early: ...)", or "(echo_server is waiting in accept() ...)"
    # when no diagnosis already names the call)
    assert graded.results is not None
    assert not [c["actual"] for b in graded.results["behaviours"] for c in b["checks"]
                if ENDED_EARLY.search(c.get("actual") or "")]


@needs_netns
def test_a_wait_ended_early_is_told_by_those_words(tmp_path: Path) -> None:
    # the rows above would pass whatever happened if the words changed
    on = sockgrade(tmp_path, "tests/programs/echo_server/mut_never_closes",
                   "specs/echo_server.yaml", "--only", "close_after_eof")
    assert on.results is not None
    assert [c["actual"] for b in on.results["behaviours"] for c in b["checks"]
            if ENDED_EARLY.search(c.get("actual") or "")]


def test_the_rows_graded_with_quiescence_off_are_in_the_matrix() -> None:
    assert set(QUIESCENCE_OFF) <= {f"{r[0]}-{r[1]}" for r in ROWS}


def _graded_as_the_table(tmp_path: Path, variant: str, spec: str, programs: str,
                         expect: dict[str, Any], *extra: str) -> Graded:
    graded = sockgrade(tmp_path, f"{programs}/{variant}", spec, *extra)
    status = graded.status()
    must_fail = set(expect.get("fails", []))
    assert must_fail <= set(status), f"unknown behaviour ids in matrix: {must_fail - set(status)}"
    wanted = {bid: ("failed" if bid in must_fail else "passed") for bid in status}
    assert status == wanted, graded.out[-4000:]
    assert graded.code == (1 if must_fail else 0)
    if "intended" in expect:
        assert expect["intended"] in must_fail
        failed = graded.behaviour(expect["intended"])
        check = next(c for c in failed["checks"] if not c["passed"])
        words = f"{check['diagnosis']} {check['actual']} {check['hint']} {failed['warnings']}"
        for phrase in expect["says"]:
            assert phrase in words, f"{phrase!r} not in the failure message: {words}"
        for phrase in expect.get("never_says", []):  # a hint what was seen contradicts
            assert phrase not in words, f"{phrase!r} in the failure message: {words}"
        assert f"{expect['intended']}" in graded.out  # the report names the behaviour
    return graded


def test_coverage_doc_is_generated_from_the_matrix() -> None:
    from gen_coverage import DOC, render

    assert DOC.read_text(encoding="utf-8") == render(MATRIX), \
        "docs/coverage.md is stale: run `python tests/gen_coverage.py`"
