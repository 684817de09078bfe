"""The value is graded, not the spelling of the words around it.

For every shipped spec whose expect_output steps carry a `label`, the reference programs
are copied with the label words of their string literals rewritten (a typo, upper case,
extra words, the other language), and must still pass every behaviour; the mutants,
rewritten the same way, must still fail the behaviour their bug is about. Specs whose
graded text may be re-cased or reworded (a greeting, a question) get the same treatment
for that text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, needs_netns, sockgrade
from matrixfile import load_matrix

from harness.judge import labels

MATRIX = load_matrix()
# A string literal of C or Python (a char literal never holds a label word).
LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"' + r"|'(?:[^'\\\n]|\\.)*'")

# Graded text that a correct program may print in another case or other words.
REWORDED: dict[str, list[tuple[str, str]]] = {
    "pipe1": [("Who are you?", "who are you?")],
    "pipe2": [("Who are you?", "WHO ARE YOU?"),
              ("Thank you for your message", "thank you for your message")],
    "pipe3": [("Who are you?", "who are you?")],
    "file_client": [("Thank you", "THANK YOU")],
    "hello_server": [("Hello World!", "hello, world")],
    "bound_host2": [("Hi!", "HI"), ("I'm another UDP host!", "I am another UDP host."),
                    ("Nice to meet you", "NICE TO MEET YOU!!")],
}


def _label_lists(node: Any) -> list[list[str]]:
    """Every `label:` list of the spec's expect_output steps, however deeply nested."""
    found: list[list[str]] = []
    if isinstance(node, dict):
        out = node.get("expect_output")
        if isinstance(out, dict) and out.get("label"):
            found.append([str(k) for k in out["label"]])
        for value in node.values():
            found += _label_lists(value)
    elif isinstance(node, list):
        for value in node:
            found += _label_lists(value)
    return found


def _spec_labels(assignment: str) -> list[list[str]]:
    spec = ROOT / MATRIX[assignment]["spec"]
    return _label_lists(yaml.safe_load(spec.read_text(encoding="utf-8")))


LABELLED = sorted(a for a in MATRIX if _spec_labels(a))
ASSIGNMENTS = sorted(set(LABELLED) | set(REWORDED))


def _typo(word: str) -> str:
    """Swap the 2nd and 3rd letters: one edit ("Output" -> "Otuput")."""
    return word[0] + word[2] + word[1] + word[3:] if len(word) >= 4 else word


def _rewrite_word(printed: str, english: str, korean: str, style: str, n: int) -> str:
    """How a student might write this label instead."""
    if style == "other_language":
        return korean if printed.isascii() else _typo(english.capitalize())
    word = _typo(printed if printed.isascii() else english)  # Korean: the English word
    # misspelt, in another case and among other words, all at once
    return f"MY {word.upper()}" if n % 2 else f"the {word.lower()} here"


def rewrite(source: str, assignment: str, style: str) -> tuple[str, int]:
    """The source with the label words of its string literals rewritten; how many."""
    keys: list[tuple[str, str, str]] = []  # (word as the spec lists it, English, Korean)
    for label in _spec_labels(assignment):
        english = next((k for k in label if k.isascii() and len(k) >= 4), None)
        korean = next((k for k in label if not k.isascii()), None)
        if english is None or korean is None:
            continue
        keys += [(k, english, korean) for k in label
                 if (k.isascii() and len(k) >= 4) or not k.isascii()]
    # longest first, so that "receiv" is tried before "read"
    keys.sort(key=lambda k: -len(k[0]))
    count = 0

    def in_literal(m: re.Match[str]) -> str:
        nonlocal count
        text = m.group(0)
        for old, new in REWORDED.get(assignment, []) if style == "typo_case_words" else []:
            if old in text:
                text = text.replace(old, new)
                count += 1
        if not keys:
            return text
        pattern = "|".join(re.escape(k[0]) if not k[0].isascii() else
                           rf"(?<![A-Za-z]){re.escape(k[0])}[A-Za-z]*" for k in keys)

        def one(w: re.Match[str]) -> str:
            nonlocal count
            word = w.group(0)
            key = next(k for k in keys if word.lower().startswith(k[0]))
            count += 1
            return _rewrite_word(word, key[1], key[2], style, count)
        return re.sub(pattern, one, text, flags=re.IGNORECASE)

    return LITERAL.sub(in_literal, source), count


