"""Gradescope's results.json, to the letter of its autograder specification: pure, no I/O.

Rules this module keeps:
- Gradescope itself keeps a hidden test from students, so hidden behaviours go in with
  their details and `visibility: hidden`.
- A grader error counts neither in the score nor in the maximum, and the test says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.i18n import _
from harness.platforms.common import student_text, total
from harness.report.text import render_failure
from harness.run.outcome import Outcome


def results(outcomes: Sequence[Outcome], execution_time: float,
               errors: Sequence[str] = ()) -> dict[str, Any]:
    """results.json as Gradescope's autograder specification describes it."""
    tests = []
    for n, o in enumerate(outcomes, 1):
        error = o.status == "error"
        tests.append({
            "name": f"{o.assignment}: {o.title}" + (_(" (grader error, not counted)") if error
                                                     else ""
                                                     ) + (_(" (not gradable here)")
                                                          if o.status == "ungradable" else ""),
            "number": str(n),
            "score": 0.0 if error else o.score,
            "max_score": 0.0 if error else o.max_score,
            "status": "passed" if o.status == "passed" else "failed",
            # Gradescope itself keeps a hidden test from students, details included
            "visibility": o.visibility,
            "output": render_failure(o) if o.status != "passed" else student_text(o),
            "output_format": "text",
            "tags": [o.assignment, o.behaviour] + (["grader-error"] if error else []) + (
                ["not-gradable-here"] if o.status == "ungradable" else []),
        })
    score = total(outcomes)[0]
    lines = ["sockgrade: " + _("{passed} of {n} behaviours passed").format(
        passed=sum(o.status == "passed" for o in outcomes), n=len(outcomes))]
    lines += [_("The grader could not run: {why}").format(why=e) for e in errors]
    if any(o.status == "error" for o in outcomes):
        lines.append(_("Some behaviours could not be graded (grader error): they are not "
                       "counted, and the staff will regrade them."))
    if any(o.status == "ungradable" for o in outcomes):
        lines.append(_("Some behaviours are not gradable in this environment: they keep "
                       "their points, unearned, until the staff grade them where they can "
                       "be."))
    return {"score": score, "execution_time": round(execution_time), "output": "\n".join(lines),
            "output_format": "text", "stdout_visibility": "hidden", "tests": tests}
