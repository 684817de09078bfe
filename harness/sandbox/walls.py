"""The walls around a student program, set up in the child between fork and exec.

Rules this module keeps:
- Layers, each used only where the machine allows it and each named in `Layers.names()`
  so the report says which ran: rlimits (always), no_new_privs (always), a dedicated uid
  per parallel slot (root only), private IPC and mount namespaces with private /tmp,
  /var/tmp, /dev/shm and a /proc that shows only the program's own processes (root
  only), a fresh session keyring (where keyctl is allowed). The IPC namespace is one the
  harness made and holds (`ipc_ns`), so what a program leaves in it can be counted after
  it ends; it dies when the harness lets it go. Builds get the same walls as programs.
- In the mount namespace the host's file systems are read-only (mount_setattr, Linux
  5.12+): a program writes only its working copy and its private /tmp, /var/tmp, /dev/shm.
- Memory counts shared mappings and System V segments: the cgroup's memory.max where it
  counts memory (`memory_cgroup`), else RLIMIT_AS; RLIMIT_DATA always, so a plain
  malloc fails cleanly; and kernel.shmmax/shmall of the IPC namespace at the limit.
- The uid is BASE_UID + slot, where a slot is an flock'ed file held for the life of this
  process: two graders at once (xdist workers, batch jobs, nested test runs) never
  share a uid, so a per-uid process limit counts one run only. No passwd entry is
  needed; the gid is the same number and there are no supplementary groups.
- What the harness must keep from the program (its own files, the specs, the results)
  is covered by an empty read-only tmpfs in the program's mount namespace, on top of
  file modes the program's uid cannot write anyway.
- `in_child` runs after fork: only system calls, no locks, no imports, no threads.
"""

from __future__ import annotations

import ctypes
import dataclasses
import fcntl
import os
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.i18n import _
from harness.sandbox import files, keyring, sysvipc, userns
from harness.sandbox.limits import DEFAULT, Limits

BASE_UID = 3_000_000
SLOTS = 256
SLOT_DIR = Path("/run/sockgrade-slots")
ENV_KEYS = ("PATH", "HOME", "LANG", "TERM")
_STACK = 8 << 20  # RLIMIT_STACK of a program: the usual 8 MiB, also each thread's stack
PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm")  # a fresh tmpfs each, in the namespace

_CLONE_NEWNS = 0x00020000
_CLONE_NEWIPC = 0x08000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = (
    1, 2, 4, 4096, 16384, 1 << 18)
_PR_SET_NO_NEW_PRIVS = 38
_MS_REMOUNT = 32
_NR_MOUNT_SETATTR, _AT_FDCWD, _AT_RECURSIVE, _MOUNT_ATTR_RDONLY = 442, -100, 0x8000, 1


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


_READ_ONLY = _MountAttr(_MOUNT_ATTR_RDONLY, 0, 0, 0)  # made now: the child only passes it

_libc = ctypes.CDLL(None, use_errno=True)
_slot_fd: int | None = None
_slot: int | None = None


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(_libc.mount(src.encode(), target.encode(), fstype.encode() if fstype else None,
                       ctypes.c_ulong(flags), data.encode() if data else None),
           f"mount {target}")


def slot() -> int | None:
    """This process's slot (0..SLOTS-1), held until it exits; None when not root, or
    root of a user namespace without the slot uids mapped (an ordinary user's)."""
    global _slot_fd, _slot
    if _slot is not None or os.geteuid() != 0 or not userns.mapped(BASE_UID + SLOTS - 1):
        return _slot
    SLOT_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    for n in range(SLOTS):
        fd = os.open(SLOT_DIR / f"{n}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        _slot_fd, _slot = fd, n
        return n
    return None


def slot_uid() -> int | None:
    n = slot()
    return None if n is None else BASE_UID + n


def clean_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Only what a program needs: nothing of the harness's own environment."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "TERM": "dumb",
           # glibc reserves 64 MiB of address space per thread arena: under RLIMIT_AS a
           # program of many threads would run out of it without using the memory
           "MALLOC_ARENA_MAX": "2"}
    env.update(extra or {})
    return env


def give(path: Path, uid: int | None) -> None:
    """Make a working copy the program's own (every file, links not followed)."""
    files.give_tree(path, uid)  # in a child: no tree a build leaves can break the grader


