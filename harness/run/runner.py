"""Run one behaviour: sandbox, programs, peers, capture; steps in order; then tear down.

Rules this module keeps:
- Each behaviour gets a fresh network namespace (or, where none can be made, the host's
  loopback with a port of its own: `loopback`, said in the outcome), its own working
  directory (a copy of the built submission) and its own capture.
- A check this environment cannot make is never a pass: unless the spec marks it
  optional, the behaviour is `ungradable` (`verdict_of`), with what is missing.
- Steps run in order; the first failed check ends the behaviour (later steps would only
  fail for the same reason). Verdicts come from `judge`; this module only acts, waits
  and records.
- Every wait is bounded by the step's own time (scaled by `slow`); nothing waits on a
  fixed sleep for a program.
- Teardown always runs and leaves nothing: every process of the run killed (the whole
  cgroup where there is one) and reaped, sockets closed, namespace left, cgroup and
  working directory removed (`sandbox.files`: an unmount of its tmpfs, or removal as
  the slot uid). A harness bug is an `error` outcome, never the student's failure; a
  working directory that cannot be copied, filled beyond the spec's `disk`, or left
  unremovable is the student's failure of that behaviour, never an error.
- Evidence that cannot decide a check (a capture that missed packets) is never a pass
  nor the student's failure: the behaviour runs once more from scratch, and a second
  such run is an `error` that says why.
- Programs run inside `sandbox` walls; which ones ran is said in the outcome (`walls`),
  and a wall this machine cannot build is named there as skipped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.i18n import _
from harness.judge import buildlog
from harness.run import loopback, loops, sockstate
from harness.run.actions import Actions, BehaviourFailed
from harness.run.outcome import Outcome
from harness.run.submission import BuildFailure, Built
from harness.sandbox import cgroup, files, hostports, netns, reaper, sysvipc, userns, walls
from harness.sandbox.limits import DEFAULT
from harness.spec.model import Behaviour, Spec
from harness.transcript import Check, Transcript

KEEP = 256  # bytes of each event and packet kept in the outcome (reports show less)


@dataclass(frozen=True)
class RunConfig:
    build_dir: Path
    builds: dict[str, Built | BuildFailure]
    artifacts: Path | None  # None: a new folder of this process's (files.default_artifacts)
    slow: float = 1.0
    quiescence: bool = True  # end waits early once the programs provably cannot answer
    isolation: str = "auto"  # auto | netns | host
    keep_pcap: str = "failed"  # failed | always | never
    extra_notes: tuple[str, ...] = field(default=())
    hide: tuple[Path, ...] = field(default=())  # results, submission: kept from programs


def run_behaviour(spec: Spec, behaviour: Behaviour, config: RunConfig) -> Outcome:
    """Run the behaviour; one whose evidence could not be judged (its capture missed
    packets) runs once more from scratch, and if that cannot be judged either it is an
    `error` that says so: never a pass, never the student's failure."""
    first = _run_once(spec, behaviour, config)
    lost = first.unjudged_check()
    if lost is None:
        return first
    again = _run_once(spec, behaviour, config)
    notes = (*again.notes, _("the first run could not be judged ({why}): the behaviour "
                             "was run again").format(why=lost.unjudged))
    still = again.unjudged_check()
    if still is None or again.error != _unjudged_error(still):
        return dataclasses.replace(again, notes=notes)
    return dataclasses.replace(again, notes=notes, error=_(
        "\"{check}\" could not be judged in either of two runs: {why}; ask the staff to "
        "regrade").format(check=still.description, why=still.unjudged))


def _unjudged_error(c: Check) -> str:
    return _("\"{check}\" could not be judged: {why}").format(check=c.description,
                                                              why=c.unjudged)


