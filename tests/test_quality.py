"""The code base stays lint-clean and type-checked (both tools come with `.[test]`)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_ruff_is_clean() -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "harness", "tests"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# The one-way flow, top to bottom: a module may import from its own layer or below.
# The folders of harness/ are layers; the modules at its top level are either entry
# points (the top) or shared words and records (the bottom).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("harness.__main__", "harness.cli", "harness.plugin", "harness.batch", "harness.results",
     "harness.options"),
    ("harness.platforms",),
    ("harness.report",),
    ("harness.run",),
    ("harness.judge",),
    ("harness.spec",),
    ("harness.sandbox",),
    ("harness", "harness.i18n", "harness.textutil", "harness.transcript"),
)


def _layer(module: str) -> int:
    best = None
    for n, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and (
                    best is None or len(p) > len(best[1])):
                best = (n, p)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[0]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """harness modules imported anywhere in the file (function-level imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else \
        _module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            found.add(base)
            # `from harness.run import sockstate` imports the module harness.run.sockstate
            found |= {f"{base}.{a.name}" for a in node.names
                      if (ROOT / Path(*base.split("."), a.name + ".py")).is_file()}
    return {m for m in found if m == "harness" or m.startswith("harness.")}


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted((ROOT / "harness").rglob("*.py"))}


def test_imports_point_down_the_layers() -> None:
    upward = [f"{mod} (layer {_layer(mod)}) imports {dep} (layer {_layer(dep)})"
              for mod, deps in _graph().items() for dep in sorted(deps)
              if _layer(dep) < _layer(mod)]
    assert not upward, "imports running up the flow:\n" + "\n".join(upward)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among harness modules, or None. A package's own __init__ does
    not count as an edge target for its submodules (Python imports it first anyway)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if d not in graph or m.startswith(d + "."):
                continue
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state and (found := visit(d)):
                return found
        state[m] = 2
        stack.pop()
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycle() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_layer_checks_can_fail() -> None:
    """The two rules above on made-up graphs: they see an upward import and a cycle."""
    assert _layer("harness.judge.stream") < _layer("harness.spec.model")
    assert _layer("harness.cli") == 0 and _layer("harness.transcript") == len(LAYERS) - 1
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_modules_stay_small() -> None:
    big = [f"{p.relative_to(ROOT)}: {n} lines" for p in sorted((ROOT / "harness").rglob("*.py"))
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 430]
    assert not big, "split these modules:\n" + "\n".join(big)


def test_every_harness_folder_is_a_package_the_wheel_ships() -> None:
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    folders = {_module_name(p) for p in (ROOT / "harness").rglob("__init__.py")}
    assert folders <= listed, f"add to pyproject's packages: {sorted(folders - listed)}"
