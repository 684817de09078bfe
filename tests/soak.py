"""Determinism soak: grade every row of tests/matrix/ N times and count any verdict
that differs from the table.

    python tests/soak.py --runs 20 --jobs 2 --out docs/soak.md

Not part of the test suite (20 runs of the matrix take most of an hour on 2 cores);
its last result is recorded in docs/soak.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from matrixfile import load_matrix

ROOT = Path(__file__).resolve().parent.parent


def rows(only: set[str] | None = None) -> list[tuple[str, str, str, str, set[str]]]:
    matrix: dict[str, Any] = load_matrix()
    return [(a, v, row["spec"], f"{row['programs']}/{v}", set((e or {}).get("fails", [])))
            for a, row in matrix.items() for v, e in row["variants"].items()
            if only is None or a in only]


def hog(cores: int) -> list[subprocess.Popen[bytes]]:
    """CPU load beside the grading: busy loops, one per core asked for."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(cores)]


def grade(spec: str, program: str, slow: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="sockgrade-soak-") as tmp:
        out = Path(tmp) / "r.json"
        subprocess.run([sys.executable, "-m", "harness", "check", program, spec, "--json",
                        str(out), "--slow", slow, "--artifacts", tmp],
                       cwd=ROOT, capture_output=True, timeout=600)
        doc = json.loads(out.read_text()) if out.exists() else {"behaviours": []}
    return {b["id"]: b["status"] for b in doc["behaviours"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--slow", default="1")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--only", help="comma-separated assignments (default: the whole matrix)")
    ap.add_argument("--hog", type=int, default=0, metavar="N",
                    help="keep N busy-loop processes running meanwhile (CPU load)")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    programs = rows(only)
    if not programs:
        ap.error(f"no matrix rows for --only {args.only}")
    hogs = hog(args.hog)
    todo = [(r, i) for i in range(args.runs) for r in programs]
    changes: list[str] = []
    start = time.monotonic()

    def one(item: tuple[tuple[str, str, str, str, set[str]], int]) -> None:
        (assignment, variant, spec, program, fails), run = item
        got = grade(spec, program, args.slow)
        want = {b: ("failed" if b in fails else "passed") for b in got}
        if not got or got != want:
            diff = {b: got.get(b) for b in set(got) | set(want) if got.get(b) != want.get(b)}
            changes.append(f"run {run + 1}: {assignment}/{variant}: {diff or 'no result'}")
            print(changes[-1], flush=True)

    try:
        with ThreadPoolExecutor(args.jobs) as pool:
            list(pool.map(one, todo))
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    minutes = (time.monotonic() - start) / 60
    load = f", {args.hog} CPU hogs" if args.hog else ""
    summary = (f"{args.runs} runs x {len(programs)} programs = {len(todo)} gradings, "
               f"{args.jobs} jobs{load}, --slow {args.slow}: {len(changes)} verdict changes "
               f"({minutes:.0f} min)")
    print(summary)
    if args.out:
        args.out.write_text("\n".join([
            "# Determinism soak", "",
            "Every program of `tests/matrix/` graded again and again; a verdict change is "
            "any behaviour whose status differs from the table.", "",
            "Command: `python tests/soak.py " + " ".join(sys.argv[1:]) + "`", "",
            f"Assignments: {', '.join(sorted({p[0] for p in programs}))}", "",
            f"Machine: {platform.platform()}, {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d')}", "",
            f"Result: {summary}", "",
            *[f"- {c}" for c in changes],
        ]) + "\n")
    return 1 if changes else 0


if __name__ == "__main__":
    raise SystemExit(main())
