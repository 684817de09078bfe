"""YAML text -> plain Python data plus the line of every value.

Rules this module keeps:
- Values are built with PyYAML's safe constructors only (no tags that run code).
- Every mapping value and list item gets the 1-based line where it starts, keyed by
  its path from the root, e.g. ("behaviours", 0, "steps", 2, "send").
- A duplicate key is an error (PyYAML would silently keep the last one, and an
  instructor would wonder why their first definition is ignored). A key given next to
  a merge (`<<: *defaults`) overrides the merged one, as YAML says.
- Only plain YAML: a tag on a mapping or list (e.g. `!!python/object`) is an error, and
  so is an alias that contains itself. No input makes this module raise anything but
  YamlSourceError.
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


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"}
_MERGE = "tag:yaml.org,2002:merge"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self._scalars = yaml.SafeLoader("")  # only its constructors are used
        self._open: set[int] = set()  # nodes being built: an alias back to one loops

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.lines[path] = _line(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if node.tag not in _PLAIN_TAGS:
            raise YamlSourceError(_line(node), f"YAML tags like {node.tag!r} are not allowed")
        if id(node) in self._open:
            raise YamlSourceError(_line(node), "an alias refers to the list or mapping that "
                                               "contains it")
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self._open.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        explicit = sum(1 for k, _ in node.value if k.tag != _MERGE)
        try:
            self._scalars.flatten_mapping(node)  # resolves `<<: *anchor` merges
        except yaml.constructor.ConstructorError as exc:
            raise YamlSourceError(_line(node), f"YAML merge: {exc.problem}") from None
        # merged pairs come first (later ones win, as in PyYAML); explicit keys follow
        first_explicit = len(node.value) - explicit
        out: dict[Any, Any] = {}
        written: set[Any] = set()
        for i, (key_node, value_node) in enumerate(node.value):
            key = self.build_key(key_node)
            if i >= first_explicit:
                if key in written:
                    raise YamlSourceError(_line(key_node),
                                          f"duplicate key {key!r} in this mapping")
                written.add(key)
            out[key] = self.build(value_node, (*path, key))
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            return self._scalars.construct_object(node, deep=True)
        except (ValueError, TypeError, yaml.YAMLError) as exc:
            raise YamlSourceError(_line(node), f"cannot read the value {node.value!r}: "
                                               f"{exc}") from None

    def build_key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise YamlSourceError(_line(node), "a key must be a plain word")
        key = self.scalar(node)
        # YAML 1.1 reads `on:`/`yes:` as booleans; a spec key is always a word.
        return node.value if isinstance(key, bool) else key


def load(text: str) -> Located:
    """Parse one YAML document, keeping lines. Raises YamlSourceError."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        # an unclosed quote is found at the end of the input, past the last line
        line = max(1, min(line, len(text.splitlines())))
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
    except RecursionError:
        raise YamlSourceError(1, "the YAML is nested too deeply") from None
    return Located(data, builder.lines)
