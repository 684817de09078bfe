"""The pytest plugin: spec files become collectors, behaviours become items.

Rules this module keeps:
- Nothing happens unless a submission is given (`--sockgrade-submission`): the plugin
  is installed for every pytest run on the machine and must stay out of their way.
- A spec error is a collection error whose text is `file:line: message`.
- Each behaviour is one Item guarded by pytest-timeout (time for two runs where the
  runner may run it again: packet checks); its Outcome rides in
  `item.user_properties`, so reporters work the same under pytest-xdist.
- Reporters are plugin objects registered in pytest_configure (as junitxml does).
- A grader error's traceback is the staff's: pytest-timeout's own timer (which prints
  every thread's stack on the terminal) is replaced for behaviours by one that only
  fails the item; the details go to the JSON's `error` and stderr (`results`).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import i18n, options
from harness.judge import stream
from harness.report import text as text_report
from harness.results import DETAIL, ResultsCollector
from harness.run.outcome import PROPERTY, Outcome
from harness.run.runner import RunConfig, run_behaviour
from harness.run.submission import BuildFailure, Built, build, build_space, copy_submission
from harness.sandbox import files, keyring, procs, userns, walls
from harness.spec.model import Behaviour, Spec, SpecError, Step, load_spec, walk_steps

SETTINGS = pytest.StashKey[options.Settings]()
BUILDS = pytest.StashKey["BuildCache"]()
META = "sockgrade_meta"
_PACKAGE = Path(__file__).resolve().parent
# the harness, kept from students: its checkout when run from one, else the package
ROOT = _PACKAGE.parent if (_PACKAGE.parent / "pyproject.toml").is_file() else _PACKAGE
BUILD_BUDGET = 90.0


class BuildCache:
    """Copy the submission once per session and build each program once (within the
    build limits of the first spec that needs it). The first spec to ask also sets the
    disk caps (a session grades one assignment's specs)."""

    def __init__(self, submission: Path) -> None:
        self.space: files.Workspace | None = None
        self._dir: Path | None = None
        self._copied: str | None = None
        self.notes: list[str] = []
        self._submission = submission
        self._built: dict[str, Built | BuildFailure] = {}

    @property
    def dir(self) -> Path:
        if self._dir is None:
            self.space, self._dir = build_space()
        return self._dir

    def get(self, spec: Spec, hide: tuple[Path, ...] = ()) -> dict[str, Built | BuildFailure]:
        names = sorted(spec.programs)
        if self._copied is None:
            if self._dir is None:
                self.space, self._dir = build_space(spec.disk.working)
            try:
                self.notes = copy_submission(self._submission, self.dir, spec.disk.submission)
                self._copied = ""
            except files.Refused as exc:  # the student's: every program fails with it
                self._copied = str(exc)
        covered = walls.hideable([ROOT, *hide], keep=[self.dir])
        for name in names:
            if name not in self._built:
                self._built[name] = (BuildFailure(name, self._copied) if self._copied
                                     else build(self.dir, name, spec.build, covered))
        return {n: self._built[n] for n in names}

    def close(self) -> None:
        if self.space is not None:
            self.space.remove(walls.layers().uid)
        if walls.layers().uid is not None:  # the slot is let go: its keys go too
            keyring.clear_user(walls.layers().uid)


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A plain folder, never a Package: pytest would import an `__init__.py` found in a
    spec's folder or above it (a build may have written one), as root."""
    settings = parent.config.stash.get(SETTINGS, None)
    if settings is None or settings.submission is None:
        return None
    return pytest.Dir.from_parent(parent, path=path)


@pytest.hookimpl(tryfirst=True)  # before any plugin starts a thread: see sandbox.userns
def pytest_configure(config: pytest.Config) -> None:
    settings = options.resolve(config)
    config.stash[SETTINGS] = settings
    i18n.use(settings.lang or i18n.from_locale())
    if settings.submission is None:
        return
    if not settings.submission.is_dir():
        raise pytest.UsageError(f"submission {settings.submission}: no such directory")
    if settings.isolation != "host":
        userns.enter()  # an ordinary user's own namespaces, where the kernel allows them
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
        only = self.config.stash[SETTINGS].only
        for b in spec.behaviours:
            if b.visibility != "visible" and not everything:
                continue  # a student's self-check: graded on the platform, not here
            if only and b.id not in only:
                continue
            yield BehaviourItem.from_parent(self, name=b.id, spec=spec, behaviour=b)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> Any:
        if isinstance(excinfo.value, SpecError):
            return excinfo.value.render()
        return super().repr_failure(excinfo)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """A behaviour's time budget, without pytest-timeout's dump of every stack."""
    if not isinstance(item, BehaviourItem) or settings.method != "signal" \
            or threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum: int, frame: Any) -> None:
        pytest.fail(f"Timeout >{settings.timeout}s: the grader's own time budget for this "
                    "behaviour ran out")

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    item.cancel_timeout = cancel  # type: ignore[attr-defined]  # pytest-timeout's name
    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    return True


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


