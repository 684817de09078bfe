"""Find and build a submission's programs.

Rules this module keeps:
- Program NAME is, in this order: a Makefile target NAME; NAME.c (gcc); NAME.py
  (python3); an executable file NAME. The first that exists is used.
- Nothing is written into the student's directory: the submission is copied to a build
  directory first, and every behaviour runs in its own copy of that.
- A build that fails is a `BuildFailure` carrying the compiler's own message; it never
  raises, so the behaviours that need the program fail with that message.
- A Makefile is the student's code too: builds run inside the walls of a run
  (`buildjail`) as the slot's uid, which owns the build directory only while it builds,
  with the spec's `build: limits`; a limit hit is named in the failure.
- Build directories are made with mkdtemp under a root-owned 0700 parent (`build_dir`)
  and are 0700 themselves: no other uid can read a student's sources.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.i18n import _
from harness.run.buildjail import BuildJail
from harness.sandbox import walls
from harness.sandbox.limits import BUILD_DEFAULT, BuildLimits, out_of_memory

GCC_FLAGS = ("-Wall", "-pthread")


@dataclass(frozen=True)
class Built:
    name: str
    how: str  # "make", "gcc", "python", "executable"
    log: str  # compiler output (warnings), may be empty
    lacked: tuple[str, ...] = ()  # walls the build ran without

    def argv(self, workdir: Path) -> list[str]:
        if self.how == "python":
            return [python3(), str(workdir / f"{self.name}.py")]
        return [str(workdir / self.name)]


@dataclass(frozen=True)
class BuildFailure:
    name: str
    message: str
    log: str = ""
    lacked: tuple[str, ...] = ()


def python3() -> str:
    return walls.python3() if os.geteuid() == 0 else shutil.which("python3") or sys.executable


def copy_submission(submission: Path, into: Path) -> None:
    """Copy without following links (a link stays a link) and without VCS metadata."""
    shutil.copytree(submission, into, symlinks=True, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".git", "__pycache__"))


def build_dir() -> Path:
    """A new build directory: mkdtemp under a root-owned 0700 parent of its own (the
    parent is removed with `shutil.rmtree(path.parent)`)."""
    parent = Path(tempfile.mkdtemp(prefix="sockgrade-build-"))
    return Path(tempfile.mkdtemp(prefix="src-", dir=parent))


@dataclass
class _Ran:
    code: int
    log: str
    lacked: tuple[str, ...] = ()
    limit: str = ""  # the limit it hit, said to the student


def _run(argv: list[str], cwd: Path, limits: BuildLimits, hide: tuple[str, ...]) -> _Ran:
    uid = walls.layers().uid
    walls.give(cwd, uid)
    box = BuildJail(limits, cwd, hide)
    seconds = limits.seconds
    # output to a file, not a pipe: a process the Makefile left in the background must
    # not keep the build waiting for an EOF
    with tempfile.TemporaryFile() as out:
        try:
            with box.spawning():
                proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                        stderr=subprocess.STDOUT, env=build_env(),
                                        preexec_fn=box.jail.in_child)
            try:
                code = proc.wait(seconds)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                return _Ran(124, _("{command}: did not finish within {s} s").format(
                    command=" ".join(argv), s=f"{seconds:g}"), tuple(box.lacked),
                    _("time limit (wall): still running after {s} s").format(s=f"{seconds:g}"))
        except OSError as exc:
            return _Ran(127, f"{argv[0]}: {exc.strerror}", tuple(box.lacked))
        finally:  # back to us: no later run of the program may change what is built
            box.close()  # nor may a daemon the Makefile started
            walls.give(cwd, os.getuid() if uid is not None else None)
        out.seek(0)
        text = out.read(1 << 20).decode("utf-8", "replace")
    memory = code != 0 and (box.oom_killed() or out_of_memory(text.encode()))
    return _Ran(code, text, tuple(box.lacked), _(
        "memory limit: the build needed more than {mib} MiB of memory").format(
            mib=limits.memory) if memory else "")


def build_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8"}


def _said(message: str, ran: _Ran) -> str:
    return f"{message} — {ran.limit}" if ran.limit else message


def build(d: Path, name: str, limits: BuildLimits = BUILD_DEFAULT,
          hide: tuple[str, ...] = ()) -> Built | BuildFailure:
    """Build program `name` inside directory `d` (a copy of the submission), within
    `limits`, with the directories `hide` covered."""
    if any((d / m).is_file() for m in ("Makefile", "makefile", "GNUmakefile")):
        probe = _run(["make", "-n", name], d, limits, hide)
        if probe.limit:
            return BuildFailure(name, _said(_("`make -n {name}` failed").format(name=name),
                                            probe), probe.log, probe.lacked)
        if probe.code == 0:
            ran = _run(["make", name], d, limits, hide)
            if ran.code != 0:
                return BuildFailure(name, _said(_("`make {name}` failed (exit {code})").format(
                    name=name, code=ran.code), ran), ran.log, ran.lacked)
            if not os.access(d / name, os.X_OK):
                return BuildFailure(name, _("`make {name}` succeeded but made no executable "
                                            "./{name}").format(name=name), ran.log, ran.lacked)
            return Built(name, "make", ran.log, ran.lacked)
    if (d / f"{name}.c").is_file():
        gcc = ["gcc", *GCC_FLAGS[:1], "-o", name, f"{name}.c", *GCC_FLAGS[1:]]
        ran = _run(gcc, d, limits, hide)
        if ran.code != 0:
            return BuildFailure(name, _said(_("{name}.c does not compile (gcc -Wall -o {name} "
                                              "{name}.c)").format(name=name), ran), ran.log,
                                ran.lacked)
        return Built(name, "gcc", ran.log, ran.lacked)
    if (d / f"{name}.py").is_file():
        source = (d / f"{name}.py").read_bytes()
        try:
            compile(source, f"{name}.py", "exec")
        except SyntaxError as exc:
            return BuildFailure(name, _("{name}.py has a syntax error").format(name=name),
                                f"{name}.py:{exc.lineno}: {exc.msg}\n{(exc.text or '').rstrip()}")
        except ValueError as exc:  # e.g. NUL bytes in the source
            return BuildFailure(name, _("{name}.py cannot be read as Python").format(name=name),
                                str(exc))
        return Built(name, "python", "")
    exe = d / name
    if exe.is_file() and not exe.is_symlink() and os.access(exe, os.X_OK):
        return Built(name, "executable", "")
    return BuildFailure(
        name, _("your submission has no program {name}: add {name}.c (or {name}.py, or a "
                "Makefile with a target {name})").format(name=name))
