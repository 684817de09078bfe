"""YAML text -> plain Python data plus the line of every value.

Rules this module keeps:
- Values are built with PyYAML's safe constructors only (no tags that run code).
- Every mapping value and list item gets the 1-based line where it starts, keyed by
  its path from the root, e.g. ("behaviours", 0, "steps", 2, "send").
- A duplicate key is an error (PyYAML would silently keep the last one, and an
  instructor would wonder why their first definition is ignored).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


class YamlSourceError(Exception):
    """A YAML syntax problem, with the 1-based line it was found on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Located:
    """Loaded data and where each part of it came from."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """Line of the deepest known part of `path` (1 when nothing is known)."""
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return 1


class _Builder:
    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self._scalars = yaml.SafeLoader("")  # only its constructors are used

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            self._scalars.flatten_mapping(node)  # resolves `<<: *anchor` merges
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build_key(key_node)
                if key in out:
                    raise YamlSourceError(
                        key_node.start_mark.line + 1, f"duplicate key {key!r} in this mapping"
                    )
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalars.construct_object(node, deep=True)

    def build_key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise YamlSourceError(node.start_mark.line + 1, "a key must be a plain word")
        key = self._scalars.construct_object(node)
        # YAML 1.1 reads `on:`/`yes:` as booleans; a spec key is always a word.
        return node.value if isinstance(key, bool) else key


def load(text: str) -> Located:
    """Parse one YAML document, keeping lines. Raises YamlSourceError."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSourceError(line, f"YAML syntax: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(1, f"YAML syntax: {exc}") from None
    if node is None:
        return Located(None, {(): 1})
    builder = _Builder()
    try:
        data = builder.build(node, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise YamlSourceError(mark.line + 1 if mark else 1, f"YAML: {exc.problem}") from None
    return Located(data, builder.lines)
