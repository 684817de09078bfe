"""The matrix: spec x program -> expected verdict of every behaviour.

One file per assignment, `tests/matrix/NAME.yaml`, holding the single key NAME (so
assignments are added without touching each other's rows). A variant lists the
behaviours it must fail; every other behaviour of the spec must pass. A mutant names its
`intended` behaviour (the bug it carries) and words its failure message must contain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DIR = Path(__file__).resolve().parent / "matrix"


def load_matrix() -> dict[str, Any]:
    matrix: dict[str, Any] = {}
    for f in sorted(DIR.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or list(doc) != [f.stem]:
            raise ValueError(f"{f}: must hold exactly one key, {f.stem!r}")
        matrix[f.stem] = doc[f.stem]
    return matrix
