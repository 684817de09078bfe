"""Resource limits of a student program, and how a program's end is told to a student.

Rules this module keeps:
- Pure: a spec's `limits:` model, and functions from what was observed (exit code or
  signal, CPU used, memory used, what the harness itself did) to a verdict. No I/O.
- A limit hit is named as such (time limit CPU or wall, memory limit, output limit,
  process limit) with the limit's value, so the student knows what to fix; otherwise a
  crash names its signal and an exit its code.
- Limits are a backstop far above what a correct program needs: the defaults must never
  fail a correct program on a slow, shared machine.
"""

from __future__ import annotations

import re
import signal as _signal
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from harness.i18n import _


class Limits(BaseModel):
    """Per program; every value is a ceiling the harness enforces (rlimits, cgroup)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cpu: float = Field(20.0, gt=0, le=600, description="CPU seconds (RLIMIT_CPU).")
    memory: int = Field(1024, gt=0, le=8192, description="MiB of memory, shared mappings and "
                        "System V segments included (memory.max where a cgroup counts "
                        "memory, else RLIMIT_AS, which also allows each permitted "
                        "thread its 8 MiB stack; kernel.shmmax and shmall of its IPC "
                        "namespace).")
    output: int = Field(1 << 20, gt=0, le=64 << 20,
                        description="Bytes of terminal output kept; more ends the program.")
    file_size: int = Field(64, gt=0, le=4096, description="MiB: the largest file it may "
                           "write (RLIMIT_FSIZE).")
    open_files: int = Field(256, ge=16, le=65536, description="Open descriptors (RLIMIT_NOFILE).")
    processes: int = Field(128, ge=4, le=4096, description="Processes and threads at once "
                           "(pids.max, or RLIMIT_NPROC of its own uid).")


DEFAULT = Limits.model_validate({})


class BuildLimits(Limits):
    """A build's ceilings (make and gcc, every process it starts), with a wall clock."""

    cpu: float = Field(120.0, gt=0, le=600, description="CPU seconds of each process.")
    memory: int = Field(512, gt=0, le=8192, description="MiB of memory for the whole "
                        "build (memory.max, else RLIMIT_AS of each process).")
    processes: int = Field(64, ge=4, le=4096, description="Processes and threads at once.")
    seconds: float = Field(60.0, gt=0, le=600, description="Wall-clock seconds for each "
                           "build command (`make NAME`, `gcc ...`).")


BUILD_DEFAULT = BuildLimits.model_validate({})


class Disk(BaseModel):
    """Per spec: the disk a submission and its runs may take (MiB)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    submission: int = Field(50, gt=0, le=4096, description="MiB: a larger submission (its "
                            "apparent or allocated size) is refused with a message.")
    working: int = Field(256, gt=0, le=16384, description="MiB: the working directory of "
                         "a build or a run (a capped tmpfs where the grader can mount one), "
                         "the copy of the submission included; more fails with `disk limit`.")


DEFAULT_DISK = Disk.model_validate({})


@dataclass(frozen=True)
class Evidence:
    """What the harness saw of a program besides its exit status."""

    cpu_seconds: float = 0.0  # last CPU time sampled (user + system)
    data_mib: float = 0.0  # largest data size sampled
    killed_by_harness: bool = False  # the harness sent the SIGKILL (teardown, `stop`)
    output_cap: bool = False  # the harness ended it for printing too much
    oom_killed: bool = False  # the cgroup's memory.events counted an OOM kill
    ipc_mib: float = 0.0  # System V shared memory its IPC namespace held at the end
    stderr_tail: bytes = b""


_NO_MEMORY = re.compile(rb"MemoryError|Cannot allocate memory|bad_alloc|out of memory",
                        re.IGNORECASE)


def out_of_memory(text: bytes) -> bool:
    """Whether a program's own words say an allocation failed."""
    return _NO_MEMORY.search(text) is not None


def limit_hit(code: int | None, sig: int | None, limits: Limits, ev: Evidence) -> str:
    """The limit a program's end was due to ('' when none): 'cpu', 'memory', 'output',
    'file_size'. Judged from the end itself first (the kernel's own signals), then from
    the evidence."""
    if ev.output_cap:
        return "output"
    if ev.killed_by_harness and sig == _signal.SIGKILL:
        return ""  # the harness ended it (teardown, `stop`): no limit of its own
    if sig == _signal.SIGXCPU:
        return "cpu"
    if sig == _signal.SIGXFSZ:
        return "file_size"
    if ev.oom_killed and (sig is not None or code):
        return "memory"
    if sig == _signal.SIGKILL and not ev.killed_by_harness and ev.cpu_seconds >= limits.cpu - 0.5:
        return "cpu"  # SIGXCPU ignored: the hard limit's SIGKILL
    failed = sig is not None or bool(code)
    if failed and (max(ev.data_mib, ev.ipc_mib) >= 0.9 * limits.memory
                   or _NO_MEMORY.search(ev.stderr_tail)):
        return "memory"
    return ""


def describe_limit(kind: str, limits: Limits) -> str:
    """The student's sentence for a limit hit, with the limit's value."""
    if kind == "cpu":
        return _("time limit (CPU): used more than {s} s of CPU time; look for a loop that "
                 "never blocks or ends").format(s=f"{limits.cpu:g}")
    if kind == "memory":
        return _("memory limit: needed more than {mib} MiB of memory").format(mib=limits.memory)
    if kind == "output":
        return _("output limit: printed more than {kib} KiB; look for a loop that prints "
                 "without end").format(kib=limits.output // 1024)
    if kind == "file_size":
        return _("output limit: wrote a file larger than {mib} MiB").format(
            mib=limits.file_size)
    return kind


def wall_limit(seconds: float) -> str:
    return _("time limit (wall): still running after {s} s").format(s=f"{seconds:g}")


def signal_name(num: int) -> str:
    try:
        return _signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


def describe_end(code: int | None, sig: int | None, limit: str, limits: Limits) -> str:
    """'killed by SIGSEGV', 'exited with code 3', and the limit it hit, if one."""
    if sig is not None:
        end = _("killed by {signal}").format(signal=signal_name(sig))
    else:
        end = _("exited with code {code}").format(code=code)
    return f"{end} — {describe_limit(limit, limits)}" if limit else end
