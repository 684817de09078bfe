"""Every setting of the harness, in one table: flag, ini key, environment variable.

Rules this module keeps (after pytest-timeout's options table):
- One row per setting; the command line wins over the environment, which wins over
  the ini file, which wins over the default.
- A bad value is reported with where it came from: `--sockgrade-slow=abc (command
  line): not a number`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import i18n


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return text
    return parse


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "true", "1", "on"):
        return True
    if value in ("no", "false", "0", "off"):
        return False
    raise ValueError("must be yes or no")


def _ids(text: str) -> tuple[str, ...]:
    return tuple(i.strip() for i in text.split(",") if i.strip())


def _path(text: str) -> Path:
    return Path(text).expanduser()


def _paths(text: str) -> tuple[Path, ...]:
    return tuple(Path(p).expanduser() for p in text.split(os.pathsep) if p)


@dataclass(frozen=True)
class Option:
    dest: str
    help: str
    parse: Callable[[str], Any]
    default: str | None
    env: str | None = None

    @property
    def flag(self) -> str:
        return "--sockgrade-" + self.dest.replace("_", "-")

    @property
    def ini(self) -> str:
        return "sockgrade_" + self.dest


OPTIONS = (
    Option("submission", "directory of the submission to grade (enables spec collection)",
           _path, None, "SOCKGRADE_SUBMISSION"),
    Option("slow", "multiply every time-out by this factor (slow machines)", _positive, "1",
           "SOCKGRADE_SLOW"),
    Option("quiescence", "on: a wait for the programs ends as soon as they provably cannot "
           "answer (every thread blocked in a call only the harness can end, nothing in "
           "flight, no timer); off: every wait runs to its time-out", _yes_no, "on",
           "SOCKGRADE_QUIESCENCE"),
    Option("isolation", "auto: a network namespace per behaviour if possible; netns: "
           "required; host: host loopback", _choice("auto", "netns", "host"), "auto",
           "SOCKGRADE_ISOLATION"),
    Option("artifacts", "where pcap files of failed behaviours are kept", _path,
           None, "SOCKGRADE_ARTIFACTS"),
    Option("keep_pcap", "keep pcaps for: failed, always, never",
           _choice("failed", "always", "never"), "failed", "SOCKGRADE_KEEP_PCAP"),
    Option("json", "write per-behaviour results as JSON to this file", _path, None),
    Option("all", "grade every behaviour, hidden ones too (yes/no; a student's self-check "
           "grades the visible ones)", _yes_no, "no", "SOCKGRADE_ALL"),
    Option("only", "grade only the behaviours with these ids (comma-separated; a "
           "student working on one)", _ids, ""),
    Option("gradescope", "write Gradescope's results.json to this file", _path, None),
    Option("prairielearn", "write PrairieLearn's results.json to this file", _path, None),
    Option("html", "write a self-contained HTML report (with ladder diagrams) to this file",
           _path, None),
    Option("classroom", "write GitHub Classroom's grading-reporter payload (base64) to this "
           "file", _path, None),
    Option("junit", "write JUnit XML (xunit2: a test per behaviour, grader errors as <error>) "
           "to this file", _path, None),
    Option("lang", "language of student-facing messages: en or ko (default: from LC_ALL, "
           "LC_MESSAGES or LANG)", _choice(*i18n.LANGS), None, "SOCKGRADE_LANG"),
    Option("hide", "more directories kept from student programs and builds, besides the "
           "harness, the specs, the submission and the results (separated by "
           f"{os.pathsep!r}; grade-batch passes the class's)", _paths, "", "SOCKGRADE_HIDE"),
    Option("github", "GitHub Actions output: job summary and error annotations (yes/no; "
           "default: yes when GITHUB_ACTIONS is set)", _yes_no,
           "yes" if os.environ.get("GITHUB_ACTIONS") == "true" else "no"),
)


@dataclass(frozen=True)
class Settings:
    submission: Path | None
    slow: float
    quiescence: bool
    isolation: str
    artifacts: Path | None
    keep_pcap: str
    json: Path | None
    all: bool
    only: tuple[str, ...]
    gradescope: Path | None
    prairielearn: Path | None
    html: Path | None
    classroom: Path | None
    junit: Path | None
    lang: str | None
    hide: tuple[Path, ...] | None
    github: bool


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("sockgrade", "socket-program grading")
    for opt in OPTIONS:
        env = f" (env {opt.env})" if opt.env else ""
        group.addoption(opt.flag, dest="sockgrade_" + opt.dest, default=None,
                        help=opt.help + env)
        parser.addini(opt.ini, opt.help, default=None)


def resolve(config: pytest.Config) -> Settings:
    """Settings from command line, environment, ini, default; UsageError names the source."""
    values: dict[str, Any] = {}
    for opt in OPTIONS:
        candidates = [
            (config.getoption("sockgrade_" + opt.dest), f"{opt.flag} (command line)"),
            (os.environ.get(opt.env) if opt.env else None, f"{opt.env} (environment)"),
            (config.getini(opt.ini), f"{opt.ini} (ini file {config.inipath})"),
            (opt.default, "default"),
        ]
        raw, source = next(((v, s) for v, s in candidates if v not in (None, "")), (None, ""))
        if raw is None:
            values[opt.dest] = None
            continue
        try:
            values[opt.dest] = opt.parse(str(raw))
        except ValueError as exc:
            raise pytest.UsageError(f"{source}: {raw!r}: {exc}") from None
    return Settings(**values)