def _run_once(spec: Spec, behaviour: Behaviour, config: RunConfig) -> Outcome:
    transcript = Transcript()
    t0_wall = time.time()
    notes = list(config.extra_notes)
    for built in config.builds.values():
        if built.lacked:
            notes.append(_("the build of {name} ran without: {walls}").format(
                name=built.name, walls="; ".join(built.lacked)))
    # no name of the behaviour: a program must not learn which one runs from its cwd
    space = files.workspace("sockgrade-run-", spec.disk.working)
    workdir = space.path
    problems: list[str] = []  # what the student's files made fail (not a grader error)
    private = Path(tempfile.mkdtemp(prefix="sockgrade-private-"))
    ns: netns.NetNamespace | None = None
    loop: loopback.Loopback | None = None
    not_here = ""
    capture = None
    actions: Actions | None = None
    error = ""
    isolation = "none"
    cg: cgroup.RunCgroup | None = None
    walls_said = ""
    walls_uid = walls.layers().uid
    try:
        notes += files.copy_tree(config.build_dir, workdir, spec.disk.working)
        port = spec.port
        if config.quiescence:
            # before the network namespace: a process started inside it would die with it
            loops.TRACER.warm()
        if config.isolation != "host":
            try:
                ns = netns.NetNamespace()
                isolation = ("network namespace" if userns.tier() == userns.ROOT
                             else "network namespace in the user's own user namespace")
            except (netns.IsolationUnavailable, OSError) as exc:
                if userns.why_not():
                    exc = netns.IsolationUnavailable(f"{exc}; no user namespace: "
                                                     f"{userns.why_not()}")
                if config.isolation == "netns":
                    raise
                notes.append(_("no private network namespace: {why}").format(why=exc))
        if ns is None:
            isolation = "host loopback"
            try:
                loop = loopback.open_loopback(
                    spec, config.builds, loopback.unmappable(config.builds, config.build_dir),
                    config.slow)
            except hostports.PortBusy as exc:
                not_here = _("the host's loopback has no port for this behaviour ({why}): "
                             "grade it where network namespaces can be made (as root on a "
                             "VM)").format(why=exc)
                raise _NotHere from None
            port = loop.port
            notes += loop.notes
            if loopback.lacking(spec):
                not_here = _("{what}: grade it where network namespaces can be made (as "
                             "root on a VM)").format(what=loopback.lacking(spec))
                raise _NotHere
        capture = _start_capture(t0_wall, notes, None if loop is None else (loop.port,))
        run_walls, cg, walls_said = _walls(spec, config, workdir)
        actions = Actions(spec, config.builds, workdir, private, port, transcript, capture,
                          config.slow, run_walls, loop, config.quiescence)
        actions.behaviour = behaviour
        walls.give(workdir, run_walls.layers.uid)  # after the spec's files are written
        with contextlib.suppress(BehaviourFailed):  # the failed check is recorded
            actions.run(behaviour.steps)
    except files.Refused as exc:  # what the build left cannot be copied: the student's
        problems.append(str(exc))
    except _NotHere:
        pass  # said in `not_here`
    except Exception:  # noqa: BLE001 - a harness bug must become an 'error' outcome
        error = traceback.format_exc()
    finally:
        ended_at = transcript.now()
        leftovers = _teardown(actions, ns, cg)
        if cg is not None:
            if cg.pids_limited():
                notes.append(_("the programs hit the process limit ({limit}): a fork() "
                               "failed").format(limit=cg.describe()))
            notes += cg.close()
        leftovers += [p for p in reaper.kill_uid(walls_uid) if p not in leftovers]
        reaper.reap_strays(walls_uid)
        if not walls.layers().namespaces:  # no IPC namespace held it: the host's
            left = sysvipc.remove_left(walls_uid, set(actions.program_pids() if actions
                                                      else ()), t0_wall)
            if left:
                notes.append(_("the programs left System V IPC objects, removed by the "
                               "grader: {objects}").format(objects=", ".join(left)))
        # read before the private directory (stderr files) goes
        outputs = actions.outputs() if actions is not None else {}
        if leftovers:
            notes.append(_("processes that would not die: {pids}").format(pids=leftovers))
        frames = []
        if capture is not None:
            capture.sync(1.0)
            capture.stop()
            frames = capture.frames()
            if capture.dropped:
                notes.append(_("packet capture: {n} packets beyond the capture limit were "
                               "not recorded").format(n=capture.dropped))
            if capture.kernel_dropped:
                notes.append(_("packet capture: the kernel dropped {n} packets (the "
                               "capture's queue was full)").format(n=capture.kernel_dropped))
            if capture.truncated:
                notes.append(_("packet capture: {n} frames longer than {snap} bytes were "
                               "kept cut").format(n=capture.truncated, snap=capture.SNAPLEN))
        if ns is not None:
            ns.leave()
        if loop is not None:
            loop.release()
        problems += _clean(space, walls_uid, notes)
        shutil.rmtree(private, ignore_errors=True)  # the harness's own files only

    # a failed step's check got the behaviour's hint already, where it fits (context)
    checks: list[Check] = actions.checks if actions is not None else []
    checks = checks + [Check(behaviour.line, "files", _("the working directory"), False,
                             actual=p, hint=behaviour.hint) for p in problems]
    if not_here:
        checks = [*checks, Check(0, "start", behaviour.title, True, skipped=not_here)]
    lost = next((c for c in checks if c.unjudged), None)
    if lost is not None and not error:  # the grader's shortfall, not the student's
        error = _unjudged_error(lost)
    status, score = verdict_of(behaviour, checks, error)
    pcap = None
    if capture is not None and (config.keep_pcap == "always"
                                or (config.keep_pcap == "failed" and status != "passed")):
        path, out = files.create_new(config.artifacts or files.default_artifacts(),
                                     f"{spec.assignment}.{behaviour.id}.pcap")
        with out:
            capture.save(out)
        pcap = str(path)
    return Outcome(
        spec=str(spec.path), assignment=spec.assignment, behaviour=behaviour.id,
        title=behaviour.title, status=status,
        score=score, max_score=behaviour.points, visibility=behaviour.visibility,
        checks=tuple(checks), events=tuple(e.trimmed(KEEP) for e in transcript.snapshot()),
        frames=tuple(f.trimmed(KEEP) for f in frames),
        pcap=pcap, isolation=isolation, walls=walls_said,
        notes=tuple(notes), error=error,
        names=actions.port_names() if actions is not None else {},
        outputs=outputs, ended_at=ended_at,
        warnings="" if status == "passed" else buildlog.warnings(
            {n: b.log for n, b in config.builds.items() if isinstance(b, Built)}),
    )


