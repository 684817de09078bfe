"""harness.ladder and harness.html_report: drawings and pages from made-up packets and
outcomes, and from one real run."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, needs_netns

from harness.report import ladder
from harness.report.html import render_html
from harness.report.ladder import ladder_svg, ladder_text
from harness.run.outcome import Outcome
from harness.transcript import Check, Event, Frame

HARNESS_PORT = 40000
PROGRAM_PORT = 9190
NAMES = {HARNESS_PORT: "harness:c1", PROGRAM_PORT: "echo_server"}
SVG = "{http://www.w3.org/2000/svg}"


def frame(t: float, flags: str, *, from_program: bool, payload: bytes = b"",
          urg_ptr: int = 0, port: int = HARNESS_PORT, length: int = -1) -> Frame:
    ports = (PROGRAM_PORT, port) if from_program else (port, PROGRAM_PORT)
    src, dst = ("10.0.0.2", "10.0.0.1") if from_program else ("10.0.0.1", "10.0.0.2")
    return Frame(t, "tcp", src, ports[0], dst, ports[1], flags=flags, payload=payload,
                 urg_ptr=urg_ptr, length=length)


def conversation(port: int = HARNESS_PORT) -> list[Frame]:
    """Handshake, one echoed line, both FINs, the last ACK."""
    return [
        frame(0.001, "S", from_program=False, port=port),
        frame(0.002, "S.", from_program=True, port=port),
        frame(0.003, ".", from_program=False, port=port),
        frame(0.010, "P.", from_program=False, payload=b"hello\n", port=port),
        frame(0.011, "P.", from_program=True, payload=b"hello\n", port=port),
        frame(0.020, "F.", from_program=False, port=port),
        frame(0.021, "F.", from_program=True, port=port),
        frame(0.022, ".", from_program=False, port=port),
    ]


ROW = re.compile(r"^ *(\d+\.\d{3}) \|(.*)\|$")


def arrows(text: str) -> list[tuple[float, str, str]]:
    """(time, '->' or '<-', label) of each packet row of a text ladder."""
    out = []
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            body = m.group(2)
            assert body.startswith("-- ") and body.endswith("--->") or \
                body.startswith("<---") and body.endswith(" --"), line
            way = "->" if body.endswith(">") else "<-"
            out.append((float(m.group(1)), way, body.strip("-<> ")))
    return out


# ---- text ladder -------------------------------------------------------------------


def test_text_ladder_rows_in_the_right_direction() -> None:
    text = ladder_text(conversation(), NAMES)
    lines = text.splitlines()
    assert lines[0] == "TCP  harness:c1 (port 40000) <-> echo_server (port 9190)"
    assert lines[1].split() == ["time", "harness:c1", "echo_server"]
    assert all(len(line) == 72 for line in lines[1:]), text
    assert lines[3] == "  0.001 |-- SYN " + "-" * 54 + ">|"
    assert lines[4] == "  0.002 |<" + "-" * 50 + " SYN+ACK --|"
    assert arrows(text) == [
        (0.001, "->", "SYN"), (0.002, "<-", "SYN+ACK"), (0.003, "->", "ACK"),
        (0.010, "->", "PSH+ACK 6 bytes 'hello\\n'"),
        (0.011, "<-", "PSH+ACK 6 bytes 'hello\\n'"),
        (0.020, "->", "FIN+ACK"), (0.021, "<-", "FIN+ACK"), (0.022, "->", "ACK"),
    ]


def test_left_is_the_harness_even_on_the_higher_port() -> None:
    names = {50000: "harness:c1", 80: "web"}
    frames = [Frame(0.1, "tcp", "10.0.0.2", 80, "10.0.0.1", 50000, flags="R")]
    assert arrows(ladder_text(frames, names)) == [(0.1, "<-", "RST")]
    # no harness name: the lower port is on the left
    assert arrows(ladder_text(frames, {})) == [(0.1, "->", "RST")]


def test_rst_row_points_from_the_resetter() -> None:
    frames = [*conversation()[:4], frame(0.5, "R.", from_program=True)]
    rows = arrows(ladder_text(frames, NAMES))
    assert rows[-1] == (0.5, "<-", "RST+ACK")


def test_urg_row_shows_the_urgent_pointer() -> None:
    frames = [frame(0.3, "P.U", from_program=False, payload=b"abc!", urg_ptr=4)]
    assert arrows(ladder_text(frames, NAMES)) == [(0.3, "->", "PSH+URG+ACK 4 bytes urg 4 'abc!'")]


def test_long_and_binary_payloads_are_cut() -> None:
    frames = [frame(0.1, "P.", from_program=True, payload=b"x" * 256, length=5000),
              frame(0.2, "P.", from_program=True, payload=bytes(range(10)))]
    rows = arrows(ladder_text(frames, NAMES))
    assert rows[0][2] == "PSH+ACK 5000 bytes '" + "x" * 16 + "'…"
    assert rows[1][2] == "PSH+ACK 10 bytes hex 00 01 02 03 04 05…"


def test_rows_are_limited_with_a_count() -> None:
    frames = [frame(i / 100, ".", from_program=bool(i % 2)) for i in range(100)]
    text = ladder_text(frames, NAMES, max_rows=10)
    rows = arrows(text)
    assert len(rows) == 10
    assert [r[0] for r in rows] == [0.0, 0.01, 0.02, 0.03, 0.04, 0.95, 0.96, 0.97, 0.98, 0.99]
    assert "… 90 more packets …" in text
    assert len(arrows(ladder_text(frames, NAMES))) == ladder.MAX_ROWS


def test_several_connections_give_several_ladders() -> None:
    names = {**NAMES, 40001: "harness:c2"}
    udp = Frame(0.5, "udp", "10.0.0.1", 40002, "10.0.0.2", 9191, payload=b"ping")
    frames = [*conversation(40000), *conversation(40001), udp]
    ladders = ladder_text(frames, names).split("\n\n")
    assert [x.splitlines()[0] for x in ladders] == [
        "TCP  harness:c1 (port 40000) <-> echo_server (port 9190)",
        "TCP  harness:c2 (port 40001) <-> echo_server (port 9190)",
        "UDP  port 9191 (port 9191) <-> port 40002 (port 40002)",
    ]
    assert [len(arrows(x)) for x in ladders] == [8, 8, 1]
    assert arrows(ladders[2]) == [(0.5, "<-", "UDP 4 bytes 'ping'")]


def test_student_text_cannot_draw_on_the_terminal() -> None:
    names = {HARNESS_PORT: "harness:c1", PROGRAM_PORT: "evil\x1b[2J\nname"}
    frames = [frame(0.1, "P.", from_program=True, payload=b"\x1b[31mred\r\n")]
    text = ladder_text(frames, names)
    assert "\x1b" not in text and "\r" not in text
    assert "evil\\x1b[2J name" in text
    assert "'\\x1b[31mred\\r\\n'" in text or "hex 1b 5b 33" in text


def test_korean_payload_keeps_the_lines_straight() -> None:
    frames = [frame(0.1, "P.", from_program=False, payload="안녕하세요\n".encode())]
    text = ladder_text(frames, NAMES)
    assert "'안녕하세요\\n'" in text
    assert {ladder.columns(line) for line in text.splitlines()[1:]} == {72}


def test_no_packets() -> None:
    assert ladder_text([], NAMES) == "(no packets captured)"
    ET.fromstring(ladder_svg([], NAMES))


# ---- SVG ---------------------------------------------------------------------------


def test_svg_is_xml_with_one_path_per_packet() -> None:
    frames = [*conversation()[:5], frame(0.4, "P.U", from_program=False, payload=b"<&>",
                                         urg_ptr=3), frame(0.5, "R", from_program=True)]
    root = ET.fromstring(ladder_svg(frames, NAMES))
    assert root.tag == f"{SVG}svg"
    paths = root.findall(f".//{SVG}path")
    assert len(paths) == len(frames)
    assert len(root.findall(f".//{SVG}line")) == 2  # the two lifelines
    assert [p.get("stroke") for p in paths] == [
        ladder.COLOURS[k] for k in ("handshake", "handshake", "ack", "data", "data", "urg",
                                    "rst")]
    assert paths[-1].get("stroke") == "#d00000"  # red
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "PSH+URG+ACK 3 bytes urg 3 '<&>'" in texts
    assert "harness:c1" in texts and "echo_server" in texts
    # arrows point the right way: the harness's from left to right
    xs = [[float(n) for n in re.findall(r"[\d.]+", p.get("d", ""))[:4:2]] for p in paths]
    assert [x1 < x2 for x1, x2 in xs] == [True, False, True, True, False, True, False]


def test_svg_colours_fin_and_limits_rows() -> None:
    root = ET.fromstring(ladder_svg(conversation(), NAMES))
    fins = [p for p in root.iter(f"{SVG}path") if "fin" in p.get("class", "")]
    assert [p.get("stroke") for p in fins] == [ladder.COLOURS["fin"]] * 2
    frames = [frame(i / 100, ".", from_program=bool(i % 2)) for i in range(100)]
    root = ET.fromstring(ladder_svg(frames, NAMES, max_rows=10))
    assert len(root.findall(f".//{SVG}path")) == 10
    assert any("90 more packets" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_svg_several_connections_stacked() -> None:
    names = {**NAMES, 40001: "harness:c2"}
    root = ET.fromstring(ladder_svg([*conversation(40000), *conversation(40001)], names))
    assert len(root.findall(f".//{SVG}path")) == 16
    assert len(root.findall(f".//{SVG}line")) == 4


# ---- HTML --------------------------------------------------------------------------


class Page(HTMLParser):
    """Collects the summary rows, the text of each <pre>, and which tags occur."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.stack: list[str] = []
        self.summary: list[list[str]] = []
        self.pres: list[str] = []
        self.text: list[str] = []
        self._in_summary = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "table" and ("class", "summary") in attrs:
            self._in_summary = True
        if self._in_summary and tag == "tr":
            self.summary.append([])
        if self._in_summary and tag == "td":
            self.summary[-1].append("")
        if tag == "pre":
            self.pres.append("")
        if tag not in ("meta", "br"):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
        if tag == "table":
            self._in_summary = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.stack and self.stack[-1] == "pre":
            self.pres[-1] += data
        if self._in_summary and "td" in self.stack and self.summary and self.summary[-1]:
            self.summary[-1][-1] += data


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    assert p.stack == [], p.stack
    return p


