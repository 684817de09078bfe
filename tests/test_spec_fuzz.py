"""Property: every malformed spec is a `file:line: message` SpecError, never a traceback.

Valid specs (every file in specs/ and the adversarial cases) are mutated as YAML trees
(a value of the wrong type, a key missing, an unknown key, an unknown step, a bad
limit) and as text (bad YAML); whatever comes out either parses or is a SpecError
whose every problem names a line of the file and renders as `file:line: ...`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.spec import model
from harness.spec.model import SpecError

SOURCES = sorted((ROOT / "specs").glob("*.yaml")) + [ROOT / "tests/adversarial/cases.yaml"]
TREES = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in SOURCES}
WHERE = Path("specs/fuzzed.yaml")
RENDERED = re.compile(r"^specs/fuzzed\.yaml:\d+: \S")

WRONG = st.one_of(st.integers(-5, 10**6), st.floats(allow_nan=True), st.booleans(),
                  st.none(), st.text(max_size=8), st.lists(st.integers(), max_size=3),
                  st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*at, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        node = node[k]
    return node


@st.composite
def mutated(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(TREES)))
    tree = yaml.safe_load(yaml.safe_dump(TREES[name]))  # a copy
    path = draw(st.sampled_from(_paths(tree)[1:]))
    parent, key = _get(tree, path[:-1]), path[-1]
    kind = draw(st.sampled_from(["wrong_type", "delete", "unknown_key", "unknown_step",
                                 "bad_limit", "bad_yaml"]))
    if kind == "wrong_type":
        parent[key] = draw(WRONG)
    elif kind == "delete":
        del parent[key]
    elif kind == "unknown_key" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["tilte", "stepz", "hnit", "within_", "x"]))] = 1
    elif kind == "unknown_step":
        behaviours = tree.get("behaviours") or [{}]
        b = behaviours[draw(st.integers(0, len(behaviours) - 1))]
        if isinstance(b, dict) and isinstance(b.get("steps"), list):
            b["steps"].insert(0, {draw(st.sampled_from(["sendd", "frobnicate", "Start"])): 1})
    elif kind == "bad_limit" and isinstance(tree.get("programs"), dict) and tree["programs"]:
        prog = draw(st.sampled_from(sorted(tree["programs"])))
        field = draw(st.sampled_from(["cpu", "memory", "output", "processes", "nope"]))
        tree["programs"][prog] = {"limits": {field: draw(WRONG)}}
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    if kind == "bad_yaml":
        lines = text.splitlines(keepends=True)
        k = draw(st.integers(0, len(lines) - 1))
        junk = draw(st.sampled_from(["  - [unclosed\n", ": :\n", "\t- tab\n", "key: 'open\n",
                                     "&a *b\n", "- {x: }\n", "%bad\n"]))
        text = "".join(lines[:k] + [junk] + lines[k:])
    return text


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_mutated_spec_parses_or_says_file_and_line(text: str) -> None:
    try:
        model.parse_spec(WHERE, text)
    except SpecError as err:
        last = max(1, len(text.splitlines()))
        assert err.problems
        for p in err.problems:
            assert 1 <= p.line <= last, (p, err.render())
            assert p.message.strip()
        rendered = err.render()
        assert RENDERED.match(rendered), rendered
        assert "Traceback" not in rendered


def test_a_bad_limit_is_named_at_its_line() -> None:
    text = ("assignment: t\ntitle: T\nprograms:\n  p:\n    limits: {cpu: -1}\n"
            "behaviours:\n  - id: b\n    title: B\n    steps:\n      - start: p\n")
    try:
        model.parse_spec(WHERE, text)
    except SpecError as err:
        assert err.render().startswith("specs/fuzzed.yaml:5: "), err.render()
        assert "cpu" in err.render()
    else:
        raise AssertionError("a negative CPU limit was accepted")
