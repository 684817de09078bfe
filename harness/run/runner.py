"""Run one behaviour: sandbox, programs, peers, capture; steps in order; then tear down.

Rules this module keeps:
- Each behaviour gets a fresh network namespace (or, where none can be made, host
  loopback with a free port, said in the outcome), its own working directory (a copy of
  the built submission) and its own capture.
- Steps run in order; the first failed check ends the behaviour (later steps would only
  fail for the same reason). Verdicts come from `judge`; this module only acts, waits
  and records.
- Every wait is bounded by the step's own time (scaled by `slow`); nothing waits on a
  fixed sleep for a program.
- Teardown always runs and leaves nothing: every process of the run killed (the whole
  cgroup where there is one) and reaped, sockets closed, namespace left, cgroup and
  working directory removed. A harness bug is an `error` outcome, never the student's
  failure.
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
from dataclasses import dataclass, field
from pathlib import Path

from harness.i18n import _
from harness.run import sockstate
from harness.run.actions import Actions, BehaviourFailed
from harness.run.outcome import Outcome
from harness.run.submission import BuildFailure, Built
from harness.sandbox import cgroup, netns, procs, walls
from harness.sandbox.limits import DEFAULT
from harness.spec.model import Behaviour, Spec
from harness.transcript import Check, Transcript

KEEP = 256  # bytes of each event and packet kept in the outcome (reports show less)


@dataclass(frozen=True)
class RunConfig:
    build_dir: Path
    builds: dict[str, Built | BuildFailure]
    artifacts: Path
    slow: float = 1.0
    quiescence: bool = True  # end waits early once the programs provably cannot answer
    isolation: str = "auto"  # auto | netns | host
    keep_pcap: str = "failed"  # failed | always | never
    extra_notes: tuple[str, ...] = field(default=())
    hide: tuple[Path, ...] = field(default=())  # results, submission: kept from programs


def _host_port(wanted: int) -> int:
    """On the host's loopback: the spec's port when no socket at all uses it (so a
    program that hard-codes it still works in a one-at-a-time container), else a free
    one. Any state counts: a TIME_WAIT left by the last behaviour would make a
    program without SO_REUSEADDR fail to bind."""
    if not sockstate.on_port(wanted) and not sockstate.udp_bound(wanted):
        return wanted
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_behaviour(spec: Spec, behaviour: Behaviour, config: RunConfig) -> Outcome:
    transcript = Transcript()
    t0_wall = time.time()
    notes = list(config.extra_notes)
    workdir = Path(tempfile.mkdtemp(prefix=f"sockgrade-{behaviour.id}-"))
    private = Path(tempfile.mkdtemp(prefix="sockgrade-private-"))
    ns: netns.NetNamespace | None = None
    capture = None
    actions: Actions | None = None
    error = ""
    isolation = "none"
    cg: cgroup.RunCgroup | None = None
    walls_said = ""
    walls_uid = walls.layers().uid
    try:
        shutil.copytree(config.build_dir, workdir, symlinks=True, dirs_exist_ok=True)
        port = spec.port
        if config.isolation != "host":
            try:
                ns = netns.NetNamespace()
                isolation = "network namespace"
            except (netns.IsolationUnavailable, OSError) as exc:
                if config.isolation == "netns":
                    raise
                port = _host_port(spec.port)
                isolation = "host loopback"
                notes.append(_("no private network namespace ({why}): ran on the host's "
                               "loopback with port {port}").format(why=exc, port=port)
                             + ("" if port == spec.port else _(
                                 "; a program that ignores its port argument cannot pass "
                                 "here")))
        else:
            port = _host_port(spec.port)
            isolation = "host loopback"
        capture = _start_capture(t0_wall, ns is not None, notes)
        run_walls, cg, walls_said = _walls(spec, config, workdir)
        actions = Actions(spec, config.builds, workdir, private, port, transcript, capture,
                          config.slow, run_walls, config.quiescence)
        walls.give(workdir, run_walls.layers.uid)  # after the spec's files are written
        with contextlib.suppress(BehaviourFailed):  # the failed check is recorded
            actions.run(behaviour.steps)
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
        leftovers += [p for p in procs.kill_uid(walls_uid) if p not in leftovers]
        procs.reap_strays(walls_uid)
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
        if ns is not None:
            ns.leave()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)

    checks: list[Check] = actions.checks if actions is not None else []
    if behaviour.hint:
        checks = [c if c.passed or c.hint else dataclasses.replace(c, hint=behaviour.hint)
                  for c in checks]
    failed = any(not c.passed for c in checks)
    status = "error" if error else "failed" if failed else "passed"
    if status == "error":
        score = 0.0
    elif behaviour.partial():  # each passed check earns its step's points
        score = min(behaviour.points, sum(c.points for c in checks if c.passed))
    else:
        score = behaviour.points if status == "passed" else 0.0
    pcap = None
    if capture is not None and (config.keep_pcap == "always"
                                or (config.keep_pcap == "failed" and status != "passed")):
        path = config.artifacts / f"{spec.assignment}.{behaviour.id}.{id(transcript):x}.pcap"
        capture.save(path)
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
    )


def _start_capture(t0_wall: float, isolated: bool, notes: list[str]):  # type: ignore[no-untyped-def]
    if not isolated:
        notes.append(_("packet capture: off (only inside a private namespace)"))
        return None
    try:
        from harness.run.capture import Capture

        return Capture(t0_wall)
    except Exception as exc:  # noqa: BLE001 - capture is optional; say why it is off
        notes.append(_("packet capture: unavailable ({why}); packet checks were skipped").format(
            why=exc))
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
        said.append("child subreaper (no cgroup: " + str(exc) + ")")
    root = Path(__file__).resolve().parents[2]  # harness/run/runner.py -> the checkout
    hide = walls.hideable([root, spec.path.resolve().parent, *config.hide],
                          keep=[workdir, Path(walls.python3())])
    said += [f"skipped: {s}" for s in layers.skipped]
    run_walls = walls.RunWalls(layers, cg.procs_files() if cg else (), hide,
                               cg.oom_kills if cg else (lambda: 0),
                               pids_cgroup=cg is not None and cg.counts_pids())
    return run_walls, cg, ", ".join(said)


def _teardown(actions: Actions | None, ns: netns.NetNamespace | None,
              cg: cgroup.RunCgroup | None) -> list[int]:
    """Kill and reap everything the run started; return pids that survived (none)."""
    started = actions.program_pids() if actions is not None else []
    # found before anything dies: a dead parent no longer lists its children. A cgroup
    # holds every descendant (a program cannot leave it), and reading it is cheaper than
    # psutil's walk of every process on the machine.
    others = cg.pids() if cg is not None else procs.descendants(started)
    others |= set(ns.pids() if ns is not None else [])
    others -= set(started)
    if actions is not None:
        actions.close_peers()
        actions.kill_programs()
    if cg is not None:
        cg.kill()  # the whole tree at once: a fork bomb cannot outrun it
    left = procs.kill_and_reap(others)
    if actions is not None:
        actions.reap_programs()
    if ns is not None:
        left += [p for p in procs.kill_and_reap(ns.pids(), 2.0) if p not in left]
    return left


__all__ = ["RunConfig", "run_behaviour", "sockstate"]
