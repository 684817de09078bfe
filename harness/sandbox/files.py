"""The grader's own handling of student files: copy, place, measure and remove them.

Rules this module keeps:
- No student link is ever followed: a copy walks with directory descriptors (`openat`
  with O_NOFOLLOW), so a link swapped in mid-copy is an error, not a way out. A link is
  copied as a link when it resolves inside the tree, and refused (naming the file) when
  it leaves it. Fifos, sockets and devices are skipped and said so.
- Nothing of the walk recurses: a 3000-deep directory chain is a long loop, not a
  RecursionError in the grader. The depth, the number of entries and the size (apparent
  and allocated) are capped; over a cap the copy is refused with a message for the
  student (`Refused`), never a grader error.
- Sparse files stay sparse (SEEK_DATA/SEEK_HOLE); file modes lose set-id bits.
- A working directory lives on a tmpfs of its own, capped in size, where this process
  may mount one (`Workspace.mounted`); removing it is an unmount, which no tree a
  program left can resist. Elsewhere removal runs `rm -rf --one-file-system` in a child
  as the slot uid (never as root); what it cannot remove is returned as the student's
  problem, never raised.
- Files the grader writes (pcaps, results) are opened with O_NOFOLLOW|O_EXCL or written
  to a new temporary name and renamed: a link planted where they go is never followed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from harness.i18n import _

MIB = 1 << 20
MAX_DEPTH = 64
MAX_ENTRIES = 20_000
SKIP = (".git", "__pycache__")
_MNT_DETACH = 2
_MS_NOSUID, _MS_NODEV, _MS_PRIVATE = 2, 4, 1 << 18
_libc = ctypes.CDLL(None, use_errno=True)


class Refused(Exception):
    """The student's files cannot be copied as they are; the text says why, to them."""


def _opendir(name: str, dir_fd: int | None = None) -> int:
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                   dir_fd=dir_fd)


