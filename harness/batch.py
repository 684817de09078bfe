"""`sockgrade grade-batch` and `merge-gradebooks`: a whole class, a subprocess per student.

Rules this module keeps:
- Each student is graded by a `python -m harness check` subprocess of their own, so one
  student's crash or hang costs that student only, never the batch or another student.
- Every graded student gets results.json, report.txt and report.html, whatever happened.
  A student the grader could not finish (time limit, crash) is `error`, never `failed`.
- The time limit stops a grader as Ctrl-C would (pytest tears down the student's
  programs and writes its results), then kills whatever is left of its process tree.
- A gradebook score is the sum of the behaviour scores in that student's results.json;
  its max_score is the sum of their max_scores, a grader error's included (a grader
  error is never a gift: `platforms.common.total`). A behaviour the grader failed on
  reads `error` in its column, and the `regrade` column says `grader error: regrade`
  and which; a behaviour that was not graded is left blank, never 0.
- A student folder's name may be any bytes: its results folder has the same bytes, and
  every line and cell shows it escaped (`textutil.shown_name`). No cell of any CSV we
  write starts a spreadsheet formula (`textutil.csv_cell`, OWASP's advice).
- The gradebook's columns come from the specs, so every shard has the same columns and
  merging the shards gives exactly the gradebook of a single run.
- Shard K/N grades the students at sorted positions i with i % N == K-1.
- Exit codes: 0 every student was graded, whatever the scores; 3 the grader failed for
  some student (listed at the end, to regrade); 2 usage errors, before anyone is graded.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import psutil

from harness.platforms.common import REGRADE
from harness.platforms.github import no_legacy_commands
from harness.results import Destinations, write_all
from harness.sandbox import files
from harness.spec import model as speclib
from harness.textutil import csv_cell, safe, shown_name

EXIT_OK, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 3
FIXED = ["student", "status", "score", "max_score", "regrade"]
TIME_LIMIT = 15 * 60  # seconds per student, wall clock
# Students graded at once by default: grading is mostly waiting on programs, so more jobs
# than cores pays (measured on 2 cores, a class of 22: see bench/ and the README's
# Performance), each job costing a grader (about 150 MiB) and a program at its default
# memory ceiling (1024 MiB).
JOBS_PER_CPU = 4
MIB_PER_JOB = 1280


def default_jobs() -> int:
    """JOBS_PER_CPU jobs a core, fewer if the memory available cannot hold them."""
    cpus = os.cpu_count() or 1
    try:
        room = int(psutil.virtual_memory().available) // (MIB_PER_JOB << 20)
    except (OSError, RuntimeError):
        room = cpus
    return max(1, min(JOBS_PER_CPU * cpus, room))
GRACE = 15.0  # after Ctrl-C, how long a grader may take to tear down and write results


def shard_arg(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not K/N (e.g. 2/4: the second of 4)")
    k, n = int(m[1]), int(m[2])
    if n < 1 or not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"{text!r}: K must be from 1 to N")
    return k, n


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gb = sub.add_parser("grade-batch", help="grade every student directory of a class")
    gb.add_argument("submissions", help="a directory holding one subdirectory per student")
    gb.add_argument("specs", nargs="*", help="spec files or directories (default: specs/)")
    gb.add_argument("--out", metavar="DIR", default="grades",
                    help="where results and gradebook.csv go (default: grades)")
    gb.add_argument("-j", "--jobs", metavar="N", type=_count, default=None,
                    help=f"students graded at once (default: {JOBS_PER_CPU} per CPU, fewer "
                         "if memory is short)")
    gb.add_argument("--shard", metavar="K/N", type=shard_arg,
                    help="grade only the K-th of N shards of the class (K from 1)")
    gb.add_argument("--all", action="store_true", help="grade hidden behaviours too")
    gb.add_argument("--timeout", metavar="SECONDS", type=_count, default=TIME_LIMIT,
                    help=f"wall-clock limit per student (default {TIME_LIMIT:g})")
    mg = sub.add_parser("merge-gradebooks", help="merge the gradebooks of shards into one")
    mg.add_argument("out", help="the merged gradebook to write")
    mg.add_argument("inputs", nargs="+", help="gradebook.csv files of the shards")


@dataclass(frozen=True)
class Job:
    submissions: Path
    specs: list[Path]
    out: Path
    everything: bool
    time_limit: int
    points: dict[str, float] = field(default_factory=dict)  # column -> the spec's points
    running: set[subprocess.Popen[bytes]] = field(default_factory=set)


@dataclass(frozen=True)
class Graded:
    student: str  # the folder's name (any bytes, as os.fsdecode gives them)
    status: str  # passed | failed | error | ungradable
    scores: dict[str, float]  # column -> score, graded behaviours only
    max_score: float
    problem: str = ""  # why the grader did not finish
    errored: tuple[str, ...] = ()  # behaviours the grader failed on
    elsewhere: tuple[str, ...] = ()  # behaviours not gradable here (no score; in max_score)

    def row(self) -> dict[str, str]:
        regrade = ""
        if self.status == "error" or self.errored:
            regrade = f"{REGRADE}: " + (", ".join(self.errored) or self.problem)
        if self.elsewhere:  # its points stay in max_score, to be graded where they can be
            regrade += ("; " if regrade else "") + "not gradable here: " + ", ".join(
                self.elsewhere)
        return {"student": shown_name(self.student), "status": self.status,
                "score": _num(sum(self.scores.values())), "max_score": _num(self.max_score),
                "regrade": regrade, **{c: "error" for c in self.errored},
                **{c: "not gradable here" for c in self.elsewhere},
                **{c: _num(v) for c, v in self.scores.items()}}


def shown(student: str) -> str:
    """A student's name for a line of a log (which may be a GitHub runner's)."""
    return no_legacy_commands(safe(shown_name(student)))


def _num(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


def students(submissions: Path) -> list[str]:
    return sorted(p.name for p in submissions.iterdir()
                  if p.is_dir() and not p.name.startswith("."))


def shard_of(names: list[str], k: int, n: int) -> list[str]:
    return [name for i, name in enumerate(names) if i % n == k - 1]


def grade_one(job: Job, student: str) -> Graded:
    """Never raises: whatever goes wrong is this student's `error`, and the batch goes on."""
    started, where = time.monotonic(), job.out / student
    try:
        problem = _run_check(job, student, where)
    except Exception as exc:
        problem = f"the batch could not run the grader: {type(exc).__name__}: {exc}"
    try:
        return _collect(student, where, job.submissions / student, problem,
                        time.monotonic() - started, job.points)
    except Exception as exc:  # e.g. a full disk: the student still has a gradebook row
        return Graded(student, "error", {}, sum(job.points.values()),
                      f"{problem or 'no results'}; could not read or write the results: "
                      f"{type(exc).__name__}: {exc}")


