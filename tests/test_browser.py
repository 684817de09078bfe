"""The HTML report in a real browser: headless Chromium parses the page of a real failing
run (the DOM it builds is checked) and draws it (the screenshot is checked and kept as a
CI artifact).

Chromium is required, not optional: without it this test fails and says how to install
it (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, needs_netns, sockgrade

TIMEOUT = 60  # seconds for each Chromium run
WINDOW = (1280, 3000)
INSTALL = ("Chromium is needed for this test and `chromium` is not on PATH. Install it "
           "(Debian/Ubuntu, as root): apt-get update && DEBIAN_FRONTEND=noninteractive "
           "apt-get install -y --no-install-recommends chromium")
# Headless, and nothing that reaches the network on its own (else it tries Google's
# servers and fails slowly); --no-sandbox because the suite runs as root.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


def chromium(tmp_path: Path, *args: str) -> str:
    """Run Chromium once with a new empty profile; its stdout. On a time-out, kill the
    process group it was started in (its own, so only what this call started)."""
    exe = shutil.which("chromium")
    if exe is None:
        pytest.fail(INSTALL, pytrace=False)
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    profile.mkdir()
    proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={profile}", *args],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the leader is not reaped yet: still ours
        proc.communicate()
        pytest.fail(f"chromium {' '.join(args)}: no answer in {TIMEOUT} s")
    assert proc.returncode == 0, f"chromium exited {proc.returncode}:\n{err[-3000:]}"
    return out


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def find_all(self, tag: str) -> list[Node]:
        return [n for n in self.walk() if n.tag == tag]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all_text(self) -> str:
        return "".join(t for n in self.walk() for t in n.text)


class TreeBuilder(HTMLParser):
    """The DOM as Chromium serialised it (well nested, so a plain stack will do)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].text.append(data)


def png_image(path: Path) -> tuple[int, int, bytes]:
    """(width, height, decompressed image data) of a PNG file."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    pos, size, idat = 8, None, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    assert size is not None, f"{path}: no IHDR chunk"
    return size[0], size[1], zlib.decompress(idat)


@needs_netns
def test_html_report_in_chromium(tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.fail(INSTALL, pytrace=False)  # before the grading run, not after it
    html = tmp_path / "report.html"
    graded = sockgrade(tmp_path, "tests/programs/echo_server/mut_sigpipe",
                       "specs/echo_server.yaml", "--html", str(html))
    assert graded.code == 1, graded.out + graded.err
    assert html.is_file(), graded.out + graded.err
    url = html.resolve().as_uri()

    # The DOM after Chromium parsed the page.
    parser = TreeBuilder()
    parser.feed(chromium(tmp_path, "--dump-dom", url))
    parser.close()
    dom = parser.root
    assert dom.find_all("body"), "no <body> in the dumped DOM"
    assert not dom.find_all("script"), "the report must not contain any <script>"

    summaries = [t for t in dom.find_all("table") if "summary" in t.classes()]
    assert len(summaries) == 1, "expected one summary table"
    rows = [r for tb in summaries[0].find_all("tbody") for r in tb.find_all("tr")]
    marks = [next(td.all_text().strip() for td in r.find_all("td")
                  if "status" in td.classes()) for r in rows]
    assert len(rows) == 8, marks
    assert marks.count("PASS") == 7 and marks.count("FAIL") == 1, marks

    failed_row = rows[marks.index("FAIL")]
    assert "survives_client_reset" in failed_row.all_text()
    links = failed_row.find_all("a")
    assert links and links[0].attrs.get("href", "").startswith("#"), "no link to the section"
    target = links[0].attrs["href"][1:]
    sections = [s for s in dom.find_all("section") if s.attrs.get("id") == target]
    assert len(sections) == 1, f"no section #{target} for the failed behaviour"
    section = sections[0]
    assert "behaviour" in section.classes() and "failed" in section.classes()
    hints = [p for p in section.find_all("p") if "hint" in p.classes()]
    assert hints and "SIGPIPE" in hints[0].all_text(), "the hint should name SIGPIPE"

    svgs = section.find_all("svg")
    assert svgs, "no ladder diagram (<svg>) in the failed behaviour's section"
    assert any(svg.find_all("path") for svg in svgs), "no packet arrow (<path>) in any <svg>"

    # The page as drawn.
    shot = tmp_path / "html-report.png"
    chromium(tmp_path, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", url)
    assert shot.is_file(), "chromium wrote no screenshot"
    width, height, pixels = png_image(shot)
    assert (width, height) == WINDOW, f"screenshot is {width}x{height}, not {WINDOW}"
    assert shot.stat().st_size > 20_000, f"screenshot only {shot.stat().st_size} bytes"
    assert len(set(pixels)) > 64, "the screenshot looks blank"

    artifacts = Path(os.environ.get("SOCKGRADE_ARTIFACTS_DIR", ROOT / "artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    kept = artifacts / "html-report.png"
    shutil.copyfile(shot, kept)
    print(f"screenshot of the HTML report: {kept}")
