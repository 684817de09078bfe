"""Determinism soak: grade every row of tests/matrix/ N times and count any verdict
that differs from the table.

    python tests/soak.py --runs 200 --jobs 16 --hog 2 --slow 2 --minutes 24 --out docs/soak.md

Not part of the test suite (it takes hours); its last result is recorded in docs/soak.md.

How it stays fast enough for hundreds of runs:
- Each program is built once, before the runs (the build is not what could flake;
  a build that fails shows as every behaviour of its row changing).
- The grading is the harness's own `run_behaviour`, the function each pytest item calls,
  in long-lived worker processes: no interpreter, pytest or scapy start per grading.
  (The command line around it is proven by tests/test_matrix.py, row by row.)
- The unit of work is one behaviour, not one spec, and most of a behaviour's time is the
  program's own waiting (textbook sleep()s), so many more workers than cores keep the
  machine busy. Each worker holds its own sandbox slot (uid), like an xdist worker.
- A verdict change is a behaviour whose status differs from the table in any run, or a
  mutant's intended behaviour whose failure message lacks a word the table says it must
  carry (as tests/test_matrix.py asserts); the first failed check is printed with it, so
  a flake can be told from a real bug. The words are checked at --slow 1 only: the
  matrix words them for that, and a slower factor rightly changes a message (it quotes
  the time-out it waited, and a longer wait sees more of a program's output).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matrixfile import load_matrix

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Row:
    assignment: str
    variant: str
    spec: str
    program: str
    fails: frozenset[str]
    intended: str = ""
    says: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.assignment}/{self.variant}"


def rows(only: set[str] | None = None) -> list[Row]:
    matrix: dict[str, Any] = load_matrix()
    return [Row(a, v, row["spec"], f"{row['programs']}/{v}",
                frozenset((e or {}).get("fails", [])), (e or {}).get("intended", ""),
                tuple((e or {}).get("says", [])))
            for a, row in matrix.items() for v, e in row["variants"].items()
            if only is None or a in only]


def hog(cores: int) -> list[subprocess.Popen[bytes]]:
    """CPU load beside the grading: busy loops, one per core asked for."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(cores)]


# ---- in the workers ----------------------------------------------------------------------

_specs: dict[str, Any] = {}


