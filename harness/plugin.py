"""The pytest plugin: spec files become collectors, behaviours become items.

Rules this module keeps:
- Nothing happens unless a submission is given (`--sockgrade-submission`): the plugin
  is installed for every pytest run on the machine and must stay out of their way.
- A spec error is a collection error whose text is `file:line: message`.
- Each behaviour is one Item guarded by pytest-timeout; its Outcome rides in
  `item.user_properties`, so reporters work the same under pytest-xdist.
- Reporters are plugin objects registered in pytest_configure (as junitxml does).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import i18n, options
from harness.report import text as text_report
from harness.results import ResultsCollector
from harness.run.outcome import PROPERTY, Outcome
from harness.run.runner import RunConfig, run_behaviour
from harness.run.submission import BuildFailure, Built, build, copy_submission
from harness.sandbox import procs
from harness.spec.model import Behaviour, Spec, SpecError, Step, load_spec

SETTINGS = pytest.StashKey[options.Settings]()
BUILDS = pytest.StashKey["BuildCache"]()
META = "sockgrade_meta"
BUILD_BUDGET = 90.0


class BuildCache:
    """Copy the submission once per session and build each program once."""

    def __init__(self, submission: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="sockgrade-build-"))
        self._copied: str | None = None
        self._submission = submission
        self._built: dict[str, Built | BuildFailure] = {}

    def get(self, names: list[str]) -> dict[str, Built | BuildFailure]:
        if self._copied is None:
            try:
                copy_submission(self._submission, self.dir)
                self._copied = ""
            except OSError as exc:
                self._copied = f"could not copy the submission: {exc}"
        for name in names:
            if name not in self._built:
                self._built[name] = (BuildFailure(name, self._copied) if self._copied
                                     else build(self.dir, name))
        return {n: self._built[n] for n in names}

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    settings = options.resolve(config)
    config.stash[SETTINGS] = settings
    i18n.use(settings.lang or i18n.from_locale())
    if settings.submission is None:
        return
    if not settings.submission.is_dir():
        raise pytest.UsageError(f"submission {settings.submission}: no such directory")
    procs.become_subreaper()
    config.stash[BUILDS] = BuildCache(settings.submission)
    if not hasattr(config, "workerinput"):  # xdist workers report through the controller
        config.pluginmanager.register(ResultsCollector(settings), "sockgrade-results")


def pytest_unconfigure(config: pytest.Config) -> None:
    cache = config.stash.get(BUILDS, None)
    if cache is not None:
        cache.close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    settings = parent.config.stash.get(SETTINGS, None)
    if settings is None or settings.submission is None:
        return None
    if file_path.suffix in (".yaml", ".yml"):
        return SpecFile.from_parent(parent, path=file_path)
    return None


class SpecFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        shown = Path(os.path.relpath(self.path))  # as the user typed it, when possible
        spec = load_spec(shown if not str(shown).startswith("..") else self.path)
        everything = self.config.stash[SETTINGS].all
        for b in spec.behaviours:
            if b.visibility != "visible" and not everything:
                continue  # a student's self-check: graded on the platform, not here
            yield BehaviourItem.from_parent(self, name=b.id, spec=spec, behaviour=b)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> Any:
        if isinstance(excinfo.value, SpecError):
            return excinfo.value.render()
        return super().repr_failure(excinfo)


class BehaviourFailure(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.behaviour)
        self.outcome = outcome


def _budget(todo: tuple[Step, ...], slow: float) -> float:
    total = 0.0
    for s in todo:
        a = s.args
        own = float(getattr(a, "within", 0) or 0) * slow + float(getattr(a, "seconds", 0) or 0)
        times = int(getattr(a, "times", 1) or 1)
        total += 2.0 + own + times * _budget(s.children, slow)
    return total


def _kept_from_programs(s: options.Settings) -> tuple[Path, ...]:
    """The submission's original and where results go: not for the program's eyes."""
    outs = (s.json, s.gradescope, s.prairielearn, s.html, s.classroom, s.artifacts)
    return tuple(p.resolve().parent for p in outs if p is not None) + tuple(
        p.resolve() for p in (s.submission,) if p is not None)


class BehaviourItem(pytest.Item):
    def __init__(self, *, spec: Spec, behaviour: Behaviour, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.behaviour = behaviour
        settings = self.config.stash[SETTINGS]
        self.add_marker(pytest.mark.timeout(
            BUILD_BUDGET + _budget(behaviour.steps, settings.slow), method="signal"))
        self.user_properties.append((META, {
            "spec": str(spec.path), "assignment": spec.assignment, "behaviour": behaviour.id,
            "title": behaviour.title, "points": behaviour.points,
        }))

    def runtest(self) -> None:
        settings = self.config.stash[SETTINGS]
        builds = self.config.stash[BUILDS].get(sorted(self.spec.programs))
        artifacts = settings.artifacts or Path(tempfile.gettempdir()) / "sockgrade-artifacts"
        outcome = run_behaviour(self.spec, self.behaviour, RunConfig(
            build_dir=self.config.stash[BUILDS].dir, builds=builds, artifacts=artifacts,
            slow=settings.slow, quiescence=settings.quiescence, isolation=settings.isolation,
            keep_pcap=settings.keep_pcap,
            hide=_kept_from_programs(settings)))
        self.user_properties.append((PROPERTY, outcome.to_dict()))
        if outcome.status != "passed":
            raise BehaviourFailure(outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> Any:
        if isinstance(excinfo.value, BehaviourFailure):
            return text_report.render_failure(excinfo.value.outcome)
        # the grader's own failure (e.g. pytest-timeout): short, and never the student's
        where = f"{self.spec.assignment} › {self.behaviour.id}: {self.behaviour.title}"
        return (f"{where}\n  The grader failed here (not your fault; tell the staff):\n"
                f"    {excinfo.exconly()}\n"
                + "\n".join("    " + x for x in str(excinfo.getrepr(style="short"))
                             .splitlines()[-12:]))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.behaviour.line - 1, f"{self.spec.assignment}.{self.behaviour.id}"
