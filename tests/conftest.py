"""Shared helpers: run the real `sockgrade` command the way a user does."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import netns

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Graded:
    code: int
    out: str
    err: str
    results: dict[str, Any] | None

    def status(self) -> dict[str, str]:
        assert self.results is not None, self.out + self.err
        return {b["id"]: b["status"] for b in self.results["behaviours"]}

    def behaviour(self, bid: str) -> dict[str, Any]:
        assert self.results is not None
        return next(b for b in self.results["behaviours"] if b["id"] == bid)


def sockgrade(tmp_path: Path, *args: str, timeout: float = 300) -> Graded:
    """Run `python -m harness check ... --json` from the repository root."""
    out_json = tmp_path / f"results-{len(list(tmp_path.iterdir()))}.json"
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "check", *args, "--json", str(out_json),
         "--artifacts", str(tmp_path / "artifacts")],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    results = json.loads(out_json.read_text()) if out_json.exists() else None
    return Graded(proc.returncode, proc.stdout, proc.stderr, results)


needs_netns = pytest.mark.skipif(netns.probe() is not None,
                                 reason=f"no network namespaces here: {netns.probe()}")
