"""sockgrade as users install it: a wheel in a fresh virtual environment, used from a
directory that is not the checkout. Needs the package registry (as CI has) for the
dependencies; it is the test that a missing package-data line or dependency fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, needs_netns


def _source_copy(dest: Path) -> Path:
    """The tracked files only, so a build leaves nothing in the checkout."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file() and not src.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's bin/ of a fresh install of the wheel built from this source."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = _source_copy(tmp / "src")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                            str(tmp / "dist"), str(src)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((tmp / "dist").glob("sockgrade-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"harness/locale/ko.po", "harness/specs/echo_server.yaml",
            "harness/specs/schema.json", "harness/run/runner.py"} <= names
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    pip = subprocess.run([str(tmp / "venv/bin/pip"), "install", "-q", str(wheel)],
                         capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return tmp / "venv" / "bin"


def _elsewhere(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOCKGRADE_LANG")}
    return {**env, "HOME": str(tmp_path)}


def test_an_installed_wheel_lists_its_shipped_catalog(installed: Path, tmp_path: Path) -> None:
    proc = subprocess.run([str(installed / "sockgrade"), "list", "echo_server", "--lang", "ko"],
                          cwd=tmp_path, capture_output=True, text=True, env=_elsewhere(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "site-packages/harness/specs/echo_server.yaml" in proc.stdout
    assert "반복형 TCP 에코 서버" in proc.stdout  # the spec's Korean title


@needs_netns
def test_an_installed_wheel_grades_in_korean_with_workers(installed: Path, tmp_path: Path) -> None:
    """From a directory without specs/: the shipped catalog, the Korean catalog of
    messages, and -n (pytest-xdist is a dependency, not a test extra)."""
    sub = tmp_path / "sub"
    shutil.copytree(ROOT / "tests/programs/echo_server/mut_never_closes", sub)
    proc = subprocess.run([str(installed / "sockgrade"), "check", str(sub), "echo_server",
                           "--lang", "ko", "-n", "2"],
                          cwd=tmp_path, capture_output=True, text=True, env=_elsewhere(tmp_path),
                          timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "점수: 7/8" in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