def _judges_packets(todo: tuple[Step, ...]) -> bool:
    return any(s.kind == "expect_packets" for s in walk_steps(todo))


def _kept_from_programs(s: options.Settings) -> tuple[Path, ...]:
    """The submission's original and where results go: not for the program's eyes."""
    outs = (s.json, s.gradescope, s.prairielearn, s.html, s.classroom, s.junit, s.artifacts)
    return tuple(p.resolve().parent for p in outs if p is not None) + tuple(
        p.resolve() for p in (s.submission, *(s.hide or ())) if p is not None)


class BehaviourItem(pytest.Item):
    def __init__(self, *, spec: Spec, behaviour: Behaviour, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.behaviour = behaviour
        settings = self.config.stash[SETTINGS]
        budget = _budget(behaviour.steps, settings.slow)
        if _judges_packets(behaviour.steps):  # a capture that missed packets: run twice
            budget *= 2
        self.add_marker(pytest.mark.timeout(BUILD_BUDGET + budget, method="signal"))
        self.user_properties.append((META, {
            "spec": str(spec.path), "assignment": spec.assignment, "behaviour": behaviour.id,
            "title": behaviour.title, "points": behaviour.points,
            "visibility": behaviour.visibility,
        }))

    def runtest(self) -> None:
        settings = self.config.stash[SETTINGS]
        specs = {i.spec.path.resolve().parent for i in self.session.items
                 if isinstance(i, BehaviourItem)}  # a build may see none of them
        builds = self.config.stash[BUILDS].get(self.spec, (*specs, *_kept_from_programs(settings)))
        cache = self.config.stash[BUILDS]
        outcome = run_behaviour(self.spec, self.behaviour, RunConfig(
            build_dir=cache.dir, builds=builds, artifacts=settings.artifacts,
            slow=settings.slow, quiescence=settings.quiescence, isolation=settings.isolation,
            keep_pcap=settings.keep_pcap, extra_notes=tuple(cache.notes),
            hide=_kept_from_programs(settings)))
        self.user_properties.append((PROPERTY, outcome.to_dict()))
        if outcome.status != "passed":
            raise BehaviourFailure(outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> Any:
        if isinstance(excinfo.value, BehaviourFailure):
            o = excinfo.value.outcome
            check = o.failed_check()
            # a compile error in full with the first behaviour (in the order collected,
            # the same in every xdist worker) that starts the program, once per grading
            shown = ({check.actual} if check is not None and check.step == "start"
                     and check.expected == stream.builds() and self._started_earlier(check.line)
                     else set())
            return text_report.render_failure(o, shown)
        # the grader's own failure (e.g. pytest-timeout): its traceback is the staff's
        # (the JSON's `error`, stderr); the student reads one line, never the traceback
        detail = str(excinfo.getrepr(style="short")).splitlines()[-30:]
        self.user_properties.append((DETAIL, "\n".join([*detail, excinfo.exconly()])))
        where = f"{self.spec.assignment} › {self.behaviour.id}: {self.behaviour.title}"
        return f"{where}\n  {text_report.REGRADE} — {text_report.grader_error_line()}"

    def _started_earlier(self, line: int) -> bool:
        """Whether a behaviour collected before this one starts the program this one's
        step at `line` starts."""
        name = next((getattr(s.args, "program", None) for s in walk_steps(self.behaviour.steps)
                     if s.kind == "start" and s.line == line), None)
        for item in self.session.items:
            if item is self:
                return False
            if isinstance(item, BehaviourItem) and name is not None and any(
                    s.kind == "start" and getattr(s.args, "program", None) == name
                    for s in walk_steps(item.behaviour.steps)):
                return True
        return False

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.behaviour.line - 1, f"{self.spec.assignment}.{self.behaviour.id}"