@dataclass
class _Budget:
    limit: int  # bytes, apparent and allocated alike
    apparent: int = 0
    allocated: int = 0
    entries: int = 0

    def take(self, rel: str, st: os.stat_result) -> None:
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise Refused(_("the submission has more than {n} files and folders").format(
                n=MAX_ENTRIES))
        if stat.S_ISREG(st.st_mode):
            self.apparent += st.st_size
            self.allocated += st.st_blocks * 512
        if max(self.apparent, self.allocated) > self.limit:
            raise Refused(_("the submission is larger than {mib} MiB (at {file}): remove "
                            "large or sparse files").format(mib=self.limit // MIB, file=rel))


def copy_tree(src: Path, dst: Path, limit_mib: int, skip: tuple[str, ...] = SKIP) -> list[str]:
    """Copy the tree `src` into the existing empty directory `dst`; return notes (files
    skipped). Raises Refused with a message for the student."""
    budget = _Budget(limit_mib * MIB)
    notes: list[str] = []
    real_root = os.path.realpath(src)
    top_src, top_dst = _opendir(str(src)), _opendir(str(dst))
    stack = [(top_src, top_dst, "", 0)]
    try:
        while stack:
            sfd, dfd, rel, depth = stack.pop()
            try:
                for name in sorted(os.listdir(sfd)):
                    child = _copy_entry(sfd, dfd, name, f"{rel}{name}", depth, budget,
                                        real_root, skip, notes)
                    if child is not None:
                        stack.append(child)
            except OSError as exc:
                raise Refused(_("could not copy {file}: {why}").format(
                    file=rel or ".", why=exc.strerror or exc)) from None
            finally:
                os.close(sfd)
                os.close(dfd)
    finally:
        for sfd, dfd, _rel, _depth in stack:
            os.close(sfd)
            os.close(dfd)
    return notes


def _copy_entry(sfd: int, dfd: int, name: str, rel: str, depth: int, budget: _Budget,
                real_root: str, skip: tuple[str, ...],
                notes: list[str]) -> tuple[int, int, str, int] | None:
    st = os.stat(name, dir_fd=sfd, follow_symlinks=False)
    if stat.S_ISDIR(st.st_mode):
        if name in skip:
            return None
        budget.take(rel, st)
        if depth + 1 > MAX_DEPTH:
            raise Refused(_("the submission's folders are nested more than {n} deep "
                            "(at {file})").format(n=MAX_DEPTH, file=rel))
        os.mkdir(name, 0o700, dir_fd=dfd)
        child_src = _opendir(name, sfd)
        try:
            child_dst = _opendir(name, dfd)
        except OSError:
            os.close(child_src)
            raise
        os.chmod(child_dst, stat.S_IMODE(st.st_mode) & 0o777 | 0o700)
        return child_src, child_dst, rel + "/", depth + 1
    budget.take(rel, st)
    if stat.S_ISLNK(st.st_mode):
        target = os.readlink(name, dir_fd=sfd)
        # resolved as the kernel would (lstat and readlink only: nothing is read)
        where = os.path.realpath(os.path.join(real_root, rel))
        if os.path.commonpath([real_root, where]) != real_root:
            raise Refused(_("{file} is a link to {target}, outside the submission: submit "
                            "the file itself").format(file=rel, target=target))
        os.symlink(target, name, dir_fd=dfd)
        return None
    if not stat.S_ISREG(st.st_mode):
        notes.append(_("{file} is not a regular file, folder or link (a fifo, socket or "
                       "device): not copied").format(file=rel))
        return None
    _copy_file(sfd, dfd, name, st)
    return None


def _copy_file(sfd: int, dfd: int, name: str, st: os.stat_result) -> None:
    # O_NONBLOCK: a fifo swapped in after the stat does not hang the grader
    src = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                  dir_fd=sfd)
    try:
        now = os.fstat(src)
        if not stat.S_ISREG(now.st_mode) or now.st_size > st.st_size:
            raise OSError(errno.EAGAIN, "changed while being copied")
        dst = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                      0o600, dir_fd=dfd)
        try:
            _copy_data(src, dst, now.st_size)
            os.fchmod(dst, stat.S_IMODE(now.st_mode) & 0o777)  # no set-id bits
            os.utime(dst, ns=(now.st_atime_ns, now.st_mtime_ns))  # make compares times
        finally:
            os.close(dst)
    finally:
        os.close(src)


def _copy_data(src: int, dst: int, size: int) -> None:
    """Only the data regions: holes stay holes."""
    pos = 0
    while pos < size:
        try:
            start = os.lseek(src, pos, os.SEEK_DATA)
        except OSError as exc:
            if exc.errno == errno.ENXIO:  # only a hole is left
                break
            raise
        end = os.lseek(src, start, os.SEEK_HOLE)
        os.lseek(src, start, os.SEEK_SET)
        os.lseek(dst, start, os.SEEK_SET)
        left = end - start
        while left > 0:
            chunk = os.read(src, min(left, MIB))
            if not chunk:
                break
            os.write(dst, chunk)
            left -= len(chunk)
        pos = end
    os.ftruncate(dst, size)


@dataclass
class Workspace:
    """A directory made for one use: on its own capped tmpfs when `mounted`."""

    path: Path
    size_mib: int
    mounted: bool

    def used(self, uid: int | None) -> int | None:
        """Bytes the tree takes on disk (None when it cannot be told)."""
        if self.mounted:
            v = os.statvfs(self.path)
            return (v.f_blocks - v.f_bfree) * v.f_frsize
        proc = run_as(uid, ["du", "-s", "-x", "-B1", "--", str(self.path)], 60)
        try:
            return int(proc.stdout.split()[0]) if proc.returncode == 0 else None
        except (IndexError, ValueError):
            return None

    def over(self, uid: int | None) -> bool:
        used = self.used(uid)
        return used is not None and used > self.size_mib * MIB

    def remove(self, uid: int | None) -> str:
        """Remove it all; '' or why not (what a program left: the student's problem)."""
        if self.mounted:
            if _libc.umount2(str(self.path).encode(), _MNT_DETACH) != 0:
                return os.strerror(ctypes.get_errno())
            self.mounted = False
            os.rmdir(self.path)
            return ""
        return remove_tree(self.path, uid)


