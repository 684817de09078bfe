"""Spec file -> frozen `Spec`, or `SpecError`s that name file:line.

Rules this module keeps:
- A spec is parsed once, here; everything downstream gets frozen dataclasses that keep
  the line each behaviour and step came from.
- Every problem is reported as `file:line: message` with a suggestion where a word is
  misspelt. No exception other than SpecError leaves `load_spec`.
- Names are checked across steps: a step may only use a program declared under
  `programs:` and a connection opened by an earlier step.
"""

from __future__ import annotations

import difflib
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from harness.sandbox.limits import BUILD_DEFAULT, DEFAULT_DISK, BuildLimits, Disk, Limits
from harness.sandbox.limits import DEFAULT as DEFAULT_LIMITS
from harness.spec import stepbase, yamlsource
from harness.spec.stepbase import Regex, StepArgs, Text
from harness.spec.steps import STEPS, Accept, Listen, Repeat
from harness.spec.yamlsource import Located

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class ReadyOutput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    output: Regex = Field(description="Ready once stdout matches this regex.")


class ProgramDef(BaseModel):
    """How a student program is started. Servers get `{port}`, clients `{host} {port}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Literal["server", "client", "program"] = "program"
    args: list[str] | None = Field(None, description="Default: by role.")
    ready: Literal["listen", "none"] | ReadyOutput | None = Field(
        None, description="When it counts as started. Default: servers listen on {port}."
    )
    limits: Limits = Field(DEFAULT_LIMITS,
                           description="Resource ceilings (a backstop; defaults suit any "
                           "correct program).")
    hosts: str | None = Field(
        None, description="The /etc/hosts the program sees: a name table the harness "
        "controls, for gethostbyname() and gethostbyaddr() (needs the sandbox's mount "
        "namespace, i.e. root).")

    def default_args(self) -> list[str]:
        if self.args is not None:
            return list(self.args)
        return {"server": ["{port}"], "client": ["{host}", "{port}"]}.get(self.role, [])

    def readiness(self) -> str | ReadyOutput:
        if self.ready is not None:
            return self.ready
        return "listen" if self.role == "server" else "none"


class FileDef(BaseModel):
    """A file the harness writes into the program's working directory before each run."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str | None = None
    random: int | None = Field(None, gt=0, le=64 << 20, description="Pseudo-random bytes.")
    seed: int = 0

    @model_validator(mode="after")
    def _exactly_one(self) -> FileDef:
        if (self.text is None) == (self.random is None):
            raise ValueError("give exactly one of text, random")
        return self

    def content(self) -> bytes:
        if self.text is not None:
            return self.text.encode()
        return random.Random(self.seed).randbytes(self.random or 0)


Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]


class BehaviourDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ID_PATTERN, description="Short lowercase id, unique in the file.")
    title: Text
    points: float = Field(1.0, ge=0)
    visibility: Visibility = Field(
        "visible", description="Gradescope's words. A student's self-check runs only "
        "visible behaviours; hidden ones are graded but their details never reach "
        "student-facing output.")
    hint: Text | None = Field(None, description="Shown when a failing step has no hint.")
    hint_for: list[stepbase.Situation] | None = Field(None, description=stepbase.HINT_FOR)
    hint_not_for: list[stepbase.Situation] | None = Field(None,
                                                          description=stepbase.HINT_NOT_FOR)
    steps: list[Any] = Field(min_length=1, description="Each a `- name: arguments` entry.")


