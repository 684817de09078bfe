"""The LD_PRELOAD library that makes the host's loopback look private (portmap.c), and
which programs it can serve.

Rules this module keeps:
- The library is built from the source shipped beside this module, with the gcc the
  harness needs anyway, at first use, into a cache directory that is ours alone (owned
  by us, writable by nobody else): a path another user could write would let them put
  code into every student program. The file name carries a hash of the source, so an
  upgrade never loads a stale build; it is made under a temporary name and renamed.
- A program can be served only if the dynamic loader starts it with the library: an
  ELF of this machine's class with a PT_INTERP header, or a script whose interpreter is
  one. A static binary (no PT_INTERP) or a 32-bit one cannot be (`mappable` says why).
- The submission's file is read with O_NOFOLLOW and only if it is a regular file, for
  its header alone (a few KiB): never followed to something else, never shown to anyone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import struct
import subprocess
import tempfile
from pathlib import Path

SOURCE = Path(__file__).with_name("portmap.c")
_PT_INTERP = 3
_built: tuple[str | None, str] | None = None


class Unavailable(Exception):
    """The library cannot be built or loaded here."""


def cache_dir() -> Path:
    if os.geteuid() == 0:
        return Path("/var/cache/sockgrade")
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sockgrade"


def _own_dir(d: Path) -> Path:
    """`d`, made if need be, refused unless it is a directory of ours nobody else may
    write (its parents are the system's or the user's own)."""
    d.mkdir(mode=0o755, parents=True, exist_ok=True)
    st = os.stat(d, follow_symlinks=False)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
        raise Unavailable(f"{d} is not a directory only this user may write")
    return d


def library() -> Path:
    """The built library (built once per process at most; raises Unavailable)."""
    global _built
    if _built is None:
        try:
            _built = (str(_build()), "")
        except Unavailable as exc:
            _built = (None, str(exc))
    if _built[0] is None:
        raise Unavailable(_built[1])
    return Path(_built[0])


def _build() -> Path:
    source = SOURCE.read_bytes()
    d = _own_dir(cache_dir())
    target = d / f"portmap-{hashlib.sha256(source).hexdigest()[:16]}.so"
    if target.is_file() and not target.is_symlink():
        return target
    fd, tmp = tempfile.mkstemp(prefix=".portmap-", suffix=".so", dir=d)
    os.close(fd)
    try:
        proc = subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", tmp, str(SOURCE), "-ldl"],
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise Unavailable("gcc could not build portmap.c: " + proc.stderr[-500:])
        os.chmod(tmp, 0o755)  # the programs' own uid loads it
        os.replace(tmp, target)
    except (OSError, subprocess.SubprocessError) as exc:
        raise Unavailable(f"could not build portmap.c: {exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return target


def _head(path: Path, size: int = 4096) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return os.read(fd, size)
    finally:
        os.close(fd)


def _native_class() -> int:
    return 2 if struct.calcsize("P") == 8 else 1


def mappable(path: Path, system: bool = False, depth: int = 0) -> str:
    """'' if the dynamic loader starts `path` (so LD_PRELOAD reaches it), else why not.
    `system`: a file of the machine's (an interpreter), whose links are followed."""
    if system:
        path = Path(os.path.realpath(path))
    try:
        head = _head(path)
    except OSError as exc:
        return f"{path.name}: {exc.strerror}"
    if head.startswith(b"#!") and depth == 0:
        interp = head[2:].split(b"\n", 1)[0].strip().split(b" ")[0].decode(errors="replace")
        return mappable(Path(interp), True, 1) if interp.startswith("/") else ""
    if head[:4] != b"\x7fELF" or len(head) < 64:
        return f"{path.name}: not an ELF program"
    if head[4] != _native_class():
        return f"{path.name}: a {32 if head[4] == 1 else 64}-bit program"
    endian = "<" if head[5] == 1 else ">"
    phoff, = struct.unpack_from(endian + ("Q" if head[4] == 2 else "I"),
                                head, 32 if head[4] == 2 else 28)
    phentsize, phnum = struct.unpack_from(endian + "HH", head, 54 if head[4] == 2 else 42)
    for i in range(phnum):
        at = phoff + i * phentsize
        if at + 4 > len(head):
            break
        if struct.unpack_from(endian + "I", head, at)[0] == _PT_INTERP:
            return ""
    return f"{path.name}: a statically linked program"


def environment(ports: dict[int, int], hosts: str | None) -> dict[str, str]:
    """What a program's environment needs for the library to map `ports` (spec's ->
    behaviour's) and answer from the `hosts` table (raises Unavailable)."""
    env = {"LD_PRELOAD": str(library())}
    if ports:
        env["SOCKGRADE_PORTMAP"] = ",".join(f"{a}:{b}" for a, b in ports.items())
    if hosts is not None:
        env["SOCKGRADE_HOSTS"] = hosts
    return env