EVIL = "<script>alert(1)</script>"


def outcomes() -> list[Outcome]:
    common = {"spec": "specs/echo_server.yaml", "assignment": "echo_server"}
    failing = Check(90, "expect_eof", "the program closes the connection c1 (EOF)", False,
                    "EOF within 3 s", "the connection was still open after 3 s",
                    "When read() returns 0, close() the client's socket.")
    payload = b"</pre><b>bold</b>\n"
    return [
        Outcome(**common, behaviour="echoes", title="Echoes one line", status="passed",
                score=1, max_score=1, checks=(Check(5, "expect_echo", "echo", True),)),
        Outcome(**common, behaviour="close_after_eof", title="Closes after EOF",
                status="failed", score=0, max_score=2,
                checks=(Check(86, "connect", "c1 connects", True), failing),
                events=(Event(0.1, "c1", "sent", payload, size=len(payload)),
                        Event(0.2, "echo_server", "stdout", EVIL.encode(), size=25),
                        Event(3.0, "harness", "check", note="FAILED: ...")),
                frames=(*conversation()[:4],
                        frame(0.011, "P.", from_program=True, payload=payload)),
                names={**NAMES, PROGRAM_PORT: "echo<i>server"},
                outputs={"echo_server": f"{EVIL}\n안녕하세요 </pre>\n"},
                pcap="/tmp/x.pcap", isolation="network namespace",
                notes=("a <note>",)),
        Outcome(**common, behaviour="crashes_grader", title="Grader bug", status="error",
                score=0, max_score=1, error="Traceback ...\nValueError: <boom>\n"),
    ]


