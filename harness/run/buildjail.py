"""The walls around one build command: the same as a program's, with the build's limits.

Rules this module keeps:
- `make` and `gcc` run the student's code (a Makefile runs anything), so a build gets
  every wall a run gets: the slot uid, a network namespace of its own with only `lo`,
  mount and IPC namespaces (private /tmp, /var/tmp, /dev/shm, a /proc of its own, the
  harness, specs, results and other students covered), a cgroup with the memory and
  process caps, a fresh session keyring, and the spec's `build: limits` (wall clock too).
- Each wall the machine cannot make is named in `lacked` (the outcome's notes show it);
  the build goes on with the others.
- The network namespace is entered only by the calling thread, only while the command
  is started (`spawning`): the child keeps it, the grader leaves at once.
- `close()` ends every process the build left (its cgroup's, its uid's) and removes
  the cgroup; it never raises. (Its keys: `keyring`, at the next start and at the end.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from harness.sandbox import cgroup, netns, reaper, sysvipc, walls
from harness.sandbox.limits import BuildLimits


class BuildJail:
    def __init__(self, limits: BuildLimits, cwd: Path, hide: tuple[str, ...]) -> None:
        self.layers = walls.layers()
        self.lacked = list(self.layers.skipped)
        self.cg: cgroup.RunCgroup | None = None
        try:
            self.cg = cgroup.RunCgroup(limits.processes, limits.memory)
        except (cgroup.CgroupUnavailable, OSError) as exc:
            self.lacked.append(f"a cgroup ({exc})")
        self._oom_before = self.cg.oom_kills() if self.cg is not None else 0
        self.jail = walls.Jail(
            self.layers, limits, str(cwd), self.cg.procs_files() if self.cg else (),
            hide if self.layers.namespaces else (),
            pids_cgroup=self.cg is not None and self.cg.counts_pids(),
            memory_cgroup=self.cg is not None and self.cg.counts_memory())

    @contextlib.contextmanager
    def spawning(self) -> Iterator[None]:
        """Inside: this thread is in a fresh network namespace (children stay there)."""
        ns = None
        try:
            ns = netns.NetNamespace()
        except (netns.IsolationUnavailable, OSError) as exc:
            if not any(x.startswith("a network namespace") for x in self.lacked):
                self.lacked.append(f"a network namespace of its own ({exc})")
        try:
            yield
        finally:
            if ns is not None:
                ns.leave()

    def oom_killed(self) -> bool:
        return self.cg is not None and self.cg.oom_kills() > self._oom_before

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.cg is not None:
                self.cg.close()
            reaper.kill_uid(self.layers.uid)  # what left the cgroup (there is none: all)
            reaper.reap_strays(self.layers.uid)
            if self.layers.uid is not None and not self.layers.namespaces:
                sysvipc.remove_left(self.layers.uid, set(), 0)  # a slot uid's: all its