def _copy_rewritten(src: Path, dest: Path, assignment: str, style: str) -> int:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
    total = 0
    for f in dest.iterdir():
        if f.suffix in (".c", ".py"):
            text, n = rewrite(f.read_text(encoding="utf-8"), assignment, style)
            f.write_text(text, encoding="utf-8")
            total += n
    return total


def test_values_glued_on_one_line_each_own_the_label_before_them() -> None:
    """fork's child prints without a newline and may end first: its line and the
    parent's are one line. The parent's value is the one after its label, once."""
    rx = re.compile(r"\d+\D+\d+")
    glued = "자식 프로세스: [13, 27]부모 프로세스: [9, 23]\n"
    parent = labels.labelled_search(rx, glued, ["parent", "부모"])
    child = labels.labelled_search(rx, glued, ["child", "자식"])
    assert parent is not None and parent.group() == "9, 23"
    assert child is not None and child.group() == "13, 27"
    assert labels.labelled_search(rx, glued[parent.end():], ["parent", "부모"]) is None
    # alone on its line, a value's label may follow it
    alone = labels.labelled_search(re.compile(r"\d+"), "x\n16384 is the output size\n",
                                   ["output"])
    assert alone is not None and alone.group() == "16384"


def test_the_rewrites_are_what_the_matcher_must_tolerate() -> None:
    """The rewritten words are near their label, and not near an unrelated one."""
    assert _typo("Output") == "Otuput" and labels.near(["output"], "Otuput buffer size:")
    assert labels.near(["parent", "부모"], "Partent proc: [9, 23]")
    assert labels.near(["input"], "INPUT buffer size")
    assert labels.near(["child", "자식"], "자식이 보낸 값")
    assert not labels.near(["output"], "Input buffer size")
    assert not labels.near(["child"], "Parent proc")
    assert LABELLED, "no spec uses label: any more"


@needs_netns
@pytest.mark.parametrize("style", ["typo_case_words", "other_language"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_label_variants_of_reference_programs_pass(tmp_path: Path, assignment: str,
                                                   style: str) -> None:
    row = MATRIX[assignment]
    correct = [v for v in row["variants"] if v.startswith("correct")]
    rewritten = 0
    for variant in correct:
        copy = tmp_path / variant
        n = _copy_rewritten(ROOT / row["programs"] / variant, copy, assignment, style)
        rewritten += n
        if n == 0:
            continue
        graded = sockgrade(tmp_path, str(copy), row["spec"])
        failed = [bid for bid, s in graded.status().items() if s != "passed"]
        assert not failed, f"{variant} with its labels rewritten ({style}) fails " \
            f"{failed}:\n{graded.out[-3000:]}"
    if style == "typo_case_words":
        assert rewritten, f"nothing to rewrite in the reference programs of {assignment}"


MUTANTS = [(a, v, e) for a in ASSIGNMENTS for v, e in MATRIX[a]["variants"].items()
           if e and "intended" in e]


@needs_netns
@pytest.mark.parametrize(("assignment", "variant", "expect"), MUTANTS,
                         ids=[f"{m[0]}-{m[1]}" for m in MUTANTS])
def test_mutants_with_rewritten_labels_still_fail(tmp_path: Path, assignment: str,
                                                  variant: str, expect: dict[str, Any]) -> None:
    row = MATRIX[assignment]
    copy = tmp_path / variant
    _copy_rewritten(ROOT / row["programs"] / variant, copy, assignment, "typo_case_words")
    graded = sockgrade(tmp_path, str(copy), row["spec"])
    assert graded.status()[expect["intended"]] == "failed", graded.out[-3000:]
