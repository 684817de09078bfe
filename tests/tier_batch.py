"""`python tier_batch.py JOBS.json`: many `sockgrade check` runs in one tier process.

Run inside the tier (under dockerlike.sh, or as the ordinary user), from the checkout.
JOBS.json is a list of {"submission", "spec", "select": [behaviour ids], "json", "log"}.
The harness is imported once; each job is a fork that runs the real command line
(`harness.cli.main`, i.e. `sockgrade check SUBMISSION SPEC --json FILE`) with only the
selected behaviours (`--only`), its output in its log. The
jobs run one after another: the tests around this one share two cores. Exit status 0
once every job has run; each job's own exit code is the last line of its log.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import cli  # noqa: E402


def _child(job: dict[str, object], artifacts: str) -> int:
    log = os.open(str(job["log"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    select = [str(x) for x in job["select"]]  # type: ignore[attr-defined]
    try:
        code = cli.main(["check", str(job["submission"]), str(job["spec"]),
                         "--json", str(job["json"]), "--artifacts", artifacts,
                         "--only", ",".join(select)])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    sys.stdout.flush()
    sys.stderr.flush()
    print(f"exit {code}", flush=True)
    return code


def main() -> int:
    jobs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    artifacts = str(Path(sys.argv[1]).parent / "artifacts")
    for job in jobs:
        pid = os.fork()
        if pid == 0:
            code = 70
            try:
                code = _child(job, artifacts)
            finally:
                os._exit(code)
        os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
