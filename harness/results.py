"""Reporters: the score table in the terminal and the `--json` file.

Rules this module keeps:
- Results come only from test reports (`user_properties`), never from items, so the
  same code serves a plain run and a pytest-xdist controller.
- A behaviour whose item failed without an Outcome (the grader timed out or crashed)
  is recorded as `error`, never as the student's failure, and never dropped.
- A grader error is never a gift: it keeps its max_score, so the JSON's max_score is
  the spec's total and its status is `error` (staff: regrade). The harness's traceback
  goes to the JSON's `error` and to stderr (staff), never into a student's report.
- The JSON file is always written when asked for, even when nothing ran, and whatever
  bytes the submission's name has (shown escaped: `textutil.shown_name`).
- In GitHub Actions everything pytest prints between session start and our summary is
  wrapped in `::stop-commands::` (a student's output cannot be a workflow command).
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.options import Settings
from harness.platforms import github, gradescope, junit, prairielearn
from harness.report import html as html_report
from harness.report import text as text_report
from harness.run.outcome import PROPERTY, Outcome
from harness.sandbox import files
from harness.textutil import safe, shown_name

META = "sockgrade_meta"
DETAIL = "sockgrade_error"  # the grader's own traceback, for staff


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
                   visibility=meta.get("visibility", "visible"),
                   error=str(props.get(DETAIL) or rep.longreprtext)[-4000:])


def overall(outcomes: list[Outcome]) -> str:
    """The run's status: a failure decides, then a grader error, then a behaviour this
    environment could not grade; `passed` only when every behaviour passed."""
    found = {o.status for o in outcomes}
    if outcomes and found == {"passed"}:
        return "passed"
    return next((s for s in ("failed", "error", "ungradable") if s in found), "failed")


def write_json(path: Path, outcomes: list[Outcome], submission: Path | None,
               errors: list[str]) -> None:
    doc: dict[str, Any] = {
        "submission": shown_name(submission) if submission else None,
        # any grader error makes the whole result the staff's to regrade
        "status": "error" if errors or any(o.status == "error" for o in outcomes) else
        overall(outcomes),
        "score": sum(o.score for o in outcomes),
        "max_score": sum(o.max_score for o in outcomes),
        "behaviours": [o.summary() for o in outcomes],
        "errors": errors,
    }
    _write(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a reader never sees half a results file; no link followed."""
    # a name of any bytes is already shown escaped; backslashreplace is the last guard
    files.write_replacing(path, text.encode("utf-8", errors="backslashreplace"))


@dataclass(frozen=True)
class Destinations:
    json: Path | None = None
    gradescope: Path | None = None
    prairielearn: Path | None = None
    classroom: Path | None = None
    html: Path | None = None
    github_summary: Path | None = None  # $GITHUB_STEP_SUMMARY, appended to
    junit: Path | None = None


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
        title = f"sockgrade: {shown_name(submission)}" if submission else "sockgrade"
        _write(dest.html, html_report.render_html(outcomes, title))
    if dest.classroom is not None:
        _write(dest.classroom, github.classroom_payload(outcomes) + "\n")
    if dest.junit is not None:
        _write(dest.junit, junit.junit_xml(outcomes))
    if dest.github_summary is not None:
        files.append_nofollow(dest.github_summary, github.job_summary(outcomes))


class ResultsCollector:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.outcomes: dict[str, Outcome] = {}
        self.collect_errors: list[str] = []
        self.started = time.monotonic()
        self.resume = ""  # the line that resumes GitHub's workflow commands

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if self.settings.github and reporter is not None:
            stop, self.resume = github.stop_commands()
            reporter.write_line(stop)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.failed:
            o = outcome_of(report)
            if o is not None and (report.nodeid not in self.outcomes or o.status != "passed"):
                self.outcomes.setdefault(report.nodeid, o)
        if report.when == "teardown":
            # ours are read by now; pytest's --junitxml would write them into each
            # <testcase> as <properties> (not xunit2) holding a dict dump of the outcome
            report.user_properties = [(k, v) for k, v in report.user_properties
                                      if k not in (PROPERTY, META)]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(str(report.longreprtext))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("sockgrade")
        terminalreporter.write_line(text_report.score_table(list(self.outcomes.values())))
        if self.resume:
            terminalreporter.write_line(self.resume)
            self.resume = ""
        if self.settings.github:
            for line in github.workflow_commands(list(self.outcomes.values())):
                terminalreporter.write_line(line)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        s = self.settings
        summary = os.environ.get("GITHUB_STEP_SUMMARY") if s.github else None
        dest = Destinations(s.json, s.gradescope, s.prairielearn, s.classroom, s.html,
                            Path(summary) if summary else None, s.junit)
        write_all(dest, list(self.outcomes.values()), s.submission, self.collect_errors,
                  time.monotonic() - self.started)
        staff_errors(list(self.outcomes.values()))


def staff_errors(outcomes: list[Outcome]) -> None:
    """The grader's tracebacks on stderr, for staff: each line behind `  | `, escaped, so
    none can be a workflow command on a GitHub runner."""
    for o in outcomes:
        if o.status == "error":
            print(f"sockgrade: {text_report.REGRADE}: {o.assignment}.{o.behaviour}",
                  file=sys.stderr)
            for line in (o.error or "(no details)").rstrip().splitlines():
                print("  | " + github.no_legacy_commands(safe(shown_name(line))),
                      file=sys.stderr)
