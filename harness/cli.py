"""`sockgrade`: a thin command line over pytest.main.

Exit codes (the contract): 0 every behaviour passed; 1 a behaviour failed; 2 usage or
spec errors (nothing graded); 3 the grader itself failed; 4 nothing failed, but some
behaviour could not be graded in this environment (grade it where it can be).
Specs are parsed here first, so a bad spec exits 2 with `file:line: message` lines only,
before any program is built or run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

from harness import batch, i18n
from harness.spec import model as speclib
from harness.textutil import shown_name

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_NOT_HERE = 0, 1, 2, 3, 4


def default_specs_dir() -> Path:
    """./specs if there is one, else the catalog shipped in the package (an install:
    harness/specs), else the specs/ beside the package (a source checkout)."""
    here = Path("specs")
    if here.is_dir():
        return here
    package = Path(__file__).resolve().parent
    for d in (package / "specs", package.parent / "specs"):
        if d.is_dir():
            return d
    return here  # the error then names ./specs


def _spec_path(given: str) -> Path:
    """A path as given, or a bare name of the catalog (`echo_server`) when no such file is
    here: what a student types after reading the assignment's name."""
    p = Path(given)
    if not p.exists() and "/" not in given and p.suffix not in (".yaml", ".yml"):
        named = default_specs_dir() / f"{given}.yaml"
        if named.is_file():
            return named
    return p


def spec_files(given: list[str]) -> list[Path]:
    paths = [_spec_path(p) for p in given] or [default_specs_dir()]
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        else:
            out.append(p)
    return out


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sockgrade", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="grade a submission directory against specs")
    check.add_argument("submission", help="directory holding the student's programs")
    check.add_argument("specs", nargs="*", help="spec files, directories or catalog names "
                       "such as echo_server (default: specs/)")
    check.add_argument("--json", metavar="FILE", help="write per-behaviour results as JSON")
    check.add_argument("--slow", metavar="FACTOR", help="multiply every time-out (default 1)")
    check.add_argument("--quiescence", choices=("on", "off"),
                       help="end a wait once the programs provably cannot answer (default on)")
    check.add_argument("--isolation", choices=("auto", "netns", "host"), default=None)
    check.add_argument("--artifacts", metavar="DIR", help="where to keep pcaps of failures")
    check.add_argument("-n", "--workers", metavar="N", help="run behaviours in N processes "
                       "(pytest-xdist)")
    check.add_argument("--only", metavar="ID[,ID...]",
                       help="grade only these behaviours (ids as `sockgrade catalog` lists)")
    check.add_argument("--all", action="store_true",
                       help="grade hidden behaviours too (autograders; default: visible only)")
    check.add_argument("--gradescope", metavar="FILE", help="write Gradescope's results.json")
    check.add_argument("--prairielearn", metavar="FILE",
                       help="write PrairieLearn's results.json")
    check.add_argument("--html", metavar="FILE",
                       help="write a self-contained HTML report with ladder diagrams")
    check.add_argument("--classroom", metavar="FILE",
                       help="write GitHub Classroom's grading-reporter payload")
    check.add_argument("--junit", metavar="FILE",
                       help="write JUnit XML (a test per behaviour) for CI systems")
    check.add_argument("--lang", choices=i18n.LANGS,
                       help="language of the report: en or ko (default: from the locale)")
    check.add_argument("-v", "--verbose", action="store_true")
    sub.add_parser("schema", help="print the JSON Schema of spec files")
    gz = sub.add_parser("gradescope-zip", help="build a Gradescope autograder zip for specs")
    gz.add_argument("out", help="the zip file to write")
    gz.add_argument("specs", nargs="+", help="spec files to grade (hidden behaviours included)")
    lst = sub.add_parser("list", help="print the catalog: assignment, spec, behaviours, points")
    lst.add_argument("specs", nargs="*", help="spec files, directories or catalog names "
                       "such as echo_server (default: specs/)")
    lst.add_argument("--lang", choices=i18n.LANGS, help="language of the titles")
    batch.add_parsers(sub)
    return ap


def check(args: argparse.Namespace) -> int:
    submission = Path(args.submission)
    if not submission.is_dir():
        print(f"sockgrade: submission {shown_name(submission)}: no such directory",
              file=sys.stderr)
        return EXIT_USAGE
    files = spec_files(args.specs)
    problems = []
    if not files:
        problems.append("no spec files given and none found under specs/")
    for f in files:
        try:
            speclib.load_spec(f)
        except speclib.SpecError as exc:
            problems.append(exc.render())
    if problems:
        print("\n".join(problems), file=sys.stderr)
        _write_error_results(args, submission, problems)
        return EXIT_USAGE
    # results always go to a JSON file: it tells a student's failure from a grader error
    results = Path(args.json) if args.json else Path(tempfile.mkstemp(suffix=".json")[1])
    try:
        code = _run_pytest(args, files, submission, results)
        if not results.exists():  # the run itself broke: still leave valid results
            _write_error_results(args, submission, [f"the grader stopped (exit {code})"])
            return EXIT_INTERNAL
        if code == EXIT_FAILED and _any_grader_error(results):
            return EXIT_INTERNAL  # staff: regrade
        if code == EXIT_FAILED and _only_not_here(results):
            return EXIT_NOT_HERE
        return code
    finally:
        if not args.json:
            results.unlink(missing_ok=True)


def _write_error_results(args: argparse.Namespace, submission: Path, errors: list[str]) -> None:
    from harness.results import Destinations, write_all

    def path(value: str | None) -> Path | None:
        return Path(value) if value else None

    write_all(Destinations(path(args.json), path(args.gradescope), path(args.prairielearn),
                           path(args.classroom), path(args.html), junit=path(args.junit)),
              [], submission, errors, 0.0)


