"""Gradescope's results.json, to the letter of its autograder specification: pure, no I/O.

Rules this module keeps:
- Gradescope itself keeps a hidden test from students, so hidden behaviours go in with
  their details and `visibility: hidden`.
- A grader error keeps the test's max_score (the total maximum stays the spec's), scores
  0, and says `grader error: regrade` in the test's name and output and at the top of
  the result; the student reads one short line, never the harness's traceback.
- A run that graded nothing (`errors`, no outcome) is marked in `extra_data` (`WHOLE_RUN`):
  run_autograder then fails, which Gradescope shows as a failed autograder, not a 0.
- The top-level output, which every student sees, counts visible behaviours only; pcap
  paths are left out (they lie where no student can download them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from harness.i18n import _
from harness.platforms.common import REGRADE, regrade_line, student_text, total
from harness.report.text import render_failure
from harness.run.outcome import Outcome

WHOLE_RUN = "sockgrade_whole_run_failed"


def results(outcomes: Sequence[Outcome], execution_time: float,
               errors: Sequence[str] = ()) -> dict[str, Any]:
    """results.json as Gradescope's autograder specification describes it."""
    tests = []
    logs_shown: set[str] = set()  # a compile error in full in the first test only
    for n, o in enumerate(outcomes, 1):
        error = o.status == "error"
        if error:
            output = f"{REGRADE}\n{student_text(o)}"
        else:
            shown = dataclasses.replace(o, pcap=None)
            output = (render_failure(shown, logs_shown) if o.status != "passed"
                      else student_text(o))
        tests.append({
            "name": f"{o.assignment}: {o.title}" + (f" ({REGRADE})" if error else "") + (
                _(" (not gradable here)") if o.status == "ungradable" else ""),
            "number": str(n),
            "score": 0.0 if error else o.score,
            "max_score": o.max_score,
            "status": "passed" if o.status == "passed" else "failed",
            # Gradescope itself keeps a hidden test from students, details included
            "visibility": o.visibility,
            "output": output,
            "output_format": "text",
            "tags": [o.assignment, o.behaviour] + (["grader-error"] if error else []) + (
                ["not-gradable-here"] if o.status == "ungradable" else []),
        })
    score = total(outcomes)[0]
    lines = [regrade_line(outcomes)] if regrade_line(outcomes) else []
    visible = [o for o in outcomes if o.visibility != "hidden"]
    lines += ["sockgrade: " + _("{passed} of {n} behaviours passed").format(
        passed=sum(o.status == "passed" for o in visible), n=len(visible))]
    lines += [_("The grader could not run: {why}").format(why=e) for e in errors]
    if any(o.status == "ungradable" for o in outcomes):
        lines.append(_("Some behaviours are not gradable in this environment: they keep "
                       "their points, unearned, until the staff grade them where they can "
                       "be."))
    whole_run = bool(errors) and not outcomes
    doc: dict[str, Any] = {
        "score": score, "execution_time": round(execution_time),
        "output": (f"{REGRADE}: " if whole_run else "") + "\n".join(lines),
        "output_format": "text", "stdout_visibility": "hidden", "tests": tests}
    if whole_run:
        doc["extra_data"] = {WHOLE_RUN: True}
    return doc
