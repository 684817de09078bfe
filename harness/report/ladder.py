"""Captured packets -> ladder diagrams (text and SVG), one ladder per connection.

Rules this module keeps:
- Pure functions of Frames and port names: no I/O; the same packets give the same drawing.
- The left line is always the harness's end (the endpoint whose name starts with
  "harness", else the lower port), so an arrow pointing right is something the harness
  sent and an arrow pointing left is something the student's program sent.
- One row (arrow) per packet, in capture order. Long conversations are cut in the middle
  with a count of what was left out, never silently.
- Everything that came from the student (payloads, names) is shown escaped: control
  characters as \\x.. (report.safe, repr) and, in SVG, XML-escaped (saxutils.escape).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from harness.i18n import _
from harness.textutil import safe
from harness.transcript import Frame

MAX_ROWS = 60
TIME_COL = 8  # "  12.345" then a space

# colours of the SVG arrows, by kind (see `kind`)
COLOURS = {"rst": "#d00000", "fin": "#1f4fd6", "urg": "#e67e00", "data": "#000000",
           "handshake": "#888888", "ack": "#aaaaaa"}
_WORDS = (("S", "SYN"), ("F", "FIN"), ("R", "RST"), ("P", "PSH"), ("U", "URG"), (".", "ACK"))

Endpoint = tuple[str, int]


@dataclass(frozen=True)
class Connection:
    """The packets of one 4-tuple; `left` is the harness's end."""

    proto: str
    left: Endpoint
    right: Endpoint
    frames: tuple[Frame, ...]

    def title(self, names: dict[int, str]) -> str:
        return _("{proto}  {left} (port {left_port}) <-> {right} (port {right_port})").format(
            proto=self.proto.upper(), left=_name(self.left, names), left_port=self.left[1],
            right=_name(self.right, names), right_port=self.right[1])

    def rightwards(self, f: Frame) -> bool:
        return (f.src, f.sport) == self.left


def _name(end: Endpoint, names: dict[int, str]) -> str:
    return safe(names.get(end[1], _("port {port}").format(port=end[1]))).replace(
        "\n", " ").replace("\t", " ")


def connections(frames: Sequence[Frame], names: dict[int, str]) -> list[Connection]:
    """Frames grouped by connection 4-tuple (and protocol), in order of first packet."""
    groups: dict[tuple[str, frozenset[Endpoint]], list[Frame]] = {}
    for f in frames:
        groups.setdefault((f.proto, frozenset({(f.src, f.sport), (f.dst, f.dport)})),
                          []).append(f)
    out = []
    for (proto, _ends), members in groups.items():
        first = members[0]
        a, b = (first.src, first.sport), (first.dst, first.dport)
        a_ours = names.get(a[1], "").startswith("harness")
        b_ours = names.get(b[1], "").startswith("harness")
        if a_ours != b_ours:
            left, right = (a, b) if a_ours else (b, a)
        else:
            left, right = sorted((a, b), key=lambda e: (e[1], e[0]))
        out.append(Connection(proto, left, right, tuple(members)))
    return out


def flag_words(f: Frame) -> str:
    """'SYN+ACK', 'PSH+ACK', 'RST', ...; 'UDP' for a datagram."""
    if f.proto == "udp":
        return "UDP"
    return "+".join(word for letter, word in _WORDS if letter in f.flags) or _("no flags")


def kind(f: Frame) -> str:
    """What colour an arrow gets: rst, fin, urg, data, handshake (SYN) or ack."""
    if "R" in f.flags:
        return "rst"
    if "F" in f.flags:
        return "fin"
    if "U" in f.flags:
        return "urg"
    if f.length > 0:
        return "data"
    return "handshake" if "S" in f.flags else "ack"


def _text(data: bytes) -> str | None:
    """`data` as text when it is printable UTF-8 (a character cut at the end is fine)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3 or exc.reason != "unexpected end of data":
            return None
        text = data[:exc.start].decode("utf-8")
    return text if all(ch.isprintable() or ch in "\n\t\r" for ch in text) else None


def snippet(payload: bytes, length: int, most: int = 16) -> str:
    """A short preview of a payload: repr of text, else a few hex bytes; '…' if cut."""
    text = _text(payload)
    if text is not None:
        cut = text[:most]
        more = len(cut) < len(text) or len(payload) < length
        return repr(cut) + ("…" if more else "")
    return "hex " + payload[:6].hex(" ") + ("…" if length > 6 else "")


def label(f: Frame) -> str:
    """The words on one arrow: flags, data length, urgent pointer, payload preview."""
    parts = [flag_words(f)]
    if f.length > 0:
        parts.append((_("{n} byte") if f.length == 1 else _("{n} bytes")).format(n=f.length))
    if "U" in f.flags:
        parts.append(f"urg {f.urg_ptr}")
    if f.payload:
        parts.append(snippet(f.payload, f.length))
    return " ".join(parts)


def columns(text: str) -> int:
    """Columns on a terminal: East Asian wide characters (Korean) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, cols: int) -> str:
    if columns(text) <= cols:
        return text
    out = ""
    for ch in text:
        if columns(out + ch) > cols - 1:
            break
        out += ch
    return out + "…"


