"""What every platform's results share: the total, what a grader error does, what a student
may read.

Rules this module keeps:
- A grader error is never a gift: a behaviour whose status is `error` keeps its max_score
  (score 0 until it is regraded), so the maximum is always the spec's total. Every
  platform's result then says `grader error: regrade` (`REGRADE`) where staff look, and
  tells the student only that it is not their fault and the grade will be checked.
- The harness's traceback is for staff (the `--json` file's `error`, stderr), never for
  a student: `student_text` of an `error` is one short line.
- A behaviour this environment could not grade (`ungradable`) keeps its maximum, earns
  nothing here, and says that it must be graded elsewhere (and why, unless hidden).
- Hidden behaviours are graded, but their details never reach what a student sees:
  `student_text` gives the score alone for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.i18n import _
from harness.report.text import REGRADE, not_gradable_text, render_failure
from harness.report.text import grader_error_line as student_error_line
from harness.run.outcome import Outcome

__all__ = ["REGRADE", "errored", "regrade_line", "student_error_line", "student_text",
           "total"]


def errored(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.status == "error"]


def regrade_line(outcomes: Sequence[Outcome]) -> str:
    """The line staff see at the top of a result with grader errors ('' when none)."""
    bad = errored(outcomes)
    if not bad:
        return ""
    return f"{REGRADE} — " + _("the grader failed on {n} behaviour(s): {which}. Their "
                               "points stay in the maximum and score 0 until the staff "
                               "regrade them.").format(
        n=len(bad), which=", ".join(f"{o.assignment}.{o.behaviour}" for o in bad))


def total(outcomes: Sequence[Outcome]) -> tuple[float, float]:
    """(score, maximum): an `error` scores 0 and keeps its points in the maximum."""
    return sum(o.score for o in outcomes), sum(o.max_score for o in outcomes)


def student_text(o: Outcome) -> str:
    """What a student may read about one behaviour."""
    if o.status == "passed":
        shown = [c for c in o.checks if c.passed and not c.skipped]
        return _("passed ({n} checks)").format(n=len(shown))
    if o.status == "error":
        return student_error_line()
    if o.status == "ungradable":
        return not_gradable_text(o, details=o.visibility != "hidden")
    if o.visibility == "hidden":
        return _("failed (a hidden test: no details are shown)")
    return render_failure(o)
