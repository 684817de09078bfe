"""Find and build a submission's programs.

Rules this module keeps:
- Program NAME is, in this order: a Makefile target NAME; NAME.c (gcc); NAME.py
  (python3); an executable file NAME. The first that exists is used.
- Nothing is written into the student's directory: the submission is copied to a build
  directory first (`sandbox.files`: no link followed), and every behaviour runs in its
  own copy of that.
- The grader never reads or parses a student's file itself: the Python syntax check
  runs like a build, as the slot uid inside the build's walls, with its own memory
  ceiling.
- A build that fails is a `BuildFailure` carrying the compiler's own message; it never
  raises, so the behaviours that need the program fail with that message.
- A Makefile is the student's code too: builds run inside the walls of a run
  (`buildjail`) as the slot's uid, which owns the build directory only while it builds,
  with the spec's `build: limits`; a limit hit is named in the failure.
- Build directories are `src/` (0700) in a fresh workspace (mkdtemp, root's, 0711, a
  capped tmpfs where one can be mounted: `build_space`): no other uid can read a
  student's sources.
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
from harness.sandbox import files, walls
from harness.sandbox.limits import BUILD_DEFAULT, DEFAULT_DISK, BuildLimits, out_of_memory

PY_CHECK_MIB = 1024  # address space of the syntax check (python3 itself takes ~30)

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


def copy_submission(submission: Path, into: Path,
                    limit_mib: int = DEFAULT_DISK.submission) -> list[str]:
    """Copy without following links, without VCS metadata, fifos or devices; return
    notes. Raises files.Refused (a link leaving the submission, too large, too deep)."""
    into.mkdir(mode=0o700, exist_ok=True)
    return files.copy_tree(submission, into, limit_mib)


# Run as the slot uid, in a child: the source is the student's, and compiling it can
# take ~430 times its size in memory (or recurse without end), which the child's own
# RLIMIT_AS turns into an error of that child. -I: the student's files in the current
# directory do not shadow the modules this script imports.
_PY_CHECK = """
import os, resource, sys
limit = int(sys.argv[2])
hard = resource.getrlimit(resource.RLIMIT_AS)[1]  # the build's own may be lower already
if hard == resource.RLIM_INFINITY or hard > limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
name = sys.argv[1]
try:
    real = os.path.realpath(name)  # a link within the folder is fine, one out of it not
    if os.path.commonpath([real, os.getcwd()]) != os.getcwd():
        raise OSError(f"a link to a file outside the submission ({os.readlink(name)})")
    fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        source = f.read()
    compile(source, name, "exec")
except SyntaxError as exc:
    print(f"{name}:{exc.lineno}: {exc.msg}")
    print((exc.text or "").rstrip())
    sys.exit(3)
except (ValueError, OSError, MemoryError, RecursionError) as exc:
    print(f"{name}: {type(exc).__name__}: {exc}"[:2000])
    sys.exit(4)
"""


def _python_check(d: Path, name: str, limits: BuildLimits,
                  hide: tuple[str, ...]) -> Built | BuildFailure:
    ran = _run([python3(), "-I", "-c", _PY_CHECK, f"{name}.py", str(PY_CHECK_MIB << 20)],
               d, limits, hide)
    if ran.code == 0:
        return Built(name, "python", "", ran.lacked)
    if ran.code == 3:
        return BuildFailure(name, _("{name}.py has a syntax error").format(name=name), ran.log,
                            ran.lacked)
    return BuildFailure(name, _said(_("{name}.py cannot be read as Python").format(name=name),
                                    ran), ran.log.strip() or f"exit {ran.code}", ran.lacked)


def build_space(working_mib: int = DEFAULT_DISK.working) -> tuple[files.Workspace, Path]:
    """A build directory: `src/` (0700) in a fresh workspace (mkdtemp, root's, 0700, a
    capped tmpfs where one can be mounted), so no other uid reaches a student's sources;
    the slot uid owns `src/` only while it builds. Remove with `workspace.remove`."""
    space = files.workspace("sockgrade-build-", working_mib)
    # passable, not listable: the building uid reaches src/ by its path (the syntax
    # check opens the file by it) where no mount namespace lets it in as root first
    space.path.chmod(0o711)
    src = space.path / "src"
    src.mkdir(mode=0o700)
    return space, src


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
        return _python_check(d, name, limits, hide)
    exe = d / name
    if exe.is_file() and not exe.is_symlink() and os.access(exe, os.X_OK):
        return Built(name, "executable", "")
    return BuildFailure(
        name, _("your submission has no program {name}: add {name}.c (or {name}.py, or a "
                "Makefile with a target {name})").format(name=name))