@dataclass(frozen=True)
class Layers:
    """Which walls this machine allows (probed once per process)."""

    uid: int | None
    namespaces: bool  # IPC + mount (private /tmp, /dev/shm, /proc, hidden paths)
    skipped: tuple[str, ...] = ()
    keyring: bool = False  # a fresh session keyring per program
    proc: bool = True  # with the namespaces: a /proc of the program's own processes
    no_caps: bool = False  # root of a user namespace: programs exec with no capability
    last_cap: int = 63

    def names(self) -> list[str]:
        out = ["rlimits", "no_new_privs"]
        if self.uid is not None:
            out.append(f"uid {self.uid}")
        if self.no_caps:
            out.append(_("no capabilities (root of an ordinary user's user namespace)"))
        if self.namespaces:
            out.append(_("private IPC, /tmp, /var/tmp, /dev/shm and /proc") if self.proc
                       else _("private IPC, /tmp, /var/tmp and /dev/shm"))
        if self.keyring:
            out.append(_("session keyring"))
        return out


@dataclass(frozen=True)
class Jail:
    """Everything `in_child` does for one program start."""

    layers: Layers
    limits: Limits
    cwd: str
    join: tuple[str, ...] = ()  # cgroup.procs files to enter
    hide: tuple[str, ...] = ()  # directories covered by an empty tmpfs
    pids_cgroup: bool = False  # the cgroup counts processes (so it, not NPROC, says so)
    memory_cgroup: bool = False  # the cgroup's memory.max holds (else RLIMIT_AS)
    hosts: str = ""  # a file bind-mounted over /etc/hosts (the spec's name table)
    ipc_ns: str = ""  # an IPC namespace the harness holds (/proc/PID/fd/N): join, not make

    def in_child(self) -> None:
        for procs_file in self.join:
            with open(procs_file, "w") as f:
                f.write("0")
        self._rlimits()
        if self.layers.namespaces:
            self._namespaces()
        uid = self.layers.uid
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        if self.layers.keyring:  # as the uid: its keyrings, not root's
            keyring.fresh()
        if self.layers.no_caps:
            userns.drop_capabilities(self.layers.last_cap)
        _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")

    def _rlimits(self) -> None:
        lim = self.limits
        mib = 1 << 20
        pairs = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_NOFILE, lim.open_files),
                 (resource.RLIMIT_FSIZE, lim.file_size * mib),
                 (resource.RLIMIT_DATA, lim.memory * mib)]
        if not self.memory_cgroup:  # counts shared mappings too, which DATA does not
            # but also every thread's reserved stack: the textbook's 100 threads reserve
            # 800 MiB they never touch, so each thread the limit allows gets its stack
            threads = min(lim.processes, 128)
            pairs += [(resource.RLIMIT_STACK, _STACK),
                      (resource.RLIMIT_AS, lim.memory * mib + threads * _STACK)]
        for which, value in pairs:
            resource.setrlimit(which, (value, value))
        cpu = int(lim.cpu + 0.999)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if self.layers.uid is not None:  # counts the slot uid's processes: this run's
            nproc = lim.processes + (8 if self.pids_cgroup else 0)
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

    def _namespaces(self) -> None:
        if self.ipc_ns:  # made by the harness, which counts what is left in it later
            fd = os.open(self.ipc_ns, os.O_RDONLY)
            _check(_libc.setns(fd, _CLONE_NEWIPC), "setns(IPC)")
            os.close(fd)
        _check(_libc.unshare(_CLONE_NEWNS | (0 if self.ipc_ns else _CLONE_NEWIPC)),
               "unshare(IPC, mount)")
        for path, value in sysvipc.shm_sysctls(self.limits.memory):  # this namespace's
            fd = os.open(path, os.O_WRONLY)
            os.write(fd, value)
            os.close(fd)
        _mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)
        if self.hosts:  # first: the file may lie where /tmp or a hidden path will be
            _mount(self.hosts, "/etc/hosts", None, _MS_BIND, None)
        for d in self.hide:
            _mount("tmpfs", d, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV, "size=4k,mode=755")
        keep = os.open(self.cwd, os.O_PATH | os.O_DIRECTORY)
        # nothing of the host writable (a world-writable /run/lock, a course folder): only
        # the working copy and fresh /tmp, /var/tmp and /dev/shm. Linux < 5.12: skipped
        _libc.syscall(ctypes.c_long(_NR_MOUNT_SETATTR), ctypes.c_long(_AT_FDCWD), b"/",
                      ctypes.c_long(_AT_RECURSIVE), ctypes.byref(_READ_ONLY),
                      ctypes.c_long(ctypes.sizeof(_READ_ONLY)))
        for d in PRIVATE_DIRS:
            if os.path.isdir(d) and os.path.realpath(d) == d:  # a link to /tmp: done
                _mount("tmpfs", d, "tmpfs", _MS_NOSUID | _MS_NODEV,
                       ("size=16m" if d == "/dev/shm" else "size=64m") + ",mode=1777")
                if self.cwd.startswith(d + "/"):
                    os.makedirs(self.cwd, mode=0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{keep}", self.cwd, None, _MS_BIND, None)
        _mount("none", self.cwd, None, _MS_REMOUNT | _MS_BIND | _MS_NOSUID | _MS_NODEV, None)
        os.close(keep)
        # its own processes only: the harness's command line and others' stay unseen (a
        # user namespace's root may not mount the host pid namespace's proc)
        if self.layers.proc:
            _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV, "hidepid=2")
        os.chdir(self.cwd)  # as root, through the new mounts: its parents may be 0700


