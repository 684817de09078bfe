"""harness.yamlsource: YAML text -> data plus the 1-based line of every value."""

from __future__ import annotations

import textwrap

import pytest

from harness.spec import yamlsource
from harness.spec.yamlsource import Located, YamlSourceError


def load(text: str) -> Located:
    return yamlsource.load(textwrap.dedent(text))


def load_error(text: str) -> YamlSourceError:
    with pytest.raises(YamlSourceError) as info:
        load(text)
    return info.value


# ---- lines of values ----------------------------------------------------------------


def test_every_mapping_value_and_list_item_has_its_line() -> None:
    got = load("""\
        # a comment first
        title: Echo
        programs:
          srv:
            role: server
        steps:
          - start: srv
          - send: {conn: c1, line: hi}
          -
            close: c1
        """)
    assert got.data == {
        "title": "Echo",
        "programs": {"srv": {"role": "server"}},
        "steps": [{"start": "srv"}, {"send": {"conn": "c1", "line": "hi"}}, {"close": "c1"}],
    }
    assert got.lines[()] == 2  # the root starts at its first key, after the comment
    assert got.lines[("title",)] == 2
    assert got.lines[("programs",)] == 4  # a block mapping value starts at its first key
    assert got.lines[("programs", "srv")] == 5
    assert got.lines[("programs", "srv", "role")] == 5
    assert got.lines[("steps",)] == 7
    assert got.lines[("steps", 0)] == 7
    assert got.lines[("steps", 0, "start")] == 7
    assert got.lines[("steps", 1)] == 8
    assert got.lines[("steps", 1, "send", "conn")] == 8  # flow style: all on one line
    assert got.lines[("steps", 1, "send", "line")] == 8
    assert got.lines[("steps", 2)] == 10  # the item's content, not its dash
    assert got.lines[("steps", 2, "close")] == 10


def test_multi_line_scalar_keeps_the_line_it_starts_on() -> None:
    got = load("""\
        a: 1
        hint: >-
          folded
          text
        b: 2
        """)
    assert got.data["hint"] == "folded text"
    assert got.lines[("hint",)] == 2
    assert got.lines[("b",)] == 5


def test_line_of_an_exact_path() -> None:
    got = load("""\
        x:
          y:
            - 10
            - 20
        """)
    assert got.line_of(("x", "y", 1)) == 4


def test_line_of_falls_back_to_the_deepest_known_prefix() -> None:
    got = load("""\
        top: 1
        x:
          y:
            - 10
            - 20
        """)
    assert got.line_of(("x", "y", 1, "missing", "deeper")) == 5
    assert got.line_of(("x", "y", 7)) == 4  # no item 7: the list's own line
    assert got.line_of(("x", "nope")) == 3
    assert got.line_of(("nope",)) == 1  # only the root is known


def test_line_of_in_an_empty_document_is_1() -> None:
    got = yamlsource.load("# only a comment\n")
    assert got.data is None
    assert got.line_of(()) == 1
    assert got.line_of(("anything", 3)) == 1


# ---- duplicate keys ----------------------------------------------------------------


def test_duplicate_top_level_key_reports_the_second_key() -> None:
    err = load_error("""\
        a: 1
        b: 2
        a: 3
        """)
    assert err.line == 3
    assert "duplicate key 'a'" in err.message


def test_duplicate_nested_key_reports_the_second_key() -> None:
    err = load_error("""\
        programs:
          srv:
            role: server
            args: []
            role: client
        """)
    assert err.line == 5
    assert "duplicate key 'role'" in err.message


def test_duplicate_key_spelt_differently_is_still_a_duplicate() -> None:
    err = load_error("""\
        conn: c1
        'conn': c2
        """)
    assert err.line == 2
    assert "duplicate key 'conn'" in err.message


def test_same_key_in_different_mappings_is_fine() -> None:
    got = load("""\
        - conn: c1
        - conn: c2
        """)
    assert got.data == [{"conn": "c1"}, {"conn": "c2"}]


