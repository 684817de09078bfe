"""Grade real students' programs against the catalog (a script run by hand, not a test).

    python bench/corpus.py /work/.mirror/*/repo --out /tmp/corpus -j 3
    python bench/corpus.py /work/.mirror/*/repo --only echo_server,op_server
    python bench/corpus.py /work/.mirror/*/repo --files list.txt  # 'owner/name path' lines
    python bench/corpus.py --table /tmp/corpus          # rewrite the table from results

Each argument is a bare git directory (as the search tool's `fetch` leaves under
/work/.mirror/) or a plain directory. Every file whose name is a catalog program's
(`specs/*.yaml` `programs:`; `signal.c` is `signal_handler`; a chapter prefix such as
`04.` and a `_linux` suffix are dropped, `_win` files skipped) is copied, OUTSIDE this
repository, into a submission directory of its own under OUT/subs/, and graded there by
`python -m harness check --json` with the spec of its assignment. A C++ file gets a
one-line Makefile (`g++ -o NAME NAME.cpp`). Students' code never enters this repository:
docs/corpus.md keeps names, paths and counts only.

OUT/table.md gets one row per failing behaviour (repository, path, behaviour, status,
the failing check and the first line of what the student is told), and a summary;
OUT/results/*.json keep each graded file's results. A file already graded (its results
exist) is not graded again unless --force.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALIASES = {"signal": "signal_handler"}
PREFIX = re.compile(r"^\d+[._-]")
SUFFIX = re.compile(r"_linux$")
TIME_LIMIT = 600


@dataclass(frozen=True)
class Found:
    repo: str          # owner/name
    commit: str
    path: str          # inside the repository
    program: str       # catalog program name
    spec: Path


def catalog() -> dict[str, Path]:
    programs: dict[str, Path] = {}
    for spec in sorted((ROOT / "specs").glob("*.yaml")):
        data = yaml.safe_load(spec.read_text(encoding="utf-8"))
        for name in (data.get("programs") or {}):
            programs.setdefault(str(name), spec)
    return programs


def program_of(path: str, programs: dict[str, Path]) -> str | None:
    base = os.path.basename(path)
    stem, ext = os.path.splitext(base)
    if ext not in (".c", ".cpp", ".cc"):
        return None
    stem = SUFFIX.sub("", PREFIX.sub("", stem))
    stem = ALIASES.get(stem, stem)
    return stem if stem in programs else None


def repo_name(src: Path) -> str:
    part = src.parent.name if src.name == "repo" else src.name
    return part.replace("+", "/", 1)


def is_git(src: Path) -> bool:
    return (src / "HEAD").is_file() or (src / ".git").exists()


def listing(src: Path) -> tuple[str, list[str]]:
    if is_git(src):
        commit = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True).stdout.strip()
        out = subprocess.run(["git", "-C", str(src), "ls-tree", "-r", "-z", "--name-only",
                              "HEAD"], check=True, capture_output=True).stdout
        return commit, [p.decode("utf-8", "replace") for p in out.split(b"\0") if p]
    return "-", [str(p.relative_to(src)) for p in src.rglob("*") if p.is_file()]


def content(src: Path, path: str) -> bytes:
    if is_git(src):
        return subprocess.run(["git", "-C", str(src), "show", f"HEAD:{path}"], check=True,
                              capture_output=True).stdout
    return (src / path).read_bytes()


def slug(found: Found) -> str:
    text = f"{found.repo}__{found.path}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:180]


def prepare(src: Path, found: Found, subs: Path) -> Path:
    d = subs / slug(found)
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    ext = os.path.splitext(found.path)[1]
    (d / f"{found.program}{ext}").write_bytes(content(src, found.path))
    if ext != ".c":
        (d / "Makefile").write_text(
            f"{found.program}: {found.program}{ext}\n"
            f"\tg++ -O2 -o {found.program} {found.program}{ext} -lpthread\n")
    return d


def grade(found: Found, d: Path, results: Path, lang: str) -> dict[str, Any]:
    out = results / f"{slug(found)}.{lang}.json"
    cmd = [sys.executable, "-m", "harness", "check", str(d), str(found.spec),
           "--json", str(out), "--lang", lang]
    try:
        ran = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=TIME_LIMIT)
        tail = ran.stdout.decode("utf-8", "replace")[-2000:]
    except subprocess.TimeoutExpired:
        tail = "grader time limit"
    if not out.is_file():
        return {"status": "error", "behaviours": [], "error": tail}
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]


def failing(behaviour: dict[str, Any]) -> tuple[str, str, str]:
    """(the failing check, its first message line, the hint's first line)."""
    for check in behaviour.get("checks", []):
        if not check.get("passed") and not check.get("skipped") and not check.get("optional"):
            return (str(check.get("description", "")), first_line(str(check.get("actual", ""))),
                    first_line(str(check.get("hint", ""))))
    return ("", first_line(str(behaviour.get("error", ""))), "")


def cell(text: str, width: int = 220) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= width else text[:width] + "…"


def table(out: Path) -> None:
    rows: list[str] = []
    programs = behaviours = passed = failed = other = 0
    per_program: dict[str, list[int]] = {}
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    for entry in index:
        res = out / "results" / f"{entry['slug']}.en.json"
        if not res.is_file():
            continue
        data = json.loads(res.read_text(encoding="utf-8"))
        ko_file = out / "results" / f"{entry['slug']}.ko.json"
        ko = json.loads(ko_file.read_text(encoding="utf-8")) if ko_file.is_file() else {}
        ko_by_id = {b["id"]: b for b in ko.get("behaviours", [])}
        programs += 1
        counts = per_program.setdefault(entry["program"], [0, 0, 0])
        counts[0] += 1
        for b in data.get("behaviours", []):
            behaviours += 1
            if b["status"] == "passed":
                passed += 1
                continue
            if b["status"] == "failed":
                failed += 1
                counts[1] += 1
            else:
                other += 1
                counts[2] += 1
            step, actual, hint = failing(b)
            ko_actual = failing(ko_by_id[b["id"]])[1] if b["id"] in ko_by_id else ""
            rows.append(f"| {entry['repo']} | {cell(entry['path'], 80)} | {b['id']} | "
                        f"{b['status']} | {cell(step, 80)} | {cell(actual)} | "
                        f"{cell(hint, 160)} | {cell(ko_actual, 120)} |")
    head = [f"# Real-program table ({programs} files graded)", "",
            f"behaviours {behaviours}, passed {passed}, failed {failed}, other {other}", "",
            "| program | files | failed behaviours | error/ungradable |", "|---|---|---|---|"]
    head += [f"| {p} | {c[0]} | {c[1]} | {c[2]} |" for p, c in sorted(per_program.items())]
    head += ["", "| repo | path | behaviour | status | failing check | actual (first line) "
             "| hint (first line) | ko actual |", "|---|---|---|---|---|---|---|---|"]
    (out / "table.md").write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    print(f"{out / 'table.md'}: {programs} files, {behaviours} behaviours, {passed} passed, "
          f"{failed} failed, {other} other")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", nargs="*", type=Path, help="bare git dirs or directories")
    ap.add_argument("--out", type=Path, default=Path("/tmp/corpus"))
    ap.add_argument("-j", "--jobs", type=int, default=2, help="files graded at once (≤ 4)")
    ap.add_argument("--only", default="", help="comma-separated program names")
    ap.add_argument("--files", type=Path,
                    help="grade only these files: a text file of 'owner/name path' lines")
    ap.add_argument("--lang", default="en", help="languages to grade in (en,ko)")
    ap.add_argument("--failing-only", action="store_true",
                    help="grade only files whose English results have a failure (for ko)")
    ap.add_argument("--force", action="store_true", help="grade again what was graded")
    ap.add_argument("--table", action="store_true", help="only rewrite OUT/table.md")
    args = ap.parse_args(argv)
    out: Path = args.out.resolve()
    if ROOT in out.parents or out == ROOT:
        ap.error("--out must be outside this repository (students' code never enters it)")
    if args.table:
        table(out)
        return 0
    programs = catalog()
    only = {p for p in args.only.split(",") if p}
    chosen = None
    if args.files:
        lines = args.files.read_text(encoding="utf-8").splitlines()
        chosen = {tuple(x.split(" ", 1)) for x in lines if x.strip()}
    found: list[tuple[Path, Found]] = []
    for src in args.sources:
        commit, paths = listing(src)
        for path in sorted(paths):
            if "_win" in os.path.basename(path):
                continue
            prog = program_of(path, programs)
            if chosen is not None and (repo_name(src), path) not in chosen:
                continue
            if prog and (not only or prog in only):
                found.append((src, Found(repo_name(src), commit, path, prog, programs[prog])))
    (out / "results").mkdir(parents=True, exist_ok=True)
    index_file = out / "index.json"
    old = json.loads(index_file.read_text(encoding="utf-8")) if index_file.is_file() else []
    index = {e["slug"]: e for e in old}
    for _src, f in found:
        index[slug(f)] = {"slug": slug(f), "repo": f.repo, "commit": f.commit, "path": f.path,
                          "program": f.program, "spec": f.spec.name}
    index_file.write_text(json.dumps(sorted(index.values(), key=lambda e: e["slug"]),
                                     indent=1), encoding="utf-8")
    langs = [x for x in args.lang.split(",") if x]

    def one(item: tuple[Path, Found]) -> str:
        src, f = item
        if not args.force and all((out / "results" / f"{slug(f)}.{x}.json").is_file()
                                  for x in langs):
            return f"cached {f.repo} {f.path}"
        en = out / "results" / f"{slug(f)}.en.json"
        if args.failing_only and (not en.is_file() or json.loads(en.read_text(
                encoding="utf-8")).get("status") == "passed"):
            return f"skipped {f.repo} {f.path}"
        d = prepare(src, f, out / "subs")
        statuses = []
        for lang in langs:
            data = grade(f, d, out / "results", lang)
            statuses.append(f"{lang}:{data.get('score', '-')}/{data.get('max_score', '-')}")
        return f"{' '.join(statuses)}  {f.repo} {f.path}"

    print(f"{len(found)} files to grade", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, min(args.jobs, 4))) as pool:
        for line in pool.map(one, found):
            print(line, flush=True)
    table(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
