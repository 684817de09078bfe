"""The reference matrix in every tier: root's verdict or "not gradable here", as the table says.

Every assignment of tests/matrix/ is graded in each tier other than root (root is the
matrix itself, tests/test_matrix.py): its correct program on every behaviour (the
correct variants taken in turn, tier by tier) and one mutant on the behaviours it must
fail — the mutant whose intended bug only the wire, the kernel or the sandbox shows,
where there is one. Each tier is one process per shard (tests/tier_batch.py: the harness
imported once, a fork per `sockgrade check`):

- userns: an ordinary user (useradd) with user namespaces, through runuser;
- nouserns: the same user where user namespaces are refused (tests/tier_user_wrap.py);
- docker, docker-nonet: ../shared/envs/dockerlike.sh, with and without a network.

Every verdict must be root's or `ungradable`, and `ungradable` exactly where docs/tiers.md
(tests/gen_tiers.py) says the tier cannot grade the behaviour — or, for a behaviour judged
from the harness's own socket (no capture), where the socket could not tell this time:
never a pass root fails, never a silent skip, never a table that lies.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from gen_tiers import DOC, needs, os_level, render, socket_can_judge, socket_judged
from matrixfile import load_matrix
from test_tier_docker import DOCKERLIKE, _dockerlike_works
from test_tier_user import USER, WRAP, _can_make_users, ensure_user

from harness.spec.model import Spec, load_spec
from harness.spec.observe_steps import PacketRule

MATRIX = load_matrix()
TIERS = ("userns", "nouserns", "docker", "docker-nonet")
SHARDS = 6  # items of a minute or two: -n 6 spreads them, no long tail
# rows graded in every tier besides the two per assignment: a server hard-coding its port
EXTRA = [("echo_server", "correct_c_9190", None)]


def _mutant(spec: Spec, row: dict[str, Any]) -> str | None:
    """The mutant whose intended failure is an OS-level check, else the first one."""
    muts = [(v, e) for v, e in row["variants"].items() if v.startswith("mut") and e]
    ranked = sorted(muts, key=lambda m: (not (m[1].get("intended")
                                              and os_level(spec, m[1]["intended"])),
                                         "intended" not in m[1]))
    return ranked[0][0] if ranked else None


@functools.cache
def _spec(path: str) -> Spec:
    return load_spec(ROOT / path)


def jobs(tier: str) -> list[tuple[str, str, list[str]]]:
    """(assignment, variant, behaviours to grade) for `tier`, every assignment."""
    out: list[tuple[str, str, list[str]]] = []
    turn = TIERS.index(tier)
    for assignment, row in sorted(MATRIX.items()):
        spec = _spec(row["spec"])
        correct = sorted(v for v in row["variants"] if v.startswith("correct"))
        visible = [b.id for b in spec.behaviours if b.visibility == "visible"]
        out.append((assignment, correct[turn % len(correct)], visible))
        mutant = _mutant(spec, row)
        if mutant is not None:  # news_sender, peek_send, sep_clnt, sep_serv have none
            out.append((assignment, mutant, [b for b in row["variants"][mutant]["fails"]
                                             if b in visible]))
    for assignment, variant, select in EXTRA:
        if not any(j[:2] == (assignment, variant) for j in out):
            spec = _spec(MATRIX[assignment]["spec"])
            out.append((assignment, variant, select or [b.id for b in spec.behaviours]))
    return out


def _shard(tier: str, k: int) -> list[tuple[str, str, list[str]]]:
    mine = sorted(MATRIX)[k::SHARDS]
    return [j for j in jobs(tier) if j[0] in mine]


def _skip_reason(tier: str) -> str:
    return (_dockerlike_works() if tier.startswith("docker") else _can_make_users()) or ""


def _run_tier(tier: str, batch: list[tuple[str, str, list[str]]], work: Path) -> None:
    spec_of = {a: MATRIX[a]["spec"] for a, _v, _s in batch}
    listing = [{"submission": f"{MATRIX[a]['programs']}/{v}", "spec": spec_of[a],
                "select": sel, "json": str(work / f"{a}.{v}.json"),
                "log": str(work / f"{a}.{v}.log")} for a, v, sel in batch]
    jobs_file = work / "jobs.json"
    jobs_file.write_text(json.dumps(listing), encoding="utf-8")
    driver = [str(ROOT / "tests" / "tier_batch.py"), str(jobs_file)]
    if tier.startswith("docker"):
        cmd = [str(DOCKERLIKE), *(["--nonet"] if tier == "docker-nonet" else []),
               sys.executable, *driver]
    else:  # the system's python as the user, this checkout and its packages on the path
        path = f"{ROOT}:{sysconfig.get_paths()['purelib']}"
        cmd = ["runuser", "-u", USER, "--", "env", f"TMPDIR={work}", f"PYTHONPATH={path}",
               "/usr/bin/python3", *driver]
        if tier == "nouserns":
            cmd = [sys.executable, str(WRAP), *cmd]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.fixture
def work() -> Any:
    d = Path(tempfile.mkdtemp(prefix="tier-matrix-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _check_isolation(tier: str, b: dict[str, Any]) -> None:
    if tier == "userns":
        assert b["isolation"] == "network namespace in the user's own user namespace", b
        assert "no capabilities" in b["sandbox"], b
    else:
        assert b["isolation"] == "host loopback", b
    if tier == "nouserns":
        assert any("max_user_namespaces" in n for n in b["notes"]), b["notes"]


def problems(tier: str, batch: list[tuple[str, str, list[str]]], work: Path) -> list[str]:
    """Every verdict of the tier's run that is not root's, or `ungradable` against the table."""
    wrong: list[str] = []
    for assignment, variant, select in batch:
        log = (work / f"{assignment}.{variant}.log").read_text(errors="replace")
        result = work / f"{assignment}.{variant}.json"
        if "Traceback" in log or not result.exists():
            wrong.append(f"{assignment}/{variant}: no results or a traceback:\n{log[-2000:]}")
            continue
        doc = json.loads(result.read_text())
        spec = _spec(MATRIX[assignment]["spec"])
        table, by_socket = needs(spec, tier), socket_judged(spec, tier)
        fails = set((MATRIX[assignment]["variants"][variant] or {}).get("fails", []))
        got = {b["id"]: b for b in doc["behaviours"]}
        missing = set(select) - set(got)
        if missing:
            wrong.append(f"{assignment}/{variant}: not graded: {sorted(missing)}\n{log[-1500:]}")
        for bid, b in got.items():
            root = "failed" if bid in fails else "passed"
            _check_isolation(tier, b)
            if b["status"] == "ungradable":
                assert b["not_gradable_here"] and b["score"] == 0, b  # says why, no points
            if bid in table and root == "passed":  # what the table marks is never a pass
                ok = b["status"] == "ungradable"
            elif bid in table or bid in by_socket:  # root's, where it can tell
                ok = b["status"] in (root, "ungradable")
            else:  # everything else is graded here, and as root grades it
                ok = b["status"] == root
            if not ok:
                wrong.append(f"{assignment}/{variant}: {bid} is {b['status']} here, "
                             f"{root} as root; table: {table.get(bid, 'gradable')}; "
                             f"{[c for c in b['checks'] if not c['passed'] or c['skipped']]}"
                             f"\n{log[-1500:]}")
    return wrong


@pytest.mark.timeout(1800)
@pytest.mark.parametrize(("tier", "shard"), [(t, k) for t in TIERS for k in range(SHARDS)],
                         ids=[f"{t}-{k}" for t in TIERS for k in range(SHARDS)])
def test_every_assignment_gets_roots_verdict_or_not_gradable_here_as_the_table_says(
        work: Path, tier: str, shard: int) -> None:
    why = _skip_reason(tier)
    if why:
        pytest.skip(why)
    if not tier.startswith("docker"):
        ensure_user()
        os.chown(work, pwd.getpwnam(USER).pw_uid, pwd.getpwnam(USER).pw_gid)
    batch = _shard(tier, shard)
    _run_tier(tier, batch, work)
    wrong = problems(tier, batch, work)
    assert not wrong, "\n\n".join(wrong)


def test_the_tiers_doc_is_generated_from_the_specs() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), \
        "docs/tiers.md is stale: run `python tests/gen_tiers.py`"


@pytest.mark.parametrize(("rule", "judged"), [
    ({"some": {"from": "program", "flags": "F"}}, True),
    ({"none": {"flags": "R"}}, True),
    ({"some": {"from": "program", "urgent_byte": "4"}}, True),
    ({"some": {"from": "program", "payload": "ABC"}}, True),
    ({"order": [{"from": "program", "payload": "0"}, {"from": "program", "payload": "1"}]},
     True),
    ({"some": {"from": "program", "flags": "S"}}, False),
    ({"some": {"from": "harness", "flags": "F"}}, False),
    ({"order": [{"from": "harness", "flags": "F"}, {"from": "program", "data": True}]}, False),
    ({"some": {"from": "program", "payload": "AB", "urg_ptr": 2}}, False),
])
def test_the_table_asks_the_socket_judge_what_it_can_judge(rule: dict[str, Any],
                                                           judged: bool) -> None:
    assert socket_can_judge(PacketRule.model_validate(rule)) is judged


def test_every_assignment_is_in_every_tier_with_a_correct_program_and_a_mutant() -> None:
    for tier in TIERS:
        graded = {(a, v.split("_")[0]) for a, v, _s in jobs(tier)}
        assert {a for a, _k in graded} == set(MATRIX)
        for a, row in MATRIX.items():
            assert (a, "correct") in graded
            assert (a, "mut") in graded or not any(v.startswith("mut") for v in row["variants"])
        assert sorted(j for k in range(SHARDS) for j in _shard(tier, k)) == sorted(jobs(tier))
