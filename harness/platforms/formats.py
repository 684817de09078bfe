"""Outcomes in the words of each grading platform: pure functions, no I/O.

Rules this module keeps:
- Gradescope's results.json, PrairieLearn's results.json, GitHub Classroom's reporter
  payload and GitHub Actions' job summary and annotations, each to the letter of its
  platform's documented fields.
- A behaviour the grader itself failed on (`error`) is never charged to the student:
  it counts neither in the score nor in the maximum, and says so.
- Hidden behaviours are graded, but their details never reach what a student sees:
  only where the platform itself hides them (Gradescope's `hidden` visibility) do
  the details go in; elsewhere the student sees the score alone.
- Nothing a student's program printed can become a GitHub workflow command: annotation
  text is escaped as GitHub documents, and summary text is Markdown-escaped.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from harness.i18n import _
from harness.report.text import render_failure
from harness.run.outcome import Outcome
from harness.textutil import safe


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
    if o.visibility == "hidden":
        return _("failed (a hidden test: no details are shown)")
    return render_failure(o)


# ---- Gradescope ---------------------------------------------------------------------


def gradescope(outcomes: Sequence[Outcome], execution_time: float,
               errors: Sequence[str] = ()) -> dict[str, Any]:
    """results.json as Gradescope's autograder specification describes it."""
    tests = []
    for n, o in enumerate(outcomes, 1):
        error = o.status == "error"
        tests.append({
            "name": f"{o.assignment}: {o.title}" + (_(" (grader error, not counted)") if error
                                                     else ""),
            "number": str(n),
            "score": 0.0 if error else o.score,
            "max_score": 0.0 if error else o.max_score,
            "status": "passed" if o.status == "passed" else "failed",
            # Gradescope itself keeps a hidden test from students, details included
            "visibility": o.visibility,
            "output": render_failure(o) if o.status != "passed" else student_text(o),
            "output_format": "text",
            "tags": [o.assignment, o.behaviour] + (["grader-error"] if error else []),
        })
    score = total(outcomes)[0]
    lines = ["sockgrade: " + _("{passed} of {n} behaviours passed").format(
        passed=sum(o.status == "passed" for o in outcomes), n=len(outcomes))]
    lines += [_("The grader could not run: {why}").format(why=e) for e in errors]
    if any(o.status == "error" for o in outcomes):
        lines.append(_("Some behaviours could not be graded (grader error): they are not "
                       "counted, and the staff will regrade them."))
    return {"score": score, "execution_time": round(execution_time), "output": "\n".join(lines),
            "output_format": "text", "stdout_visibility": "hidden", "tests": tests}


# ---- PrairieLearn -------------------------------------------------------------------


def prairielearn(outcomes: Sequence[Outcome], errors: Sequence[str] = ()) -> dict[str, Any]:
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
    if o.visibility == "hidden" or check is None:
        return "failed"
    return check.description


# ---- GitHub -------------------------------------------------------------------------


def classroom_payload(outcomes: Sequence[Outcome]) -> str:
    """The base64 JSON that GitHub Classroom's grading reporter reads from a runner."""
    status = "error" if any(o.status == "error" for o in outcomes) else (
        "pass" if all(o.status == "passed" for o in outcomes) else "fail")
    _, most = total(outcomes)
    doc = {
        "version": 1, "status": status, "max_score": most,
        "tests": [{
            "name": f"{o.assignment}: {o.title}",
            "status": {"passed": "pass", "failed": "fail"}.get(o.status, "error"),
            "score": 0.0 if o.status == "error" else o.score,
            "message": _one_line(student_text(o)) if o.status != "passed" else "",
            "line_no": 0, "execution_time": "",
        } for o in outcomes],
    }
    return base64.b64encode(json.dumps(doc).encode()).decode()


def _one_line(text: str) -> str:
    first = text.splitlines()[:4]
    return " / ".join(x.strip() for x in first)


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(outcomes: Sequence[Outcome]) -> list[str]:
    """`::error file=...,line=...::...` for each failed visible behaviour."""
    out = []
    for o in outcomes:
        check = o.failed_check()
        if o.status != "failed" or o.visibility == "hidden" or check is None:
            continue
        message = f"{check.description}: {check.actual}"
        if check.hint:
            message += _(" (hint: {hint})").format(hint=check.hint)
        props = (f"file={escape_property(o.spec)},line={check.line},"
                 f"title={escape_property(o.assignment + '.' + o.behaviour)}")
        out.append(f"::error {props}::{escape_data(safe(message))}")
    return out


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return safe(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;") \
        .replace(">", "&gt;").replace("`", "'")


def job_summary(outcomes: Sequence[Outcome]) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY."""
    score, most = total(outcomes)
    rows = ["## sockgrade", "", "**" + _("Score: {got}/{total}").format(
        got=f"{score:g}", total=f"{most:g}") + "**", "",
            "| | " + " | ".join((_("behaviour"), _("points"), _("why"))) + " |",
            "|---|---|---|---|"]
    for o in outcomes:
        mark = {"passed": "✅", "failed": "❌"}.get(o.status, "⚠️")
        check = o.failed_check()
        why = ""
        if o.status == "error":
            why = not_counted()
        elif o.status == "failed" and o.visibility == "hidden":
            why = _("hidden test")
        elif o.status == "failed" and check is not None:
            why = f"{check.description}: {check.actual}"
        rows.append(f"| {mark} | {_md(o.assignment + '.' + o.behaviour)} | "
                    f"{o.score:g}/{o.max_score:g} | {_md(why)[:300]} |")
    return "\n".join(rows) + "\n"
