"""English and Korean: spec text per language, the harness's catalog, the language choice."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from conftest import ROOT

from harness import i18n
from harness.spec.model import SpecError, parse_spec

SPEC = """\
assignment: t
title: {en: "Echo test", ko: "에코 시험"}
programs:
  echo_server: {role: server}
behaviours:
  - id: a
    title: {en: "Echoes", ko: "에코합니다"}
    hint: "plain text is shown in every language"
    steps:
      - start: echo_server
      - connect: {conn: c1, hint: {en: "could not connect"}}
"""


@pytest.fixture
def korean() -> Iterator[None]:
    i18n.use("ko")
    yield
    i18n.use("en")


def test_spec_text_is_parsed_in_the_language_in_use(korean: None) -> None:
    spec = parse_spec(Path("t.yaml"), SPEC)
    b = spec.behaviours[0]
    assert (spec.title, b.title, b.hint) == ("에코 시험", "에코합니다",
                                             "plain text is shown in every language")
    assert b.steps[1].args.hint == "could not connect"  # no `ko`: English, not nothing


def test_spec_text_in_english_by_default() -> None:
    spec = parse_spec(Path("t.yaml"), SPEC)
    assert (spec.title, spec.behaviours[0].title) == ("Echo test", "Echoes")


@pytest.mark.parametrize(("text", "says"), [
    ('{en: "x", kr: "y"}', "unknown language 'kr'"),
    ('{ko: "y"}', "needs `en`"),
    ('{en: [1, 2]}', "must be a string"),
])
def test_a_bad_translation_is_a_spec_error_at_its_line(text: str, says: str) -> None:
    bad = SPEC.replace('{en: "Echoes", ko: "에코합니다"}', text)
    with pytest.raises(SpecError) as err:
        parse_spec(Path("t.yaml"), bad)
    assert err.value.render().startswith("t.yaml:7: ") and says in err.value.render()


@pytest.mark.parametrize(("env", "lang"), [
    ({}, "en"), ({"LANG": "ko_KR.UTF-8"}, "ko"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}, "en"), ({"LC_MESSAGES": "ko_KR"}, "ko"),
])
def test_the_language_comes_from_the_locale(env: dict[str, str], lang: str) -> None:
    assert i18n.from_locale(env) == lang


def test_sockgrade_lang_wins_over_the_locale_and_a_bad_value_is_a_usage_error() -> None:
    import os
    import subprocess
    import sys

    def run(value: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "harness", "list", "specs/echo_server.yaml"],
                              cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "LANG": "en_US.UTF-8", "SOCKGRADE_LANG": value})

    assert "반복형 TCP 에코 서버" in run("ko").stdout
    bad = run("fr")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "SOCKGRADE_LANG (environment): 'fr': must be one of en, ko" in bad.stderr


def _msgids() -> Iterator[tuple[str, int, str]]:
    """Every literal `_("...")` in the harness: (file, line, msgid)."""
    for path in sorted((ROOT / "harness").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_"):
                arg = node.args[0] if node.args else None
                assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), \
                    f"{path.name}:{node.lineno}: _() takes a string literal (format after)"
                yield str(path.relative_to(ROOT)), node.lineno, arg.value


def test_every_harness_message_has_korean_and_the_catalog_has_no_stale_entry() -> None:
    po = polib.pofile(str(i18n.LOCALE_DIR / "ko.po"))
    korean = {e.msgid: e.msgstr for e in po if not e.obsolete}
    used = {m for _, _, m in _msgids()}
    assert used, "no _() messages found"
    missing = [f"{f}:{n}: {m!r}" for f, n, m in _msgids() if not korean.get(m)]
    assert not missing, "add these to harness/locale/ko.po:\n" + "\n".join(missing)
    assert not set(korean) - used, f"stale in ko.po: {sorted(set(korean) - used)}"


def test_translations_keep_every_format_field() -> None:
    import string

    def fields(s: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(s) if f is not None}

    for e in polib.pofile(str(i18n.LOCALE_DIR / "ko.po")):
        assert fields(e.msgstr) == fields(e.msgid), e.msgid


def test_every_spec_speaks_korean_too() -> None:
    import yaml

    def texts(node: object, path: str) -> Iterator[tuple[str, object]]:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("title", "hint"):
                    yield f"{path}.{k}", v
                else:
                    yield from texts(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from texts(v, f"{path}[{i}]")

    untranslated = []
    for f in sorted((ROOT / "specs").glob("*.yaml")):
        for where, text in texts(yaml.safe_load(f.read_text(encoding="utf-8")), f.name):
            if not (isinstance(text, dict) and text.get("ko")):
                untranslated.append(where)
    assert not untranslated, "give these titles and hints a `ko`:\n" + "\n".join(untranslated)


def test_a_report_in_korean_end_to_end(tmp_path: Path) -> None:
    """`--lang ko`: the spec's titles, the harness's words and the HTML page are Korean."""
    from conftest import sockgrade

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "echo_server.c").write_text("int main(void) { return 0 }\n")
    html = tmp_path / "report.html"
    graded = sockgrade(tmp_path, str(tmp_path / "sub"), "specs/echo_server.yaml",
                       "--lang", "ko", "--html", str(html))
    assert graded.code == 1, graded.out + graded.err
    assert "echo_server.c가 컴파일되지 않습니다" in graded.out
    assert "한 줄을 그대로 돌려보냄" in graded.out  # the behaviour's title, from the spec
    assert "점수: 0/" in graded.out
    page = html.read_text(encoding="utf-8")
    assert '<html lang="ko">' in page and "실패한 검사" in page
    english = sockgrade(tmp_path, str(tmp_path / "sub"), "specs/echo_server.yaml",
                        "--lang", "en")
    assert "echo_server.c does not compile" in english.out and "점수" not in english.out


def test_a_korean_report_has_no_english_words_of_the_harness(tmp_path: Path) -> None:
    """`--lang ko`: the conversation's labels (started, ended, signal, connected, ...),
    PASS/FAIL, the isolation line and the ladder are Korean in the text and the HTML
    report; what the student's program printed and the names stay as they are."""
    import re
    import textwrap

    from conftest import sockgrade

    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "server.py").write_text(textwrap.dedent("""\
        import socket, sys
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("", int(sys.argv[1])))
        srv.listen(16)
        print("준비됨")
        while True:
            c, _ = srv.accept()
            while (d := c.recv(4096)):
                c.sendall(d)
            c.close()
        """), encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(textwrap.dedent("""\
        assignment: words
        title: {en: "words", ko: "낱말"}
        programs:
          server: {role: server}
        behaviours:
          - id: echoes
            title: {en: "echoes", ko: "에코"}
            steps:
              - start: server
              - connect: c1
              - send: {conn: c1, line: "안녕"}
              - expect_echo: c1
          - id: stops
            title: {en: "stops", ko: "멈춤"}
            steps:
              - start: server
              - connect: c1
              - send: {conn: c1, line: "안녕"}
              - expect_echo: c1
              - close: c1
              - idle: 0.1
              - signal: {program: server, signal: SIGTERM}
              - expect_exit: {program: server, code: 3}
          - id: silent
            title: {en: "silent", ko: "조용함"}
            steps:
              - start: server
              - expect_output: {program: server, stream: stderr, pattern: "x", within: 0.2}
        """), encoding="utf-8")
    html = tmp_path / "report.html"
    graded = sockgrade(tmp_path, str(sub), str(spec), "--lang", "ko", "--html", str(html))
    assert graded.code == 1, graded.out + graded.err
    # pytest's own frame (its separators, progress and count lines) is not the report's
    ours = "\n".join(line for line in graded.out.splitlines()
                     if not re.fullmatch(r"[=_]+ .* [=_]+|[.FEsx]+|\d+ \w+.* in [\d.]+s.*",
                                         line.strip()))
    page = html.read_text(encoding="utf-8")
    page_text = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))
    assert "준비됨" in ours and "SIGTERM" in ours  # the program's words, the signal's name
    for report in (ours, page_text):
        assert "시작됨" in report and "끝남" in report and "시그널" in report, report
        assert "통과" in report and "실패" in report and "격리" in report, report
        for word in ("started", "ended", "signal:", "connected", "closed", "isolation",
                     "sandbox", "PASS", "FAIL", "namespace", "loopback", "(nothing)",
                     "bytes", "keyring", "private IPC", "accounting", "no cgroup",
                     "(port ", "time ", "idle", "printed", "received"):
            assert word not in report, (word, report[-3000:])
