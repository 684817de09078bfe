"""Find and build a submission's programs.

Rules this module keeps:
- Program NAME is, in this order: a Makefile target NAME; NAME.c (gcc); NAME.py
  (python3); an executable file NAME. The first that exists is used.
- Nothing is written into the student's directory: the submission is copied to a build
  directory first (`sandbox.files`: no link followed), and every behaviour runs in its
  own copy of that.
- The grader never reads or parses a student's file itself: the Python syntax check
  runs like a build, as the slot uid, with its own memory ceiling.
- A build that fails is a `BuildFailure` carrying the compiler's own message; it never
  raises, so the behaviours that need the program fail with that message.
- A Makefile is the student's code too: builds run as the slot's uid (owning the build
  directory), with no_new_privs and rlimits, never as root.
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
from harness.sandbox import files, procs, walls
from harness.sandbox.limits import DEFAULT, DEFAULT_DISK

BUILD_SECONDS = 60
PY_CHECK_MIB = 1024  # address space of the syntax check (python3 itself takes ~30)
GCC_FLAGS = ("-Wall", "-pthread")


@dataclass(frozen=True)
class Built:
    name: str
    how: str  # "make", "gcc", "python", "executable"
    log: str  # compiler output (warnings), may be empty

    def argv(self, workdir: Path) -> list[str]:
        if self.how == "python":
            return [python3(), str(workdir / f"{self.name}.py")]
        return [str(workdir / self.name)]


@dataclass(frozen=True)
class BuildFailure:
    name: str
    message: str
    log: str = ""


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


def _python_check(d: Path, name: str) -> Built | BuildFailure:
    code, log = _run([python3(), "-I", "-c", _PY_CHECK, f"{name}.py",
                       str(PY_CHECK_MIB << 20)], d)
    if code == 0:
        return Built(name, "python", "")
    if code == 3:
        return BuildFailure(name, _("{name}.py has a syntax error").format(name=name), log)
    return BuildFailure(name, _("{name}.py cannot be read as Python").format(name=name),
                        log.strip() or f"exit {code}")


def _run(argv: list[str], cwd: Path) -> tuple[int, str]:
    layers = walls.layers()
    walls.give(cwd, layers.uid)
    jail = walls.Jail(layers, DEFAULT, str(cwd), build=True)
    # output to a file, not a pipe: a process the Makefile left in the background must
    # not keep the build waiting for an EOF
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT, timeout=BUILD_SECONDS,
                                  env=build_env(), preexec_fn=jail.in_child)
        except subprocess.TimeoutExpired:
            return 124, _("{command}: did not finish within {s} s").format(
                command=" ".join(argv), s=BUILD_SECONDS)
        except OSError as exc:
            return 127, f"{argv[0]}: {exc.strerror}"
        finally:  # back to us: no later run of the program may change what is built
            procs.kill_uid(layers.uid)  # nor may a daemon the Makefile started
            walls.give(cwd, os.getuid() if layers.uid is not None else None)
        out.seek(0)
        text = out.read(1 << 20).decode("utf-8", "replace")
    return proc.returncode, text


def build_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8"}


def _has_make_target(d: Path, name: str) -> bool:
    if not any((d / m).is_file() for m in ("Makefile", "makefile", "GNUmakefile")):
        return False
    code, _ = _run(["make", "-n", name], d)
    return code == 0


def build(d: Path, name: str) -> Built | BuildFailure:
    """Build program `name` inside directory `d` (a copy of the submission)."""
    if _has_make_target(d, name):
        code, log = _run(["make", name], d)
        if code != 0:
            return BuildFailure(name, _("`make {name}` failed (exit {code})").format(
                name=name, code=code), log)
        if not os.access(d / name, os.X_OK):
            return BuildFailure(name, _("`make {name}` succeeded but made no executable "
                                        "./{name}").format(name=name), log)
        return Built(name, "make", log)
    if (d / f"{name}.c").is_file():
        code, log = _run(["gcc", *GCC_FLAGS[:1], "-o", name, f"{name}.c", *GCC_FLAGS[1:]], d)
        if code != 0:
            return BuildFailure(name, _("{name}.c does not compile (gcc -Wall -o {name} "
                                        "{name}.c)").format(name=name), log)
        return Built(name, "gcc", log)
    if (d / f"{name}.py").is_file():
        return _python_check(d, name)
    exe = d / name
    if exe.is_file() and not exe.is_symlink() and os.access(exe, os.X_OK):
        return Built(name, "executable", "")
    return BuildFailure(
        name, _("your submission has no program {name}: add {name}.c (or {name}.py, or a "
                "Makefile with a target {name})").format(name=name))
