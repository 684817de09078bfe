"""Reporters: the score table in the terminal and the `--json` file.

Rules this module keeps:
- Results come only from test reports (`user_properties`), never from items, so the
  same code serves a plain run and a pytest-xdist controller.
- A behaviour whose item failed without an Outcome (the grader timed out or crashed)
  is recorded as `error`, never as the student's failure, and never dropped.
- The JSON file is always written when asked for, even when nothing ran.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.options import Settings
from harness.platforms import github, gradescope, prairielearn
from harness.report import html as html_report
from harness.report import text as text_report
from harness.run.outcome import PROPERTY, Outcome

META = "sockgrade_meta"


def outcome_of(rep: pytest.TestReport) -> Outcome | None:
    props: dict[str, Any] = dict(rep.user_properties)
    if PROPERTY in props:
        return Outcome.from_dict(props[PROPERTY])
    meta = props.get(META)
    if meta is None or not rep.failed:
        return None
    return Outcome(spec=meta["spec"], assignment=meta["assignment"],
                   behaviour=meta["behaviour"], title=meta["title"], status="error",
                   score=0.0, max_score=float(meta["points"]),
                   error=str(rep.longreprtext)[-2000:])


def overall(outcomes: list[Outcome]) -> str:
    """The run's status: a failure decides, then a grader error, then a behaviour this
    environment could not grade; `passed` only when every behaviour passed."""
    found = {o.status for o in outcomes}
    if outcomes and found == {"passed"}:
        return "passed"
    return next((s for s in ("failed", "error", "ungradable") if s in found), "failed")


def write_json(path: Path, outcomes: list[Outcome], submission: Path | None,
               errors: list[str]) -> None:
    graded = [o for o in outcomes if o.status != "error"]
    doc: dict[str, Any] = {
        "submission": str(submission) if submission else None,
        "status": "error" if errors else overall(outcomes),
        "score": sum(o.score for o in outcomes),
        "max_score": sum(o.max_score for o in graded),
        "behaviours": [o.summary() for o in outcomes],
        "errors": errors,
    }
    _write(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a reader never sees half a results file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@dataclass(frozen=True)
class Destinations:
    json: Path | None = None
    gradescope: Path | None = None
    prairielearn: Path | None = None
    classroom: Path | None = None
    html: Path | None = None
    github_summary: Path | None = None  # $GITHUB_STEP_SUMMARY, appended to


def write_all(dest: Destinations, outcomes: list[Outcome], submission: Path | None,
              errors: list[str], seconds: float) -> None:
    """Every requested results file, always valid, also when nothing could run."""
    if dest.json is not None:
        write_json(dest.json, outcomes, submission, errors)
    if dest.gradescope is not None:
        doc = gradescope.results(outcomes, seconds, errors)
        _write(dest.gradescope, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    if dest.prairielearn is not None:
        doc = prairielearn.results(outcomes, errors)
        _write(dest.prairielearn, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    if dest.html is not None:
        title = f"sockgrade: {submission}" if submission else "sockgrade"
        _write(dest.html, html_report.render_html(outcomes, title))
    if dest.classroom is not None:
        _write(dest.classroom, github.classroom_payload(outcomes) + "\n")
    if dest.github_summary is not None:
        with open(dest.github_summary, "a", encoding="utf-8") as f:
            f.write(github.job_summary(outcomes))


class ResultsCollector:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.outcomes: dict[str, Outcome] = {}
        self.collect_errors: list[str] = []
        self.started = time.monotonic()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.failed:
            o = outcome_of(report)
            if o is not None and (report.nodeid not in self.outcomes or o.status != "passed"):
                self.outcomes.setdefault(report.nodeid, o)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(str(report.longreprtext))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("sockgrade")
        terminalreporter.write_line(text_report.score_table(list(self.outcomes.values())))
        if self.settings.github:
            for line in github.workflow_commands(list(self.outcomes.values())):
                terminalreporter.write_line(line)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        s = self.settings
        summary = os.environ.get("GITHUB_STEP_SUMMARY") if s.github else None
        dest = Destinations(s.json, s.gradescope, s.prairielearn, s.classroom, s.html,
                            Path(summary) if summary else None)
        write_all(dest, list(self.outcomes.values()), s.submission, self.collect_errors,
                  time.monotonic() - self.started)