def _run_check(job: Job, student: str, where: Path) -> str:
    where.mkdir(parents=True, exist_ok=True)
    for old in ("results.json", "report.html", "report.txt"):  # never read a stale file
        (where / old).unlink(missing_ok=True)
    shutil.rmtree(where / "pcaps", ignore_errors=True)
    argv = [sys.executable, "-m", "harness", "check", str(job.submissions / student),
            *map(str, job.specs), "--json", str(where / "results.json"),
            "--html", str(where / "report.html"), "--artifacts", str(where / "pcaps")]
    if job.everything:
        argv.append("--all")
    # one student's job summary and annotations would drown in a class's
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    # the class and its results: no student's build or program may read another's
    env["SOCKGRADE_HIDE"] = os.pathsep.join(str(p.resolve()) for p in (job.submissions, job.out))
    report = os.open(where / "report.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                     | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(report, "wb") as log:
        # a session of its own: Ctrl-C reaches the batch only, which passes it on once
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
        job.running.add(proc)
        try:
            code = proc.wait(job.time_limit)
            problem = "" if code in (0, 1) else f"the grader failed (exit code {code})"
        except subprocess.TimeoutExpired:
            _stop(proc)
            problem = (f"not finished within {job.time_limit:g} s, the time limit per "
                       "student: stopped")
        finally:
            job.running.discard(proc)
        if problem:
            log.write(f"\nsockgrade grade-batch: {problem}\n".encode())
    return problem


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C first, so pytest tears down and writes results; then SIGKILL the tree."""
    try:
        tree = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        tree = []
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(GRACE)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(psutil.Error):
            tree += psutil.Process(proc.pid).children(recursive=True)
        proc.kill()
    for p in tree:  # psutil refuses a pid that was reused meanwhile
        with contextlib.suppress(psutil.Error):
            p.kill()
    proc.wait()


def _collect(student: str, where: Path, submission: Path, problem: str,
             seconds: float, points: dict[str, float]) -> Graded:
    results, html = where / "results.json", where / "report.html"
    doc = _read_json(results)
    if doc is None:
        problem = problem or "the grader wrote no results"
        write_all(Destinations(json=results), [], submission, [problem], seconds)
        doc = _read_json(results) or {}
    elif problem:  # keep what was graded before it stopped, but say it did not finish
        doc["status"] = "error"
        doc["errors"] = [*doc.get("errors", []), problem]
        files.write_replacing(results, (json.dumps(doc, indent=2, ensure_ascii=False)
                                        + "\n").encode("utf-8"))
    if not html.exists():
        write_all(Destinations(html=html), [], submission, [problem] if problem else [],
                  seconds)
    scores: dict[str, float] = {}
    errored, elsewhere, most = [], [], dict(points)  # the specs' total, also when stopped
    for b in doc.get("behaviours", []):
        column = f"{b['assignment']}.{b['id']}"
        most[column] = float(b["max_score"])  # a grader error keeps its points
        if b["status"] == "error":
            errored.append(column)
            continue
        if b["status"] == "ungradable":  # its cell stays empty until graded elsewhere
            elsewhere.append(column)
            continue
        scores[column] = float(b["score"])
    status = "error" if problem else str(doc.get("status", "error"))
    if status == "error" and not problem:
        problem = "the grader failed (its errors are in results.json)"
    return Graded(student, status, scores, sum(most.values()), problem, tuple(errored),
                  tuple(elsewhere))


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and "behaviours" in doc else None


class Progress:
    """One rewritten line on a terminal; one line per finished student otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream, self.started = total, 0, stream, time.monotonic()
        if stream.isatty() and total:
            stream.write(f"[0/{total}] grading…")
            stream.flush()

    def finished(self, g: Graded) -> None:
        self.done += 1
        line = (f"[{self.done}/{self.total}] {shown(g.student)}: {g.status} {g.row()['score']}/"
                f"{g.row()['max_score']}  ({time.monotonic() - self.started:.0f} s)")
        if self.stream.isatty():
            line = "\r\x1b[K" + line[:shutil.get_terminal_size().columns - 1]
            line += "\n" if self.done == self.total else ""
        self.stream.write(line if self.stream.isatty() else line + "\n")
        self.stream.flush()


def write_gradebook(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    f = io.StringIO(newline="")
    writer = csv.DictWriter(f, fieldnames=[*FIXED, *columns], restval="")
    writer.writerow({c: csv_cell(c) for c in writer.fieldnames})
    writer.writerows({k: csv_cell(v) for k, v in r.items()}
                     for r in sorted(rows, key=lambda r: r["student"]))
    # whole or not at all, no link followed; a name of any bytes is shown escaped already
    files.write_replacing(path, f.getvalue().encode("utf-8", errors="backslashreplace"))


def _usage(message: str) -> int:
    print(f"sockgrade: {message}", file=sys.stderr)
    return EXIT_USAGE


def grade_batch(args: argparse.Namespace, specs: list[Path]) -> int:
    subs, out = Path(args.submissions), Path(args.out)
    if not subs.is_dir():
        return _usage(f"submissions {subs}: no such directory")
    if out.resolve() == subs.resolve() or subs.resolve() in out.resolve().parents:
        return _usage(f"--out {out} is inside {subs}: it would be graded as a student")
    columns: dict[str, float] = {}  # column -> points
    problems = [] if specs else ["no spec files given and none found under specs/"]
    for f in specs:
        try:
            s = speclib.load_spec(f)
        except speclib.SpecError as exc:
            problems.append(exc.render())
            continue
        columns.update({f"{s.assignment}.{b.id}": b.points for b in s.behaviours
                        if args.all or b.visibility == "visible"})
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_USAGE
    everyone = students(subs)
    if not everyone:
        return _usage(f"{subs}: no student directories in it")
    mine = shard_of(everyone, *args.shard) if args.shard else everyone
    job = Job(subs, specs, out, args.all, args.timeout, columns)
    progress, graded = Progress(len(mine), sys.stderr), []
    try:
        with ThreadPoolExecutor(max_workers=args.jobs or default_jobs()) as pool:
            futures = [pool.submit(grade_one, job, s) for s in mine]
            try:
                for fut in as_completed(futures):
                    graded.append(fut.result())
                    progress.finished(graded[-1])
            except BaseException:
                for fut in futures:
                    fut.cancel()
                for proc in job.running.copy():  # each grader tears down as on Ctrl-C
                    with contextlib.suppress(OSError):
                        proc.send_signal(signal.SIGINT)
                raise
    except KeyboardInterrupt:
        print(end="\n" if sys.stderr.isatty() else "", file=sys.stderr)  # end the bar
        return _usage("interrupted: no gradebook written")
    extra = sorted({c for g in graded for c in [*g.scores, *g.errored]} - set(columns))
    book = out / "gradebook.csv"
    write_gradebook(book, list(dict.fromkeys([*columns, *extra])), [g.row() for g in graded])
    counts = {s: sum(g.status == s for g in graded)
              for s in ("passed", "failed", "error", "ungradable")}
    where = f" (shard {args.shard[0]}/{args.shard[1]} of {len(everyone)})" if args.shard else ""
    print(f"graded {len(graded)} students{where}: " + ", ".join(
        f"{n} {s}" for s, n in counts.items()) + f"; gradebook: {book}")
    broken = sorted((g for g in graded if g.status == "error" or g.errored or g.elsewhere),
                    key=lambda g: g.student)
    for g in broken:
        why = g.problem or "; ".join(
            ([f"grader error on {', '.join(g.errored)}"] if g.errored else [])
            + ([f"not gradable here (grade where it can be): {', '.join(g.elsewhere)}"]
               if g.elsewhere else []))
        print(f"  regrade {shown(g.student)}: {no_legacy_commands(safe(why))} "
              f"(see {shown(str(out / g.student))}/report.txt)", file=sys.stderr)
    return EXIT_INTERNAL if broken else EXIT_OK


def merge_gradebooks(out: Path, inputs: list[Path]) -> int:
    columns: dict[str, None] = {}
    rows: dict[str, tuple[dict[str, str], Path]] = {}
    for path in inputs:
        try:
            with open(path, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                header = list(reader.fieldnames or [])
                body = [{k: v or "" for k, v in r.items() if k is not None} for r in reader]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            return _usage(f"{path}: {exc}")
        if header[:len(FIXED)] != FIXED:
            return _usage(f"{path}: not a gradebook (its header must start with "
                          f"{','.join(FIXED)})")
        columns.update(dict.fromkeys(header[len(FIXED):]))
        for row in body:
            name = row["student"]
            if name in rows:
                return _usage(f"student {shown(name)!r} is in both {rows[name][1]} and {path}")
            rows[name] = (row, path)
    write_gradebook(out, list(columns), [r for r, _ in rows.values()])
    print(f"wrote {out}: {len(rows)} students from {len(inputs)} gradebooks")
    return EXIT_OK
