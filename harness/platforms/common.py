"""What every platform's results share: which behaviours count, and what a student may read.

Rules this module keeps:
- A behaviour the grader itself failed on (`error`) is never charged to the student:
  it counts neither in the score nor in the maximum, and says so.
- A behaviour this environment could not grade (`ungradable`) keeps its maximum, earns
  nothing here, and says that it must be graded elsewhere (and why, unless hidden).
- Hidden behaviours are graded, but their details never reach what a student sees:
  `student_text` gives the score alone for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.i18n import _
from harness.report.text import not_gradable_text, render_failure
from harness.run.outcome import Outcome


def not_counted() -> str:
    return _("grader error, not counted: not your fault, the staff will look at it")


def _counted(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.status != "error"]


def total(outcomes: Sequence[Outcome]) -> tuple[float, float]:
    counted = _counted(outcomes)
    return sum(o.score for o in counted), sum(o.max_score for o in counted)


def student_text(o: Outcome) -> str:
    """What a student may read about one behaviour."""
    if o.status == "passed":
        shown = [c for c in o.checks if c.passed and not c.skipped]
        return _("passed ({n} checks)").format(n=len(shown))
    if o.status == "error":
        return not_counted()
    if o.status == "ungradable":
        return not_gradable_text(o, details=o.visibility != "hidden")
    if o.visibility == "hidden":
        return _("failed (a hidden test: no details are shown)")
    return render_failure(o)
