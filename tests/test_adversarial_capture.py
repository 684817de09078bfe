"""Adversarial cases against the packet capture (tests/adversarial/cases_capture.yaml).

A program that floods the loopback right before it resets its connection must not turn
`none: {flags: R}` into a pass: the capture counts what it lost, a rule judged over a
capture that lost packets is not judged, the behaviour runs again, and a second such run
is an `error` that says so. A reset that was captured all the same is the student's
failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, needs_netns, sockgrade
from test_adversarial import PROGRAMS, needs_walls, running

pytestmark = [needs_netns, needs_walls]

CASES = ROOT / "tests" / "adversarial" / "cases_capture.yaml"


def grade(tmp_path: Path, ids: list[str]) -> Any:
    doc = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    doc["behaviours"] = [b for b in doc["behaviours"] if b["id"] in ids]
    used = {s["start"] for b in doc["behaviours"] for s in b["steps"] if "start" in s}
    doc["programs"] = {k: v for k, v in doc["programs"].items() if k in used}
    spec = tmp_path / "adversarial_capture.yaml"
    spec.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return sockgrade(tmp_path, str(PROGRAMS), str(spec), "--all", timeout=240)


def test_a_flood_before_a_reset_never_passes_none_rst(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCKGRADE_KEEP_PCAP", "never")  # the flood's pcaps: 100 MB each
    graded = grade(tmp_path, ["flood_rst"])
    b = graded.behaviour("flood_rst")
    assert b["status"] in ("failed", "error"), graded.out[-3000:]
    last = b["checks"][-1]
    assert last["step"] == "expect_packets" and not last["passed"], b["checks"]
    # the attack did blind the capture: the kernel's drops were counted
    assert any("the kernel dropped" in n for n in b["notes"]), b["notes"]
    if b["status"] == "failed":  # the RST was captured all the same: proof
        assert "a packet RST was captured" in last["actual"] and not last["unjudged"], last
    else:  # lost in both runs: the grader says it could not judge, and why
        assert "missed" in last["unjudged"], last
        assert "could not be judged in either of two runs" in b["error"], b["error"]
        assert "Traceback" not in b["error"]
        assert any("the first run could not be judged" in n for n in b["notes"]), b["notes"]
    assert b["score"] == 0
    assert not running("advc_flood_rst"), running("advc_flood_rst")