class BuildDef(BaseModel):
    """How every program of the spec is built (`make NAME` or gcc)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    limits: BuildLimits = Field(BUILD_DEFAULT, description="The build's ceilings (defaults "
                                "suit gcc and make on any course program).")


class SpecDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    assignment: str = Field(pattern=ID_PATTERN)
    title: Text
    port: int = Field(9190, ge=1, le=65535, description="The value of {port}.")
    programs: dict[str, ProgramDef] = Field(min_length=1)
    build: BuildDef = Field(BuildDef.model_validate({}), description="How the programs "
                            "are built.")
    files: dict[str, FileDef] = Field(
        default_factory=dict, description="Files placed in the working directory.")
    disk: Disk = Field(DEFAULT_DISK, description="Disk a submission and its runs may take.")
    behaviours: list[BehaviourDef] = Field(min_length=1)


@dataclass(frozen=True)
class Step:
    kind: str
    args: StepArgs
    line: int
    children: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Behaviour:
    id: str
    title: str
    points: float
    steps: tuple[Step, ...]
    line: int
    hint: str = ""
    visibility: str = "visible"
    hint_for: tuple[str, ...] = ()  # the situations its hint is for (stepbase.Situation)
    hint_not_for: tuple[str, ...] = ()

    def partial(self) -> bool:
        """True when some step carries points: then each passed check earns its part."""
        return any(s.args.points is not None for s in walk_steps(self.steps))


@dataclass(frozen=True)
class Spec:
    path: Path
    assignment: str
    title: str
    port: int
    programs: dict[str, ProgramDef]
    behaviours: tuple[Behaviour, ...]
    source: tuple[str, ...] = field(repr=False)
    files: dict[str, FileDef] = field(default_factory=dict)
    build: BuildLimits = BUILD_DEFAULT
    disk: Disk = DEFAULT_DISK

    def behaviour(self, bid: str) -> Behaviour:
        return next(b for b in self.behaviours if b.id == bid)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


class SpecError(Exception):
    """One or more problems in one spec file."""

    def __init__(self, path: Path, problems: Sequence[Problem], source: Sequence[str]) -> None:
        self.path = path
        self.problems = tuple(sorted(problems, key=lambda p: p.line))
        self.source = tuple(source)
        super().__init__(self.render())

    def render(self) -> str:
        out = []
        for p in self.problems:
            out.append(f"{self.path}:{p.line}: {p.message}")
            if 0 < p.line <= len(self.source):
                out.append(f"    {p.line:4d} | {self.source[p.line - 1].rstrip()}")
        return "\n".join(out)


def suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _model_at(model: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model that validates the mapping at `loc` below `model` (for suggestions)."""
    current: Any = model
    for part in loc:
        is_model = isinstance(current, type) and issubclass(current, BaseModel)
        if isinstance(part, int) or not is_model:
            continue
        fields = {f.alias or n: f for n, f in current.model_fields.items()}
        if part not in fields:
            continue  # a key of a `dict[str, Model]` field, e.g. a program's name
        current = _inner_model(fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside `X | None`, `list[X]`, `dict[str, X]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _place(loc: Sequence[Any]) -> str:
    if len(loc) >= 2 and loc[0] == "programs":
        return f"program {loc[1]!r}"
    if len(loc) >= 2 and loc[0] == "behaviours" and isinstance(loc[1], int):
        return f"behaviour #{loc[1] + 1}"
    return ""


def _in_data(data: Any, loc: Sequence[Any], keep_last: bool) -> tuple[Any, ...]:
    """The parts of a pydantic error location that are real keys/indexes of `data`.

    pydantic adds labels of its own (union branches such as "function-after[...]",
    "literal['x']", model names); walking the data tells them from the user's keys."""
    out: list[Any] = []
    current = data
    for i, part in enumerate(loc):
        in_map = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_map or in_list:
            out.append(part)
            current = current[part]
        elif keep_last and i == len(loc) - 1:
            out.append(part)  # a missing key: not in the data, but it is what to name
    return tuple(out)


def _pydantic_problems(
    exc: ValidationError, where: Located, base: yamlsource.Path, what: str,
    model: type[BaseModel], value: Any = None,
) -> Iterator[Problem]:
    data = where.data if value is None else value
    if value is None:
        for part in base:
            data = data[part]
    for err in exc.errors():
        loc = _in_data(data, err["loc"], keep_last=err["type"] == "missing")
        line = where.line_of((*base, *loc))
        key = ".".join(str(x) for x in loc)
        if err["type"] == "extra_forbidden":
            owner = _model_at(model, loc[:-1])
            keys = [f.alias or n for n, f in owner.model_fields.items()] if owner else []
            place = _place(loc[:-1]) or what
            yield Problem(line, f"unknown key {loc[-1]!r} in {place}{suggest(str(loc[-1]), keys)}")
        elif err["type"] == "missing":
            yield Problem(line, f"{what}: missing required key {key!r}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            yield Problem(line, f"{what}: {key}: {msg}" if key else f"{what}: {msg}")


class _Parser:
    def __init__(self, path: Path, where: Located) -> None:
        self.path = path
        self.where = where
        self.problems: list[Problem] = []

    def step(self, raw: Any, at: yamlsource.Path) -> Step | None:
        line = self.where.line_of(at)
        if not isinstance(raw, dict) or len(raw) != 1:
            self.problems.append(
                Problem(line, "a step is one `- name: arguments` entry, e.g. `- close: c1`")
            )
            return None
        (kind, value), = raw.items()
        model = STEPS.get(str(kind))
        if model is None:
            self.problems.append(
                Problem(line, f"unknown step {kind!r}{suggest(str(kind), list(STEPS))}"))
            return None
        if not isinstance(value, dict):
            if model.shorthand is None or value is None:
                self.problems.append(
                    Problem(line, f"step {kind!r} takes a mapping of arguments, not {value!r}")
                )
                return None
            value = {model.shorthand: value}
        try:
            args = model.model_validate(value)
        except ValidationError as exc:
            self.problems.extend(
                _pydantic_problems(exc, self.where, (*at, kind), f"step {kind!r}", model, value)
            )
            return None
        children: tuple[Step, ...] = ()
        if isinstance(args, Repeat):
            kids = [self.step(s, (*at, kind, "steps", i)) for i, s in enumerate(args.steps)]
            children = tuple(k for k in kids if k is not None)
        return Step(str(kind), args, line, children)

    def behaviour(self, bdef: BehaviourDef, at: yamlsource.Path) -> Behaviour:
        steps = [self.step(s, (*at, "steps", i)) for i, s in enumerate(bdef.steps)]
        return Behaviour(
            bdef.id, bdef.title, bdef.points,
            tuple(s for s in steps if s is not None), self.where.line_of(at), bdef.hint or "",
            bdef.visibility, stepbase.situation_names(bdef.hint_for),
            stepbase.situation_names(bdef.hint_not_for),
        )


def walk_steps(steps: Sequence[Step]) -> Iterator[Step]:
    for s in steps:
        yield s
        yield from walk_steps(s.children)


def _check_names(spec_programs: dict[str, ProgramDef], b: Behaviour) -> Iterator[Problem]:
    """Programs must be declared; connections and listeners opened before use."""
    programs = set(spec_programs)
    conns: set[str] = set()
    listeners: set[str] = set()
    for s in walk_steps(b.steps):
        a = s.args
        prog = getattr(a, "program", None)
        if s.kind == "start":
            if prog not in spec_programs:
                yield Problem(s.line, f"program {prog!r} is not declared under `programs:`"
                              f"{suggest(str(prog), list(spec_programs))}")
            programs.add(getattr(a, "name", None) or str(prog))
        elif prog is not None and prog not in programs:
            yield Problem(s.line, f"program {prog!r} is not declared under `programs:` nor "
                          f"started by name{suggest(str(prog), sorted(programs))}")
        if isinstance(a, Listen):
            listeners.add(a.listener)
        elif isinstance(a, Accept) and a.listener not in listeners:
            yield Problem(s.line, f"listener {a.listener!r} is not opened by an "
                          f"earlier `listen` step{suggest(a.listener, sorted(listeners))}")
        conn = getattr(a, "conn", None)
        if conn is None:
            continue
        if s.kind in ("connect", "accept"):
            conns.add(conn)
        elif conn not in conns:
            yield Problem(s.line, f"connection {conn!r} is not opened by an earlier `connect` "
                          f"or `accept` step{suggest(conn, sorted(conns))}")


def _step_points(todo: Sequence[Step]) -> float:
    total = 0.0
    for s in todo:
        total += s.args.points or 0.0
        if isinstance(s.args, Repeat):
            total += s.args.times * _step_points(s.children)
    return total


def _check_points(b: Behaviour) -> Iterator[Problem]:
    if b.partial() and abs(_step_points(b.steps) - b.points) > 1e-9:
        yield Problem(b.line, f"the steps' points add up to {_step_points(b.steps):g} but "
                              f"behaviour {b.id!r} is worth {b.points:g}: make them agree")


def _check_files(files: dict[str, FileDef], b: Behaviour) -> Iterator[Problem]:
    for s in walk_steps(b.steps):
        name = getattr(s.args, "file", None)
        if name is not None and name not in files:
            yield Problem(s.line, f"file {name!r} is not declared under `files:`"
                                  f"{suggest(name, list(files))}")


def parse_spec(path: Path, text: str) -> Spec:
    source = text.splitlines()
    try:
        where = yamlsource.load(text)
    except yamlsource.YamlSourceError as exc:
        raise SpecError(path, [Problem(exc.line, exc.message)], source) from None
    if not isinstance(where.data, dict):
        raise SpecError(path, [Problem(1, "a spec is a mapping with `assignment`, `title`, "
                                          "`programs` and `behaviours`")], source)
    try:
        sdef = SpecDef.model_validate(where.data)
    except ValidationError as exc:
        problems = list(_pydantic_problems(exc, where, (), "the spec", SpecDef))
        raise SpecError(path, problems, source) from None
    parser = _Parser(path, where)
    behaviours = [parser.behaviour(b, ("behaviours", i)) for i, b in enumerate(sdef.behaviours)]
    seen: dict[str, int] = {}
    for b in behaviours:
        if b.id in seen:
            parser.problems.append(Problem(b.line, f"behaviour id {b.id!r} is already used "
                                                   f"on line {seen[b.id]}"))
        seen.setdefault(b.id, b.line)
        parser.problems.extend(_check_names(sdef.programs, b))
    for name in sdef.files:
        if "/" in name or name in ("", ".", ".."):
            parser.problems.append(Problem(where.line_of(("files", name)),
                                           f"file name {name!r}: a plain name, no '/'"))
    for b in behaviours:
        parser.problems.extend(_check_files(sdef.files, b))
        parser.problems.extend(_check_points(b))
    if parser.problems:
        raise SpecError(path, parser.problems, source)
    return Spec(path, sdef.assignment, sdef.title, sdef.port, dict(sdef.programs),
                tuple(behaviours), tuple(source), dict(sdef.files), sdef.build.limits,
                sdef.disk)


def load_spec(path: Path) -> Spec:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(path, [Problem(0, f"cannot read spec: {exc}")], []) from None
    return parse_spec(path, text)


def substitute(text: str, variables: dict[str, str]) -> str:
    """Replace `{name}` by its value; unknown names are left as they are."""
    return re.sub(r"\{(\w+)\}", lambda m: variables.get(m.group(1), m.group(0)), text)