def _rows(items: Sequence[Frame], most: int) -> tuple[list[Frame], list[Frame], int]:
    """Head, tail, and how many were left out between them."""
    if len(items) <= most:
        return list(items), [], 0
    half = max(1, most // 2)
    return list(items[:half]), list(items[-half:]), len(items) - 2 * half


def _more(n: int) -> str:
    return (_("… {n} more packet …") if n == 1 else _("… {n} more packets …")).format(n=n)


def _text_ladder(c: Connection, names: dict[int, str], width: int, most: int) -> list[str]:
    inner = max(24, width - TIME_COL - 2)  # columns between the two lines
    left, right = _name(c.left, names), _name(c.right, names)
    half = inner // 2
    left, right = _fit(left, half), _fit(right, half)
    gap = max(1, inner + 2 - columns(left) - columns(right))
    lines = [_fit(c.title(names), width),
             " " * max(0, TIME_COL - 1 - columns(_("time"))) + _("time")
             + f" {left}{' ' * gap}{right}",
             " " * TIME_COL + "|" + " " * inner + "|"]

    def row(f: Frame) -> str:
        text = _fit(label(f), inner - 8)
        dashes = "-" * (inner - 5 - columns(text))
        body = (f"-- {text} {dashes}>" if c.rightwards(f) else f"<{dashes} {text} --")
        return f"{f.t:{TIME_COL - 1}.3f} |{body}|"

    head, tail, left_out = _rows(c.frames, most)
    lines += [row(f) for f in head]
    if left_out:
        lines.append(" " * TIME_COL + "|" + _more(left_out).center(inner) + "|")
    lines += [row(f) for f in tail]
    return lines


def ladder_text(frames: Sequence[Frame], names: dict[int, str], width: int = 72,
                max_rows: int = MAX_ROWS) -> str:
    """One text ladder per connection, separated by a blank line."""
    if not frames:
        return "(no packets captured)"
    return "\n\n".join("\n".join(_text_ladder(c, names, width, max_rows))
                       for c in connections(frames, names))


# ---- SVG ---------------------------------------------------------------------------

SVG_W, LX, RX = 760, 110, 720  # width, left and right lifeline x
ROW, SLOPE, HEAD = 30, 12, 64  # row height, arrow drop, a ladder's header height


def _svg_ladder(c: Connection, names: dict[int, str], y0: int, most: int) -> tuple[list[str], int]:
    """SVG elements of one ladder drawn from y0, and its height."""
    head, tail, left_out = _rows(c.frames, most)
    n_rows = len(head) + len(tail) + (1 if left_out else 0)
    bottom = y0 + HEAD + n_rows * ROW + 4
    out = [f'<text x="8" y="{y0 + 18}" font-weight="bold">{escape(c.title(names))}</text>',
           f'<text x="{LX}" y="{y0 + 42}" text-anchor="middle" font-weight="bold">'
           f'{escape(_fit(_name(c.left, names), 30))}</text>',
           f'<text x="{RX}" y="{y0 + 42}" text-anchor="middle" font-weight="bold">'
           f'{escape(_fit(_name(c.right, names), 30))}</text>',
           f'<line class="lifeline" x1="{LX}" y1="{y0 + 50}" x2="{LX}" y2="{bottom}" '
           'stroke="#444" stroke-width="2"/>',
           f'<line class="lifeline" x1="{RX}" y1="{y0 + 50}" x2="{RX}" y2="{bottom}" '
           'stroke="#444" stroke-width="2"/>']
    y = y0 + HEAD
    for i, f in enumerate([*head, None, *tail] if left_out else head):
        y = y0 + HEAD + i * ROW
        if f is None:
            out.append(f'<text x="{(LX + RX) // 2}" y="{y + 10}" text-anchor="middle" '
                       f'fill="#666">{escape(_more(left_out))}</text>')
            continue
        x1, x2 = (LX, RX) if c.rightwards(f) else (RX, LX)
        y2, back = y + SLOPE, (-9 if x2 > x1 else 9)
        what = kind(f)
        colour = COLOURS[what]
        dash = ' stroke-dasharray="5 4"' if what == "ack" else ""
        text = label(f)
        out.append(f'<path class="arrow {what}" d="M{x1} {y} L{x2} {y2} '
                   f'M{x2 + back} {y2 - 4} L{x2} {y2} L{x2 + back} {y2 + 4}" fill="none" '
                   f'stroke="{colour}" stroke-width="1.5"{dash}>'
                   f'<title>{escape(f"{f.t:.3f} s  {text}")}</title></path>')
        out.append(f'<text x="8" y="{y + 10}" fill="#666">{f.t:.3f}</text>')
        out.append(f'<text x="{(LX + RX) // 2}" y="{y + SLOPE // 2 - 4}" text-anchor="middle" '
                   f'fill="{colour}">{escape(_fit(text, 80))}</text>')
    return out, bottom - y0 + 16


def ladder_svg(frames: Sequence[Frame], names: dict[int, str],
               max_rows: int = MAX_ROWS) -> str:
    """The ladders as one inline SVG (one <path> per packet arrow, ladders stacked)."""
    parts: list[str] = []
    y = 0
    for c in connections(frames, names):
        elements, height = _svg_ladder(c, names, y, max_rows)
        parts += elements
        y += height
    if not parts:
        parts.append('<text x="8" y="20">(no packets captured)</text>')
        y = 32
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_W}" height="{y}" '
            f'viewBox="0 0 {SVG_W} {y}" font-family="sans-serif" font-size="12" '
            'role="img">' + "".join(parts) + "</svg>")