def _any_grader_error(results: Path) -> bool:
    """A behaviour the grader failed on makes the whole result the staff's to regrade."""
    try:
        doc = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return any(b.get("status") == "error" for b in doc.get("behaviours", []))


def _only_not_here(results: Path) -> bool:
    """Nothing failed, but some behaviour could not be graded in this environment."""
    try:
        doc = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    statuses = {b["status"] for b in doc.get("behaviours", [])}
    return "ungradable" in statuses and not statuses & {"failed", "error"}


def _rootdir(files: list[Path]) -> str:
    """The current directory, or a directory above it that holds every spec too: pytest
    names a file outside its rootdir by no path at all, so two specs' behaviours of the
    same id would share one node id (and one result)."""
    here = Path.cwd()
    return os.path.commonpath([here, *(f.resolve().parent for f in files)])


def _run_pytest(args: argparse.Namespace, files: list[Path], submission: Path,
                results: Path) -> int:
    # nothing of pytest's own discovery, which starts from the specs' folders and climbs
    # to / (where a build may have written): no conftest.py (--noconftest), no ini file
    # (-c: an empty one), no package __init__.py (plugin.pytest_collect_directory)
    argv = [*map(str, files), f"--sockgrade-submission={submission}", "-p", "no:cacheprovider",
            "--noconftest", "-c", os.devnull, "--assert=plain",
            "-q" if not args.verbose else "-v", "--no-header", "-rN",
            "-o", "console_output_style=classic", f"--rootdir={_rootdir(files)}"]
    if args.all:
        argv.append("--sockgrade-all=yes")
    for flag, value in (("json", results), ("slow", args.slow),
                        ("gradescope", args.gradescope), ("prairielearn", args.prairielearn),
                        ("classroom", args.classroom), ("html", args.html), ("junit", args.junit),
                        ("isolation", args.isolation), ("artifacts", args.artifacts),
                        ("lang", args.lang), ("quiescence", args.quiescence),
                        ("only", args.only)):
        if value is not None:
            argv.append(f"--sockgrade-{flag}={value}")
    if args.workers:
        argv += ["-n", str(args.workers)]
    code = int(pytest.main(argv))
    if code == int(pytest.ExitCode.NO_TESTS_COLLECTED) and args.only:
        print(f"sockgrade: --only {args.only}: no such behaviour in the specs given "
              "(`sockgrade catalog` lists them)", file=sys.stderr)
    exits = {int(pytest.ExitCode.OK): EXIT_PASSED, int(pytest.ExitCode.TESTS_FAILED): EXIT_FAILED,
             int(pytest.ExitCode.INTERRUPTED): EXIT_USAGE,
             int(pytest.ExitCode.USAGE_ERROR): EXIT_USAGE,
             int(pytest.ExitCode.NO_TESTS_COLLECTED): EXIT_USAGE}
    return exits.get(code, EXIT_INTERNAL)


def catalog(given: list[str]) -> int:
    """One block per spec: assignment, file, then each behaviour with its points."""
    code = EXIT_PASSED
    for f in spec_files(given):
        try:
            s = speclib.load_spec(f)
        except speclib.SpecError as exc:
            print(exc.render(), file=sys.stderr)
            code = EXIT_USAGE
            continue
        total = sum(b.points for b in s.behaviours)
        n = len(s.behaviours)
        print(f"{s.assignment}  ({f}; {n} behaviour{'' if n == 1 else 's'}, {total:g} points)")
        print(f"  {s.title}")
        for b in s.behaviours:
            print(f"    {b.points:>4g}  {b.id:<28} {b.title}")
    return code


def _gradescope_zip(out: Path, given: list[str]) -> int:
    from harness.platforms.bundle import BundleError, gradescope_zip

    files = spec_files(given)
    for f in files:  # a bad spec never reaches Gradescope
        try:
            speclib.load_spec(f)
        except speclib.SpecError as exc:
            print(exc.render(), file=sys.stderr)
            return EXIT_USAGE
    try:
        names = gradescope_zip(out, files)
    except (BundleError, OSError) as exc:
        print(f"sockgrade: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {out}: {len(names)} files, specs: "
          + ", ".join(n for n in names if n.startswith("specs/") and n != "specs/schema.json"))
    return EXIT_PASSED


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # before pytest reads the options table: the same rule, flag then environment
    lang = getattr(args, "lang", None) or os.environ.get("SOCKGRADE_LANG") or i18n.from_locale()
    if lang not in i18n.LANGS:
        print(f"sockgrade: SOCKGRADE_LANG (environment): {lang!r}: must be one of "
              f"{', '.join(i18n.LANGS)}", file=sys.stderr)
        return EXIT_USAGE
    i18n.use(lang)
    if args.command == "list":
        return catalog(args.specs)
    if args.command == "gradescope-zip":
        return _gradescope_zip(Path(args.out), args.specs)
    if args.command == "grade-batch":
        return batch.grade_batch(args, spec_files(args.specs))
    if args.command == "merge-gradebooks":
        return batch.merge_gradebooks(Path(args.out), [Path(p) for p in args.inputs])
    if args.command == "schema":
        from harness.spec.schema import spec_schema

        print(json.dumps(spec_schema(), indent=2))
        return EXIT_PASSED
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    # the grading's pytest is configured here alone: options or plugins meant for some
    # other pytest run (a CI's own PYTEST_ADDOPTS=--junitxml=...) would change or break it
    for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        os.environ.pop(name, None)
    return check(args)