def test_html_summary_and_failed_section() -> None:
    page = render_html(outcomes(), "소켓 과제 1 — echo server")
    p = parse(page)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")
    assert "<title>소켓 과제 1 — echo server</title>" in page
    # a grader error keeps its point in the maximum, and the page says so
    assert "Score: 1/4 (1 of 3 behaviours passed) — grader error: regrade" in page
    assert [[cell.split("←")[0] for cell in row] for row in p.summary[1:]] == [
        ["echo_server.echoesEchoes one line", "PASS", "1/1"],
        ["echo_server.close_after_eofCloses after EOF", "FAIL", "0/2"],
        ["echo_server.crashes_graderGrader buggrader error: regrade", "ERROR", "0/1"],
    ]
    assert 'class="status failed">FAIL' in page and 'class="status error">ERROR' in page
    # the failed check, said the way the text report says it
    text = "".join(p.text)
    assert "specs/echo_server.yaml:90 (expect_eof)" in text
    assert "Failed check: the program closes the connection c1 (EOF)" in text
    assert "EOF within 3 s" in p.pres and "the connection was still open after 3 s" in p.pres
    assert "Hint: When read() returns 0, close() the client's socket." in text
    assert "Passed before that: 1 check(s)." in text
    assert "/tmp/x.pcap" in text and "a <note>" in text
    # the harness's traceback is the staff's: the student reads one line
    assert "ValueError" not in page and "Traceback" not in page
    assert "not your fault, your grade will be checked" in text
    # only the failed behaviour has a section; its ladder is inline SVG
    assert 'id="b1"' in page and 'id="b0"' not in page and 'id="b2"' in page
    assert p.tags.count("svg") == 1 and p.tags.count("path") == 5
    assert ET.fromstring(page[page.index("<svg"):page.index("</svg>") + 6]) is not None
    # the conversation table and the packet list
    assert "sent '</pre><b>bold</b>\\n'" in text and "0.100" in text
    assert any("[P.] seq 0 ack 0 length 18 '</pre><b>bold</b>\\n'" in pre for pre in p.pres)


