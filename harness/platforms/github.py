"""GitHub: Classroom's grading-reporter payload, Actions' annotations and job summary.

Rules this module keeps:
- Each output follows its documented format: the reporter's base64 JSON, the
  `::error file=,line=,title=::` workflow command, Markdown for the step summary.
- Nothing a student's program printed can become a workflow command: annotation text is
  escaped as GitHub documents, and summary text is Markdown-escaped. The runner also
  still obeys the legacy form `##[command]` anywhere in a line, so `##[` is broken up
  too (`no_legacy_commands`); the terminal report is wrapped in `::stop-commands::`
  with a random token (`stop_commands`/`resume_commands`).
- Hidden behaviours show their score alone.
- A grader error fails the run: the payload's status is `error`, the maximum stays the
  spec's total, and an annotation and the summary say `grader error: regrade`.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence

from harness.i18n import _
from harness.platforms.common import REGRADE, errored, regrade_line, student_text, total
from harness.run.outcome import Outcome
from harness.textutil import safe


def classroom_payload(outcomes: Sequence[Outcome]) -> str:
    """The base64 JSON that GitHub Classroom's grading reporter reads from a runner."""
    status = "error" if any(o.status in ("error", "ungradable") for o in outcomes) else (
        "pass" if all(o.status == "passed" for o in outcomes) else "fail")
    _, most = total(outcomes)
    doc = {
        "version": 1, "status": status, "max_score": most,
        "tests": [{
            "name": f"{o.assignment}: {o.title}",
            "status": {"passed": "pass", "failed": "fail"}.get(o.status, "error"),
            "score": 0.0 if o.status == "error" else o.score,
            "message": (f"{REGRADE}: " if o.status == "error" else "")
            + _one_line(student_text(o)) if o.status != "passed" else "",
            "line_no": 0, "execution_time": "",
        } for o in outcomes],
    }
    return base64.b64encode(json.dumps(doc).encode()).decode()


def _one_line(text: str) -> str:
    first = text.splitlines()[:4]
    return " / ".join(x.strip() for x in first)


def no_legacy_commands(text: str) -> str:
    """Break up `##[`: the runner reads `##[name]data` anywhere in a line as a command."""
    while "##[" in text:
        text = text.replace("##[", "#\\x23[")
    return text


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message (and no legacy command in it)."""
    return no_legacy_commands(text.replace("%", "%25").replace("\r", "%0D")
                              .replace("\n", "%0A"))


def stop_commands() -> tuple[str, str]:
    """(the line that stops the runner's commands, the line that resumes them): what is
    printed between them is only text. The token is random, so a program cannot print it."""
    token = "sockgrade-" + secrets.token_hex(16)
    return f"::stop-commands::{token}", f"::{token}::"


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_commands(outcomes: Sequence[Outcome]) -> list[str]:
    """`::error file=...,line=...::...` for each failed visible behaviour, and one for the
    grader's errors."""
    out = []
    if errored(outcomes):
        out.append(f"::error title={escape_property('sockgrade: ' + REGRADE)}::"
                   f"{escape_data(safe(regrade_line(outcomes)))}")
    for o in outcomes:
        check = o.failed_check()
        if o.status != "failed" or o.visibility == "hidden" or check is None:
            continue
        message = f"{check.description}: {check.actual}"
        if check.diagnosis:  # what the programs were doing, first
            message = f"{check.description}: {check.diagnosis} — {check.actual}"
        if check.hint:
            message += _(" (hint: {hint})").format(hint=check.hint)
        props = (f"file={escape_property(o.spec)},line={check.line},"
                 f"title={escape_property(o.assignment + '.' + o.behaviour)}")
        out.append(f"::error {props}::{escape_data(safe(message))}")
    return out


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return no_legacy_commands(safe(text)).replace("|", "\\|").replace("\n", " ") \
        .replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def job_summary(outcomes: Sequence[Outcome]) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY."""
    score, most = total(outcomes)
    regrade = regrade_line(outcomes)
    rows = ["## sockgrade", "", *([f"**⚠️ {_md(regrade)}**", ""] if regrade else []),
            "**" + _("Score: {got}/{total}").format(got=f"{score:g}", total=f"{most:g}")
            + "**", "",
            "| | " + " | ".join((_("behaviour"), _("points"), _("why"))) + " |",
            "|---|---|---|---|"]
    for o in outcomes:
        mark = {"passed": "✅", "failed": "❌"}.get(o.status, "⚠️")
        check = o.failed_check()
        why = ""
        if o.status == "error":
            why = f"{REGRADE}: " + student_text(o)
        elif o.status == "ungradable":
            why = student_text(o)
        elif o.status == "failed" and o.visibility == "hidden":
            why = _("hidden test")
        elif o.status == "failed" and check is not None:
            why = f"{check.description}: {check.actual}"
        rows.append(f"| {mark} | {_md(o.assignment + '.' + o.behaviour)} | "
                    f"{o.score:g}/{o.max_score:g} | {_md(why)[:300]} |")
    return "\n".join(rows) + "\n"