# ---- syntax errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("a: 1\nb: c: d\n", 2, id="mapping-in-plain-scalar"),
        pytest.param("a:\n  b: 1\n\tc: 2\n", 3, id="tab-indent"),
        pytest.param("a: 1\nb: 2\nc: {x: 1,, }\nd: 4\n", 3, id="bad-flow-mapping"),
        pytest.param("a:\n  b: 1\n c: 2\n", 3, id="bad-dedent"),
        pytest.param("a: 1\n---\nb: 2\n", 2, id="two-documents"),
        pytest.param("a: 1\nb: *nowhere\n", 2, id="undefined-alias"),
    ],
)
def test_syntax_error_names_the_offending_line(text: str, line: int) -> None:
    with pytest.raises(YamlSourceError) as info:
        yamlsource.load(text)
    assert info.value.line == line
    assert info.value.message.startswith("YAML syntax:")
    assert str(info.value) == info.value.message


def test_unterminated_quote_on_the_last_line_is_reported_inside_the_file() -> None:
    with pytest.raises(YamlSourceError) as info:
        yamlsource.load("a: 1\nb: 'open\n")
    assert info.value.line == 2


def test_non_scalar_key_is_an_error_with_its_line() -> None:
    err = load_error("""\
        a: 1
        ? [x, y]
        : 2
        """)
    assert err.line == 2
    assert "key must be a plain word" in err.message


def test_only_safe_tags_are_constructed() -> None:
    err = load_error("""\
        a: 1
        b: !!python/object:os.system echo
        """)
    assert err.line == 2
    assert "could not determine a constructor" in err.message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: 1\nwhen: 2024-13-01\n", id="impossible-date"),
        pytest.param("a: 1\nn: !!int twelve\n", id="explicit-int-tag"),
    ],
)
def test_bad_scalar_value_is_a_yaml_source_error(text: str) -> None:
    with pytest.raises(YamlSourceError) as info:
        yamlsource.load(text)
    assert info.value.line == 2


def test_recursive_alias_is_a_yaml_source_error() -> None:
    with pytest.raises(YamlSourceError):
        yamlsource.load("a: &x [*x]\n")


# ---- YAML 1.1 booleans, anchors and merges -----------------------------------------


def test_boolean_looking_keys_stay_strings() -> None:
    got = load("""\
        on: 1
        yes: 2
        off: 3
        no: 4
        flag: yes
        """)
    assert list(got.data) == ["on", "yes", "off", "no", "flag"]
    assert got.data["on"] == 1
    assert got.data["flag"] is True  # only keys are kept as words
    assert got.lines[("no",)] == 4


def test_non_string_scalar_keys_keep_their_type() -> None:
    got = load("""\
        1: one
        2.5: two
        """)
    assert got.data == {1: "one", 2.5: "two"}


def test_alias_of_a_scalar_gets_the_value() -> None:
    got = load("""\
        first: &hint Close the socket.
        second: *hint
        """)
    assert got.data == {"first": "Close the socket.", "second": "Close the socket."}
    assert got.lines[("second",)] == 1  # an alias is the anchored node: the anchor's line


def test_merge_key_copies_the_anchored_mapping() -> None:
    got = load("""\
        base: &base
          conn: c1
          within: 3
        step:
          <<: *base
          text: hi
        """)
    assert got.data["step"] == {"conn": "c1", "within": 3, "text": "hi"}
    assert "<<" not in got.data["step"]
    assert got.lines[("step", "text")] == 6
    assert got.lines[("step", "conn")] == 2  # merged values point at the anchor


def test_merge_of_a_list_of_mappings() -> None:
    got = load("""\
        a: &a {x: 1}
        b: &b {y: 2}
        c:
          <<: [*a, *b]
          z: 3
        """)
    assert got.data["c"] == {"x": 1, "y": 2, "z": 3}


def test_merge_of_a_scalar_is_an_error() -> None:
    err = load_error("""\
        a: &a 1
        c:
          <<: *a
        """)
    assert err.line >= 1
    assert err.message.startswith("YAML")


def test_explicit_key_overrides_a_merged_key() -> None:
    got = load("""\
        base: &base {conn: c1, within: 3}
        step:
          <<: *base
          within: 10
        """)
    assert got.data["step"] == {"conn": "c1", "within": 10}
