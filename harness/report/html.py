"""Outcomes -> one self-contained HTML page a student can open offline.

Rules this module keeps:
- One page, nothing fetched: inline CSS and inline SVG only; no scripts, no external
  URLs, no web fonts (the font list names local fonts, Korean ones included).
- Everything that may come from a student (program output, payloads, names, check texts
  that quote them, notes) goes through `_esc`: control characters escaped as in the
  text report, then html.escape. The only raw markup is ours, and the ladder SVG, which
  escapes its own text.
- The same words as the text report (`report.frame_line`, `judge.preview`, `report.safe`),
  so the terminal and the page never disagree.
- Long things are cut with a count of what was left out, never silently.
- The page is the student's: a hidden behaviour shows its score and no details (also
  under `--all`), and a grader error one short line, never the harness's traceback.
- Pure: returns a str (declared UTF-8: write it with encoding="utf-8").
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from harness import i18n
from harness.i18n import _
from harness.report.ladder import connections, ladder_svg
from harness.report.text import (
    REGRADE,
    frame_line,
    grader_error_line,
    isolation_text,
    kind_text,
    not_gradable_text,
    relative_seqs,
    score_line,
    status_mark,
)
from harness.run.outcome import Outcome
from harness.textutil import preview, safe
from harness.transcript import Event

MAX_EVENTS = 300
MAX_FRAMES = 300
MAX_OUTPUT = 20000  # characters of each program's output (the end is kept)

_DATA_KINDS = ("sent", "received", "stdin", "stdout", "stderr")

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans KR",
  "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
  margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; line-height: 1.4; }
pre, code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas,
  "D2Coding", "Noto Sans Mono CJK KR", monospace; font-size: 0.9em; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: .6em; overflow-x: auto;
  white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left;
  vertical-align: top; }
th { background: #eee; }
.status { font-weight: bold; color: #fff; text-align: center; }
.status.passed { background: #2e7d32; } .status.failed { background: #c62828; }
.status.error { background: #ef6c00; } .status.ungradable { background: #5e35b1; }
.score { font-size: 1.3em; }
section.behaviour { border-top: 3px solid #c62828; margin-top: 2em; }
section.behaviour.error { border-top-color: #ef6c00; }
section.behaviour.ungradable { border-top-color: #5e35b1; }
.check dt { font-weight: bold; } .check dd { margin: 0 0 .4em 1.5em; }
.hint { background: #fff8e1; border-left: 4px solid #f9a825; padding: .3em .6em; }
.ladder { overflow-x: auto; }
.subtitle { color: #555; font-size: .9em; }
"""


def _esc(text: str) -> str:
    return html.escape(safe(text))


def _pre(text: str, cls: str = "") -> str:
    return (f'<pre class="{cls}">' if cls else "<pre>") + _esc(text) + "</pre>"


def _cut(items: Sequence[str], most: int) -> list[str]:
    if len(items) <= most:
        return list(items)
    half = most // 2
    return [*items[:half], _("… {n} more …").format(n=len(items) - 2 * half), *items[-half:]]


def _summary(outcomes: Sequence[Outcome]) -> list[str]:
    rows = ['<table class="summary">', f"<thead><tr><th>{_('Behaviour')}</th><th>"
            f"{_('Status')}</th><th>{_('Score')}</th></tr></thead>", "<tbody>"]
    for i, o in enumerate(outcomes):
        name = _esc(f"{o.assignment}.{o.behaviour}")
        if o.status != "passed":
            name = f'<a href="#b{i}">{name}</a>'
        why = ""
        check = o.failed_check()
        if o.status == "failed" and o.visibility == "hidden":
            why = f'<div class="subtitle">{_esc(_("hidden test"))}</div>'
        elif o.status == "failed" and check is not None:
            why = f'<div class="subtitle">← {_esc(check.description)}</div>'
        elif o.status == "error":
            why = f'<div class="subtitle">{_esc(REGRADE)}</div>'
        elif o.status == "ungradable":
            why = f'<div class="subtitle">{_esc(_("not gradable here"))}</div>'
        rows.append(f'<tr class="{_esc(o.status)}"><td>{name}'
                    f'<div class="subtitle">{_esc(o.title)}</div>{why}</td>'
                    f'<td class="status {_esc(o.status)}">{_esc(status_mark(o.status))}'
                    f'</td><td>{o.score:g}/{o.max_score:g}</td></tr>')
    rows += ["</tbody>", "</table>"]
    return rows


def _event_row(e: Event) -> str:
    if e.kind in _DATA_KINDS:
        what = f"{kind_text(e.kind)} {preview(e.data, total=e.size)}"
        if e.note:
            what += f" [{e.note}]"
    else:
        what = kind_text(e.kind) + (f": {e.note}" if e.note else "")
    return (f'<tr><td class="mono">{e.t:.3f}</td><td>{_esc(e.who)}</td>'
            f'<td class="mono">{_esc(what)}</td></tr>')


