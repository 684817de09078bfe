"""PrairieLearn's external-grader results.json (score in [0, 1]): pure, no I/O.

Rules this module keeps:
- PrairieLearn shows every test to the student: hidden behaviours give their score and
  the word "failed", nothing more.
- A grader error never records a score: the result is `gradable: false` (PrairieLearn
  then changes no score and uses up no attempt), its message and `format_errors` say
  `grader error: regrade`, and each test keeps its max_points.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.platforms.common import REGRADE, regrade_line, student_error_line, student_text, total
from harness.run.outcome import Outcome


def results(outcomes: Sequence[Outcome], errors: Sequence[str] = ()) -> dict[str, Any]:
    """results.json of PrairieLearn's external grader: score in [0, 1]."""
    if errors:
        return {"gradable": False, "score": 0.0, "message": "; ".join(errors), "tests": []}
    score, most = total(outcomes)
    tests = [{
        "name": f"{o.assignment}: {o.title}",
        "description": o.behaviour,
        "points": 0.0 if o.status == "error" else o.score,
        "max_points": o.max_score,
        "output": student_text(o),
        "message": _pl_message(o),
    } for o in outcomes]
    regrade = regrade_line(outcomes)
    if regrade:  # a wrong score is never recorded: staff regrade instead
        return {"gradable": False, "score": 0.0, "message": regrade,
                "format_errors": [f"{REGRADE}: {student_error_line()}"], "tests": tests}
    return {"gradable": True, "score": round(score / most, 6) if most else 0.0,
            "message": f"{score:g}/{most:g} points", "tests": tests}


def _pl_message(o: Outcome) -> str:
    check = o.failed_check()
    if o.status == "passed":
        return ""
    if o.status == "error":
        return f"{REGRADE}: {student_error_line()}"
    if o.status == "ungradable":
        return student_text(o)
    if o.visibility == "hidden" or check is None:
        return "failed"
    return check.description
