"""A behaviour whose evidence could not be judged runs once more, then is an `error`.

`run_behaviour` is driven here by runs whose outcomes are made up (the capture that misses
packets is tested for real in test_adversarial_capture.py); what is checked is what the
retry makes of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.run import runner
from harness.run.outcome import Outcome
from harness.transcript import Check

LOST = Check(7, "expect_packets", "packets on c1: no packet RST", False, "no packet RST",
             "could not be judged: the packet capture missed 12 packets",
             unjudged="the packet capture missed 12 packets")
PASSED = Outcome(spec="s.yaml", assignment="a", behaviour="b", title="t", status="passed",
                 score=1, max_score=1, checks=(Check(7, "expect_packets", "x", True),))
NOT_JUDGED = dataclasses.replace(PASSED, status="error", score=0, checks=(LOST,),
                                 error=runner._unjudged_error(LOST))


def _runs(monkeypatch: pytest.MonkeyPatch, *outcomes: Outcome) -> list[int]:
    """Make the runs return these outcomes in turn; returns the list of runs made."""
    made: list[int] = []
    it: Iterator[Outcome] = iter(outcomes)

    def once(spec: Any, behaviour: Any, config: Any) -> Outcome:
        made.append(len(made) + 1)
        return next(it)

    monkeypatch.setattr(runner, "_run_once", once)
    return made


def _run() -> Outcome:
    return runner.run_behaviour(None, None, runner.RunConfig(Path("."), {}, Path(".")))  # type: ignore[arg-type]


def test_a_judged_run_is_not_run_again(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _runs(monkeypatch, PASSED)
    assert _run() == PASSED and made == [1]


def test_a_run_that_could_not_be_judged_is_an_error_and_runs_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert NOT_JUDGED.error == ('"packets on c1: no packet RST" could not be judged: '
                                "the packet capture missed 12 packets")
    made = _runs(monkeypatch, NOT_JUDGED, PASSED)
    got = _run()
    assert made == [1, 2]
    assert (got.status, got.score) == ("passed", 1)
    assert got.notes == ("the first run could not be judged (the packet capture missed 12 "
                         "packets): the behaviour was run again",)


def test_twice_not_judged_is_an_error_that_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _runs(monkeypatch, NOT_JUDGED, NOT_JUDGED)
    got = _run()
    assert made == [1, 2]
    assert got.status == "error" and got.unjudged_check() == LOST
    assert got.error == ('"packets on c1: no packet RST" could not be judged in either of two '
                         "runs: the packet capture missed 12 packets; ask the staff to regrade")


def test_a_grader_error_on_the_second_run_keeps_its_own_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    crashed = dataclasses.replace(NOT_JUDGED, error="Traceback: the harness broke")
    _runs(monkeypatch, NOT_JUDGED, crashed)
    assert _run().error == "Traceback: the harness broke"
