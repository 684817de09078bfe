"""Write docs/tiers-user.json: what an ordinary user's self-check can grade, per tier.

Run as root from the checkout: `.venv/bin/python tests/gen_tiers_user.py`. It grades
the slice of tests/test_tier_user.py as an ordinary user (made with useradd if missing)
in tier (b), with user namespaces, and tier (d), without, and records each behaviour's
status next to root's (the matrix), with the rule shapes tier (d) judges from the
harness's own socket. A docs generator reads `tiers` (per tier: assignment -> behaviour
-> "gradable" or "not gradable here") and `runs` (every status seen).
"""

from __future__ import annotations

import json
import os
import pwd
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from test_tier_user import DOC, NO_USERNS_LATER, SLICE, ensure_user, grade_as_user, root_verdicts  # noqa: E402

from harness.judge.sockview import JUDGED  # noqa: E402

TIERS = {"userns": "(b) ordinary user, user namespaces allowed",
         "nouserns": "(d) ordinary user, no user namespaces (host loopback)"}


def main() -> None:
    user = ensure_user()
    work = Path(tempfile.mkdtemp(prefix="tier-user-gen-"))
    os.chown(work, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    runs: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
    tiers: dict[str, dict[str, dict[str, str]]] = {}
    for tier in TIERS:
        for assignment, variant in SLICE:
            if tier == "nouserns" and assignment in NO_USERNS_LATER:
                continue
            doc = grade_as_user(tier, assignment, variant, work)
            got = {b["id"]: b["status"] for b in doc["behaviours"]}
            root = root_verdicts(assignment, variant, list(got))
            runs.setdefault(tier, {}).setdefault(assignment, {})[variant] = {
                b: f"{s} (root: {root[b]})" for b, s in got.items()}
            if variant.startswith("correct"):
                tiers.setdefault(tier, {})[assignment] = {
                    b: "not gradable here" if s == "ungradable" else "gradable"
                    for b, s in got.items()}
            print(tier, assignment, variant, got, flush=True)
    DOC.write_text(json.dumps({
        "generated_by": "tests/gen_tiers_user.py (as root; grades as an ordinary user)",
        "tier_names": TIERS, "judged_from_the_socket": JUDGED, "tiers": tiers,
        "runs": runs}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
