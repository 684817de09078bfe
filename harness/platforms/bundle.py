"""`sockgrade gradescope-zip`: the autograder zip Gradescope asks for.

Rules this module keeps:
- setup.sh and run_autograder sit at the root of the zip, as Gradescope requires; the
  harness source and the chosen specs (with schema.json) sit beside them, so the
  autograder installs exactly this version of sockgrade.
- It needs a source checkout (pyproject.toml beside the package): an installed wheel
  does not carry what the zip must hold, and it says so.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]  # harness/platforms/bundle.py -> the checkout
MODE_EXEC = 0o100755 << 16
MODE_FILE = 0o100644 << 16


class BundleError(Exception):
    pass


def _add(z: zipfile.ZipFile, path: Path, name: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible zips
    info.external_attr = MODE_EXEC if executable else MODE_FILE
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, path.read_bytes())


def gradescope_zip(out: Path, specs: Sequence[Path]) -> list[str]:
    """Write the zip; return the names it holds."""
    scripts = SOURCE / "ci" / "gradescope"
    if not (SOURCE / "pyproject.toml").is_file() or not scripts.is_dir():
        raise BundleError(f"no sockgrade source checkout at {SOURCE} (pyproject.toml, "
                          "ci/gradescope): build the zip from a clone of the repository")
    if not specs:
        raise BundleError("name the specs to grade")
    names: list[str] = []
    with zipfile.ZipFile(out, "w") as z:
        for script in ("setup.sh", "run_autograder"):
            _add(z, scripts / script, script, executable=True)
            names.append(script)
        for path in [SOURCE / "pyproject.toml", SOURCE / "README.md",
                     *sorted((SOURCE / "harness").rglob("*.py")),
                     *sorted((SOURCE / "harness").rglob("*.c")),  # the portmap library
                     *sorted((SOURCE / "harness" / "locale").glob("*.po"))]:
            name = str(path.relative_to(SOURCE))
            _add(z, path, name)
            names.append(name)
        for spec in [*specs, SOURCE / "specs" / "schema.json"]:
            name = f"specs/{spec.name}"
            if name not in names:
                _add(z, spec, name)
                names.append(name)
    return names