def _clean(space: files.Workspace, uid: int | None, notes: list[str]) -> list[str]:
    """Measure, then remove the working directory; what fails is the student's."""
    out = []
    if not space.mounted:
        notes.append(_("the working directory is not on a size-capped tmpfs here (no "
                       "mount rights): its size was checked after the run"))
    if space.over(uid):
        out.append(_("disk limit: your programs filled the working directory beyond {mib} "
                     "MiB").format(mib=space.size_mib))
    why = space.remove(uid)
    if why:
        out.append(_("your program left a directory tree the grader could not remove "
                     "({why})").format(why=why))
    return out


def verdict_of(behaviour: Behaviour, checks: Sequence[Check], error: str) -> tuple[str, float]:
    """(status, score). A failed check fails the behaviour whatever else happened; a
    check this environment could not make (and the spec did not mark optional) leaves
    it `ungradable`: neither passed nor failed, to be graded where it can be."""
    if error:
        return "error", 0.0
    if any(not c.passed for c in checks):
        status = "failed"
    elif any(c.skipped and not c.optional for c in checks):
        status = "ungradable"
    else:
        status = "passed"
    if behaviour.partial():  # each check made and passed earns its step's points
        return status, min(behaviour.points, sum(c.points for c in checks
                                                 if c.passed and not c.skipped))
    return status, behaviour.points if status == "passed" else 0.0


class _NotHere(Exception):
    """This behaviour cannot be run in this environment (said in the outcome)."""


def _start_capture(  # type: ignore[no-untyped-def]
        t0_wall: float, notes: list[str], ports: tuple[int, ...] | None):
    """The behaviour's capture: all of `lo` in its own namespace; on the host's loopback
    (`ports` given) only packets to or from those ports, filtered in the kernel."""
    try:
        from harness.run.capture import Capture

        return Capture(t0_wall, ports=ports)
    except Exception as exc:  # noqa: BLE001 - capture is optional; say why it is off
        notes.append(_("packet capture: unavailable ({why})").format(why=exc))
        return None


def _walls(spec: Spec, config: RunConfig,
           workdir: Path) -> tuple[walls.RunWalls, cgroup.RunCgroup | None, str]:
    """The run's sandbox: layers, its cgroup, what to hide; and how to say them."""
    layers = walls.layers()
    limits = [p.limits for p in spec.programs.values()] or [DEFAULT]
    cg = None
    said = layers.names()
    try:
        # the largest program's ceiling: several programs at once are a server and its
        # clients, of which only the server forks
        cg = cgroup.RunCgroup(max(x.processes for x in limits) + 4 * (len(limits) - 1),
                              sum(x.memory for x in limits))
        said.append(cg.describe())
    except (cgroup.CgroupUnavailable, OSError) as exc:
        said.append(_("child subreaper (no cgroup: {why})").format(why=exc))
    # the harness itself: the whole checkout when run from one, else the package
    package = Path(__file__).resolve().parents[1]
    root = package.parent if (package.parent / "pyproject.toml").is_file() else package
    hide = walls.hideable([root, spec.path.resolve().parent, *config.hide],
                          keep=[workdir, Path(walls.python3())])
    said += [_("skipped: {what}").format(what=s) for s in layers.skipped]
    run_walls = walls.RunWalls(layers, cg.procs_files() if cg else (), hide,
                               cg.oom_kills if cg else (lambda: 0),
                               pids_cgroup=cg is not None and cg.counts_pids(),
                               memory_cgroup=cg is not None and cg.counts_memory())
    return run_walls, cg, ", ".join(said)


def _teardown(actions: Actions | None, ns: netns.NetNamespace | None,
              cg: cgroup.RunCgroup | None) -> list[int]:
    """Kill and reap everything the run started; return pids that survived (none)."""
    started = actions.program_pids() if actions is not None else []
    # found before anything dies: a dead parent no longer lists its children. A cgroup
    # holds every descendant (a program cannot leave it), and reading it is cheaper than
    # psutil's walk of every process on the machine.
    others = (cg.pids() if cg is not None
              else reaper.descendants(started) | reaper.in_sessions(started))
    others |= set(ns.pids() if ns is not None else [])
    others -= set(started)
    if actions is not None:
        actions.close_peers()
        actions.kill_programs()
    if cg is not None:
        cg.kill()  # the whole tree at once: a fork bomb cannot outrun it
    left = reaper.kill_and_reap(others)
    if actions is not None:
        actions.reap_programs()
    if ns is not None:
        left += [p for p in reaper.kill_and_reap(ns.pids(), 2.0) if p not in left]
    return left


__all__ = ["RunConfig", "run_behaviour", "sockstate"]