def _failed_check(o: Outcome) -> list[str]:
    check = o.failed_check()
    if check is None:
        return []
    out = ['<div class="check">', "<h3>" + _esc(_("Failed check: {what}").format(
        what=check.description)) + "</h3>",
           f'<p class="mono">{_esc(o.spec)}:{check.line} ({_esc(check.step)})</p>', "<dl>"]
    if check.diagnosis:  # what the programs were doing, first
        out += [f"<dt>{_('seen')}</dt>", f"<dd>{_pre(check.diagnosis)}</dd>"]
    if check.expected and check.expected != check.description:
        out += [f"<dt>{_('expected')}</dt>", f"<dd>{_pre(check.expected)}</dd>"]
    out += [f"<dt>{_('actual')}</dt>", f"<dd>{_pre(check.actual)}</dd>", "</dl>"]
    if check.hint:
        out.append(f'<p class="hint"><b>{_("Hint:")}</b> {_esc(check.hint)}</p>')
    out.append("</div>")
    return out


def _section(i: int, o: Outcome) -> list[str]:
    mark = status_mark(o.status)
    out = [f'<section id="b{i}" class="behaviour {_esc(o.status)}">',
           f"<h2>{_esc(mark)} {_esc(o.assignment)}.{_esc(o.behaviour)}: {_esc(o.title)}"
           f" ({o.score:g}/{o.max_score:g})</h2>"]
    if o.status == "error":
        out += [f"<p>{_esc(REGRADE)} — {_esc(grader_error_line())}</p>", "</section>"]
        return out
    if o.status == "ungradable":
        out.append(f"<p><b>{_esc(not_gradable_text(o, details=o.visibility != 'hidden'))}"
                   "</b></p>")
    if o.visibility == "hidden":
        out += [f"<p>{_esc(_('failed (a hidden test: no details are shown)'))}</p>",
                "</section>"]
        return out
    out += _failed_check(o)
    if o.warnings:  # gcc -Wall often points at the very bug
        out += [f"<h3>{_esc(_('The compiler warned:'))}</h3>", _pre(o.warnings)]
    passed = [c for c in o.checks if c.passed and not c.skipped]
    if passed:
        out.append("<p>" + _esc(_("Passed before that: {n} check(s).").format(n=len(passed)))
                   + "</p>")
    skipped = [c for c in o.checks if c.skipped]
    if skipped:
        out += [f"<p>{_esc(_('Not checked here:'))}</p>", "<ul>",
                *(f"<li>{_esc(c.description)} ({_esc(c.skipped)})</li>" for c in skipped),
                "</ul>"]
    events = [_event_row(e) for e in o.events if e.kind != "check"]
    out += [f"<h3>{_('Conversation')}</h3>", '<table class="events">',
            f"<thead><tr><th>{_('time (s)')}</th><th>{_('who')}</th><th>{_('what')}</th></tr>"
            "</thead><tbody>",
            *(r if r.startswith("<tr>") else f'<tr><td colspan="3">{_esc(r)}</td></tr>'
              for r in _cut(events, MAX_EVENTS)),
            "</tbody></table>"]
    for name, text in o.outputs.items():
        if text.strip():
            shown = text if len(text) <= MAX_OUTPUT else (
                _("… (first {n} characters not shown)").format(n=len(text) - MAX_OUTPUT) + "\n"
                + text[-MAX_OUTPUT:])
            out += ["<h3>" + _esc(_("What {name} printed").format(name=name)) + "</h3>",
                    _pre(shown, "output")]
    if o.frames:
        conns = connections(o.frames, o.names)
        out.append("<h3>" + _esc((_("Packets ({n} captured, {c} connection)") if len(conns) == 1
                                  else _("Packets ({n} captured, {c} connections)")).format(
                                      n=len(o.frames), c=len(conns))) + "</h3>")
        for c in conns:
            out += ['<figure class="ladder">', f"<figcaption>{_esc(c.title(o.names))}"
                    "</figcaption>", ladder_svg(c.frames, o.names), "</figure>"]
        base = relative_seqs(o.frames)
        lines = [frame_line(f, o.names, base) for f in o.frames]
        out.append(_pre("\n".join(_cut(lines, MAX_FRAMES)), "packets"))
    if o.pcap:
        out.append(f"<p>{_esc(_('pcap (open with Wireshark):'))} <code>{_esc(o.pcap)}</code></p>")
    out.append("<p>" + _esc(_("isolation: {how}").format(how=isolation_text(o))) + "</p>")
    if o.notes:
        out += ["<ul class=\"notes\">", *(f"<li>{_esc(n)}</li>" for n in o.notes), "</ul>"]
    out.append("</section>")
    return out


def render_html(outcomes: Sequence[Outcome], title: str) -> str:
    """The whole report page."""
    body = [f"<h1>{_esc(title)}</h1>", f'<p class="score">{_esc(score_line(outcomes))}</p>']
    if outcomes:
        body += _summary(outcomes)
    else:
        body.append(f"<p>{_esc(_('No behaviours were graded.'))}</p>")
    for i, o in enumerate(outcomes):
        if o.status != "passed":
            body += _section(i, o)
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{i18n.current()}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
        *body, "</body>", "</html>", ""])