def workspace(prefix: str, size_mib: int, mount: bool = True) -> Workspace:
    """A fresh directory (mkdtemp: root's, 0700, a new name) with a tmpfs of `size_mib`
    on it where this process may mount one (and `mount` asks for it)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() != 0 or not mount:
        return Workspace(path, size_mib, False)
    # a MiB over the cap: a program that filled it is seen to be over, not at it
    opts = f"size={size_mib + 1}m,mode=0700".encode()
    if _libc.mount(b"tmpfs", str(path).encode(), b"tmpfs",
                   ctypes.c_ulong(_MS_NOSUID | _MS_NODEV), opts) != 0:
        return Workspace(path, size_mib, False)
    # not propagated to other mount namespaces sharing /tmp's peer group
    _libc.mount(b"none", str(path).encode(), None, ctypes.c_ulong(_MS_PRIVATE), None)
    return Workspace(path, size_mib, True)


def run_as(uid: int | None, argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    def drop() -> None:
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)

    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, preexec_fn=drop, cwd="/",
                              env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError) as exc:
        return subprocess.CompletedProcess(argv, 1, "", str(exc))


def give_tree(path: Path, uid: int | None) -> str:
    """chown every entry to `uid`, links not followed: '' or why not. In a child (GNU
    chown walks by descriptors): a tree deeper than PATH_MAX or than Python's recursion
    limit is no harder than any other."""
    if uid is None:
        return ""
    proc = run_as(None, ["chown", "-R", "-P", "-h", f"{uid}:{uid}", "--", str(path)], 120)
    return "" if proc.returncode == 0 else (proc.stderr.strip() or "chown failed")[-300:]


def remove_tree(path: Path, uid: int | None) -> str:
    """Remove `path` as `uid` in a child (made its owner first): '' or why not."""
    if not os.path.lexists(path):
        return ""
    give_tree(path, uid)
    # a folder a program made unreadable (mode 000) is its own: it may open it again
    run_as(uid, ["chmod", "-R", "u+rwx", "--", str(path)], 120)
    proc = run_as(uid, ["rm", "-rf", "--one-file-system", "--", str(path)], 120)
    try:  # the top folder itself, in a parent the uid may not write to
        if os.path.lexists(path):
            os.rmdir(path)
    except OSError:
        return (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1][:300]
    return ""


_artifacts: Path | None = None


def default_artifacts() -> Path:
    """This process's own folder for pcaps: a new name (mkdtemp, 0700), never a fixed
    one in the shared /tmp where a build could have planted a link or a folder."""
    global _artifacts
    if _artifacts is None:
        _artifacts = Path(tempfile.mkdtemp(prefix="sockgrade-artifacts-"))
    return _artifacts


def create_new(directory: Path, name: str) -> tuple[Path, BinaryIO]:
    """A new file in `directory` (made if missing), opened without following a link
    and never replacing a file: `name`, or `name` with a random part when taken."""
    directory.mkdir(parents=True, exist_ok=True)
    stem, dot, ext = name.rpartition(".")
    for attempt in range(100):
        here = name if attempt == 0 else (
            f"{stem}.{os.urandom(4).hex()}{dot}{ext}" if dot else f"{name}.{os.urandom(4).hex()}")
        try:
            fd = os.open(directory / here, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            continue
        return directory / here, os.fdopen(fd, "wb")
    raise FileExistsError(errno.EEXIST, "no free name", str(directory / name))


def write_replacing(path: Path, data: bytes) -> None:
    """Whole or not at all, through a temporary file of a new name (mkstemp: O_EXCL)
    renamed over `path`: a link planted at `path` or beside it is replaced, never
    followed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def append_nofollow(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o644)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(text)
