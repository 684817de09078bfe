"""grade-batch's default -j (issue 16): grading is mostly waiting, so several jobs a
core, but never more than the memory available can hold."""

from __future__ import annotations

import os
from types import SimpleNamespace

import psutil
import pytest

from harness import batch


def test_the_default_is_jobs_per_cpu_when_memory_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: SimpleNamespace(available=64 << 30))
    assert batch.default_jobs() == 2 * batch.JOBS_PER_CPU


def test_the_default_is_capped_by_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: SimpleNamespace(available=3 * batch.MIB_PER_JOB << 20))
    assert batch.default_jobs() == 3
    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: SimpleNamespace(available=100 << 20))
    assert batch.default_jobs() == 1  # always at least one


def test_an_explicit_jobs_wins() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    batch.add_parsers(ap.add_subparsers(dest="command"))
    assert ap.parse_args(["grade-batch", "class", "-j", "3"]).jobs == 3
    assert ap.parse_args(["grade-batch", "class"]).jobs is None  # then default_jobs()
