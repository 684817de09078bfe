"""JUnit XML: sockgrade's own `--junit` and pytest's `--junitxml` both valid xunit2."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import xmlschema
from conftest import ROOT, needs_netns, sockgrade
from test_platforms import outcome

from harness.platforms.junit import junit_xml

XUNIT2 = xmlschema.XMLSchema(str(ROOT / "tests/schemas/junit-xunit2.xsd"))


def test_the_schema_refuses_what_pytest_used_to_write() -> None:
    """<properties> inside a <testcase> (a dict dump of the outcome) is not xunit2."""
    bad = ('<testsuites><testsuite name="s" tests="1" failures="0" errors="0">'
           '<testcase name="t"><properties><property name="sockgrade_outcome" value="{}"/>'
           '</properties></testcase></testsuite></testsuites>')
    assert not XUNIT2.is_valid(bad)


def test_each_status_has_its_element_and_student_text_is_xml_safe() -> None:
    evil = "got \x00\x1b[2J]]></failure><x>"
    doc = junit_xml([outcome("passed"), outcome("failed", actual=evil),
                     outcome("error", error="Traceback ..."),
                     outcome("failed", visibility="hidden", actual="the secret")])
    XUNIT2.validate(doc)
    cases = ET.fromstring(doc).findall(".//testcase")
    assert [c[0].tag for c in cases] == ["system-out", "failure", "error", "failure"]
    assert "]]></failure><x>" in cases[1].find("failure").text  # type: ignore[union-attr]
    assert "the secret" not in doc  # a hidden behaviour shows its score alone
    suite = ET.fromstring(doc).find("testsuite")
    assert suite is not None and (suite.get("failures"), suite.get("errors")) == ("2", "1")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props == {"score": "1", "max_score": "4"}


@needs_netns
def test_sockgrade_junit_and_pytest_junitxml_validate(tmp_path: Path) -> None:
    sub = ROOT / "tests/programs/echo_server/mut_never_closes"
    ours = tmp_path / "ours.xml"
    graded = sockgrade(tmp_path, str(sub), "specs/echo_server.yaml", "--junit", str(ours))
    assert graded.code == 1, graded.out + graded.err
    XUNIT2.validate(str(ours))
    assert len(ET.parse(ours).findall(".//failure")) == 1
    theirs = tmp_path / "theirs.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", "specs/echo_server.yaml",
                           f"--sockgrade-submission={sub}", f"--junitxml={theirs}",
                           "-o", "junit_family=xunit2", "-p", "no:cacheprovider", "-q",
                           f"--sockgrade-artifacts={tmp_path / 'artifacts'}",
                           f"--rootdir={ROOT}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    XUNIT2.validate(str(theirs))
    assert "sockgrade_outcome" not in theirs.read_text()