class _Overran(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Overran("the behaviour overran its whole time budget")


def _init_worker() -> None:
    from harness import i18n
    from harness.sandbox import procs

    i18n.use("en")
    procs.become_subreaper()
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool
    # the pool is stopped with SIGTERM: exit through run_behaviour's teardown, so a
    # stopped soak leaves no program or directory behind
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def _spec(path: str) -> Any:
    from harness.spec.model import load_spec

    if path not in _specs:
        _specs[path] = load_spec(ROOT / path)
    return _specs[path]


def _grade(task: tuple[int, str, str, str, str, float, str, float, str]) -> tuple[
        int, str, str, str, float, str]:
    """One behaviour of one program: (run, row, behaviour, status, seconds, words); a
    failed status carries its first failed check after a tab, and words are that check's
    diagnosis, actual and hint and the warnings, as the matrix test reads them. Past the
    deadline, or once the stop file exists: 'skipped'."""
    from harness.plugin import _budget
    from harness.run.runner import RunConfig, run_behaviour

    run, row, spec_path, build_dir, bid, slow, artifacts, deadline, stop = task
    if (deadline and time.time() > deadline) or os.path.exists(stop):
        return run, row, bid, "skipped", 0.0, ""
    spec = _spec(spec_path)
    behaviour = next(b for b in spec.behaviours if b.id == bid)
    t = time.monotonic()
    signal.alarm(int(60 + _budget(behaviour.steps, slow)))
    try:
        outcome = run_behaviour(spec, behaviour, RunConfig(
            build_dir=Path(build_dir), builds=_BUILDS[build_dir], artifacts=Path(artifacts),
            slow=slow, keep_pcap="never"))
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - a soak reports, it does not stop
        return run, row, bid, f"error\tthe soak itself: {exc!r}", time.monotonic() - t, ""
    finally:
        signal.alarm(0)
    status = outcome.status
    words = ""
    if status != "passed":
        bad = next((c for c in outcome.checks if not c.passed), None)
        why = (f"line {bad.line} {bad.step}: {bad.actual}" if bad is not None
               else (outcome.error.strip().splitlines() or ["?"])[-1])
        status += "\t" + " ".join(why.split())[:300]
        # the same fields as test_matrix reads: what was seen, the actual, the hint and
        # the compiler's warnings
        words = (f"{bad.diagnosis} {bad.actual} {bad.hint} {outcome.warnings}"
                 if bad is not None else "")
    return run, row, bid, status, time.monotonic() - t, words


_BUILDS: dict[str, Any] = {}


def _load_builds(builds: dict[str, Any]) -> None:
    _BUILDS.update(builds)
    _init_worker()


# ---- in the parent -----------------------------------------------------------------------


def build_all(programs: list[Row], into: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each row's programs built once: row name -> (build dir, builds)."""
    from harness.run.submission import build, copy_submission

    def one(row: Row) -> tuple[str, tuple[str, dict[str, Any]]]:
        where = into / row.name.replace("/", "--")  # removed with `into`
        copy_submission(ROOT / row.program, where)
        return row.name, (str(where), {n: build(where, n)
                                       for n in sorted(_spec(row.spec).programs)})

    into.mkdir(mode=0o700)  # copy_submission makes only the last level
    # one at a time: a build ends by killing whatever its slot's uid left running
    return dict(one(r) for r in programs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=16, help="worker processes (default 16)")
    ap.add_argument("--slow", type=float, default=1.0,
                    help="time-out factor, as `sockgrade check --slow`")
    ap.add_argument("--out", type=Path, help="write the result here (Markdown)")
    ap.add_argument("--only", help="comma-separated assignments (default: the whole matrix)")
    ap.add_argument("--hog", type=int, default=0, metavar="N",
                    help="keep N busy-loop processes running meanwhile (CPU load)")
    ap.add_argument("--minutes", type=float, default=0,
                    help="start no grading after this long; the result says how many runs "
                         "were completed")
    ap.add_argument("--note", default="", help="a paragraph added to --out")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    programs = rows(only)
    if not programs:
        ap.error(f"no matrix rows for --only {args.only}")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "status", "--porcelain", "harness", "specs", "tests"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    from harness.plugin import _budget

    with tempfile.TemporaryDirectory(prefix="sockgrade-soak-") as tmp:
        t_build = time.monotonic()
        built = build_all(programs, Path(tmp) / "builds")
        build_s = time.monotonic() - t_build
        by_name = {r.name: r for r in programs}
        # longest first within a run (by the spec's own time budget): a run's tail is
        # short behaviours
        per_run = sorted(((r.name, r.spec, b.id, _budget(b.steps, 1.0)) for r in programs
                          for b in _spec(r.spec).behaviours if b.visibility == "visible"),
                         key=lambda t: -t[3])
        deadline = time.time() + args.minutes * 60 if args.minutes else 0.0
        stop = Path(tmp) / "stop"
        tasks = [(i, name, spec, built[name][0], bid, args.slow, str(Path(tmp) / "art"),
                  deadline, str(stop)) for i in range(args.runs) for name, spec, bid, _ in per_run]

        def stopping(signum: int, frame: Any) -> None:
            """Ctrl-C: the behaviours under way finish (and tear down), no new ones start;
            a second Ctrl-C stops at once."""
            stop.touch()
            print("stopping: finishing the behaviours under way", file=sys.stderr, flush=True)
            signal.signal(signal.SIGINT, signal.default_int_handler)

        signal.signal(signal.SIGINT, stopping)
        hogs = hog(args.hog)
        changes: list[str] = []
        statuses: Counter[str] = Counter()
        slowest: dict[str, float] = {}
        graded: Counter[int] = Counter()
        loads: list[float] = []
        start = time.monotonic()
        try:
            with multiprocessing.get_context("spawn").Pool(
                    args.jobs, initializer=_load_builds,
                    initargs=({d: b for d, b in built.values()},)) as pool:
                for run, name, bid, status, secs, words in pool.imap_unordered(_grade,
                                                                               tasks):
                    got = status.split("\t")[0]
                    statuses[got] += 1
                    if got == "skipped":
                        continue
                    row = by_name[name]
                    want = "failed" if bid in row.fails else "passed"
                    key = f"{name}.{bid}"
                    slowest[key] = max(slowest.get(key, 0.0), secs)
                    if got != want:
                        why = status.split("\t", 1)[1] if "\t" in status else ""
                        changes.append(f"run {run + 1}: {key}: {got}, wanted {want}"
                                       + (f" ({why})" if why else ""))
                        print(changes[-1], flush=True)
                    elif bid == row.intended and args.slow == 1 and (
                            lost := [p for p in row.says if p not in words]):
                        changes.append(f"run {run + 1}: {key}: failed, but the message "
                                       f"lacks {lost}: {' '.join(words.split())[:300]}")
                        print(changes[-1], flush=True)
                    graded[run] += 1
                    if graded[run] == len(per_run):
                        loads.append(os.getloadavg()[0])
                        print(f"run {run + 1} done ({(time.monotonic() - start) / 60:.1f} min, "
                              f"load {loads[-1]:.1f}, {len(changes)} changes so far)",
                              flush=True)
                pool.close()  # all done: workers leave on their own, not by SIGTERM
                pool.join()
        finally:
            for h in hogs:
                h.kill()
                h.wait()
    minutes = (time.monotonic() - start) / 60
    complete = sum(1 for n in graded.values() if n == len(per_run))
    partial = sum(n for n in graded.values() if n != len(per_run))
    load = f", {args.hog} CPU hogs" if args.hog else ""
    summary = (f"{complete} of {args.runs} runs complete"
               + (f" (and {partial} gradings of unfinished runs)" if partial else "")
               + f", {len(programs)} programs ({len(per_run)} behaviours) a run: "
               f"{sum(graded.values())} gradings, {args.jobs} workers{load}, "
               f"--slow {args.slow:g}: {len(changes)} verdict changes "
               f"({minutes:.0f} min; builds {build_s:.0f} s)")
    print(summary)
    if args.out:
        top = sorted(slowest.items(), key=lambda kv: -kv[1])[:5]
        args.out.write_text("\n".join([
            "# Determinism soak", "",
            "Every program of `tests/matrix/` graded again and again; a verdict change is "
            "any behaviour whose status differs from the table, or (at --slow 1) an "
            "intended failure whose message lacks a word the table names.", "",
            "Command: `python tests/soak.py " + " ".join(sys.argv[1:]) + "`", "",
            f"Code: commit {commit}" + (" with uncommitted changes" if dirty else ""), "",
            f"Assignments: {len({r.assignment for r in programs})} "
            f"({'all of tests/matrix/' if only is None else ', '.join(sorted(only))})", "",
            f"Machine: {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}", "",
            f"Result: {summary}", "",
            "Statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())), "",
            (f"Load average (1 min) at the end of each run: {min(loads):.1f} to "
             f"{max(loads):.1f}" if loads else "Load average: no run completed"), "",
            "Slowest behaviours (s): " + ", ".join(f"{k} {v:.1f}" for k, v in top), "",
            *([args.note, ""] if args.note else []),
            *[f"- {c}" for c in changes],
        ]) + "\n")
    return 1 if changes or not complete else 0


if __name__ == "__main__":
    raise SystemExit(main())
