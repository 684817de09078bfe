"""PrairieLearn's external-grader results.json (score in [0, 1]): pure, no I/O.

Rules this module keeps:
- PrairieLearn shows every test to the student: hidden behaviours give their score and
  the word "failed", nothing more.
- A grader error counts neither in the score nor in the maximum.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.platforms.common import not_counted, student_text, total
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
        "max_points": 0.0 if o.status == "error" else o.max_score,
        "output": student_text(o),
        "message": _pl_message(o),
    } for o in outcomes]
    return {"gradable": True, "score": round(score / most, 6) if most else 0.0,
            "message": f"{score:g}/{most:g} points", "tests": tests}


def _pl_message(o: Outcome) -> str:
    check = o.failed_check()
    if o.status == "passed":
        return ""
    if o.status == "error":
        return not_counted()
    if o.status == "ungradable":
        return student_text(o)
    if o.visibility == "hidden" or check is None:
        return "failed"
    return check.description