def hideable(paths: Sequence[Path], keep: Sequence[Path]) -> tuple[str, ...]:
    """Directories to cover: existing, not /, not in /tmp (private anyway), and never one
    holding something the program needs (its working copy, the interpreter)."""
    out: list[Path] = []
    keep_r = [Path(os.path.realpath(k)) for k in keep]
    for d in sorted({Path(os.path.realpath(p)) for p in paths}, key=lambda x: len(x.parts)):
        if not d.is_dir() or d == Path("/") or any(d.is_relative_to(p) for p in PRIVATE_DIRS):
            continue
        if any(k.is_relative_to(d) for k in keep_r) or any(d.is_relative_to(o) for o in out):
            continue  # needed by the program, or covered already
        out.append(d)
    return tuple(map(str, out))


_layers: Layers | None = None


def layers() -> Layers:
    """Probe once: start /bin/true inside every wall; drop those that fail."""
    global _layers
    if _layers is not None:
        return _layers
    skipped = []
    uid = slot_uid()
    in_userns = userns.in_user_namespace()
    if uid is None:
        skipped.append("a uid of its own (the user namespace maps one uid)" if in_userns
                       else "a uid of its own (needs root)")
    namespaces, proc, last = False, True, userns.last_capability()
    if os.geteuid() == 0:
        namespaces = _works(Jail(Layers(uid, True, no_caps=in_userns, last_cap=last),
                                 DEFAULT, "/"))
        if not namespaces and _works(Jail(Layers(uid, True, proc=False, no_caps=in_userns,
                                                 last_cap=last), DEFAULT, "/")):
            namespaces, proc = True, False
            skipped.append("a /proc showing only its own processes (no pid namespace of "
                           "its own)")
        if not namespaces:
            skipped.append("private IPC, /tmp, /dev/shm and /proc (no mount namespace)")
            if uid is not None and not _works(Jail(Layers(uid, False), DEFAULT, "/")):
                skipped.append("a uid of its own (setuid failed)")
                uid = None
    else:
        skipped.append("private IPC, /tmp, /dev/shm and /proc (needs root or a user "
                       "namespace)")
    keys = uid is not None and keyring.works()
    if uid is not None and not keys:
        skipped.append("a session keyring of its own (keyctl refused)")
    keyring.clear_user(uid)  # what a grader killed before its cleanup left
    _layers = Layers(uid, namespaces, tuple(skipped), keys, proc, in_userns, last)
    return _layers


def _works(jail: Jail) -> bool:
    """/bin/true behind the walls, in a working directory as a run has one (binding "/"
    onto itself is refused in a user namespace, a real working directory is not)."""
    true = shutil.which("true") or "/bin/true"
    cwd = tempfile.mkdtemp(prefix="sockgrade-probe-")
    try:
        return subprocess.run([true], preexec_fn=dataclasses.replace(jail, cwd=cwd).in_child,
                              timeout=10, stdin=subprocess.DEVNULL,
                              capture_output=True).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        os.rmdir(cwd)


def python3() -> str:
    """An interpreter the program's uid can run: the system's, not one under /root."""
    for cand in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.access(cand, os.X_OK):
            return cand
    return shutil.which("python3") or "python3"


@dataclass(frozen=True)
class RunWalls:
    """What one behaviour run's programs share: the layers, its cgroup, what to hide."""

    layers: Layers
    join: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    oom_kills: Callable[[], int] = lambda: 0
    pids_cgroup: bool = False
    memory_cgroup: bool = False

    def jail(self, limits: Limits, cwd: Path, hosts: Path | None = None,
             ipc_ns: int | None = None) -> Jail:
        return Jail(self.layers, limits, str(cwd), self.join, self.hide,
                    pids_cgroup=self.pids_cgroup, memory_cgroup=self.memory_cgroup,
                    hosts=str(hosts or ""),
                    ipc_ns="" if ipc_ns is None else f"/proc/{os.getpid()}/fd/{ipc_ns}")


NO_WALLS = RunWalls(Layers(None, False))