def test_html_escapes_everything_the_student_controls() -> None:
    page = render_html(outcomes(), "<i>title</i>")
    p = parse(page)
    for raw in ("<script", "<b>bold", "<i>", "<note>", "<boom>", "</pre><b>"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the program's output is shown exactly as printed
    assert f"{EVIL}\n안녕하세요 </pre>\n" in p.pres
    assert p.tags.count("pre") == page.count("</pre>")
    assert "echo<i>server" in "".join(p.text)
    # nothing is fetched from elsewhere
    for external in ("<link", "src=", "url(", "@import", "<script"):
        assert external not in page
    assert set(re.findall(r"https?://[^\s\"']*", page)) == {"http://www.w3.org/2000/svg"}


def test_html_with_nothing_graded() -> None:
    p = parse(render_html([], "empty"))
    assert "No behaviours were graded." in "".join(p.text)


# ---- a real run --------------------------------------------------------------------


@needs_netns
@pytest.mark.usefixtures("subreaper")
def test_ladder_of_a_real_run_shows_who_closed(tmp_path: Path) -> None:
    from harness.plugin import BuildCache
    from harness.run.runner import RunConfig, run_behaviour
    from harness.spec.model import load_spec

    spec = load_spec(ROOT / "specs/echo_server.yaml")
    b = spec.behaviour("close_after_eof")
    cache = BuildCache(ROOT / "tests/programs/echo_server/mut_never_closes")
    try:
        o = run_behaviour(spec, b, RunConfig(build_dir=cache.dir,
                                             builds=cache.get(spec),
                                             artifacts=tmp_path))
    finally:
        cache.close()
    assert o.status == "failed", o.error
    assert o.frames, o.notes
    text = ladder_text(o.frames, o.names)
    print(text)
    assert text.splitlines()[0].startswith("TCP  harness:c1 (port ")
    rows = arrows(text)
    assert rows[:3] == [(rows[0][0], "->", "SYN"), (rows[1][0], "<-", "SYN+ACK"),
                        (rows[2][0], "->", "ACK")]
    assert (rows[3][1], rows[3][2]) == ("->", "PSH+ACK 11 bytes 'last words\\n'")
    # the harness half-closed; the program did not close before the check gave up
    # (its socket is closed by the kernel only when the harness kills it afterwards)
    gave_up = next(e.t for e in o.events if e.kind == "check" and "FAILED" in e.note)
    before = [r for r in rows if r[0] < gave_up]
    assert any(r[1] == "->" and "FIN" in r[2] for r in before), text
    assert not any(r[1] == "<-" and "FIN" in r[2] for r in before), text
    assert not any("RST" in r[2] for r in rows), text
    page = render_html([o], "real run")
    assert page.count("<svg") == 1 and "close_after_eof" in page
    parse(page)
