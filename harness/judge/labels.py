"""Loose matching of the labels a program prints around the values that are graded.

Rules this module keeps:
- The value (a number, the echoed text) is found by the spec's regex; a label only has
  to be near it: on the same line, in any case, with a typo or two ("Outupt",
  "Partent"), with other words around it, or in Korean where the spec lists the
  Korean word.
- A label key is one word or a short phrase; a phrase matches when each of its words
  does, in order. A key matches a printed word that contains it (`recei` in
  "received"), or that is a small edit away from the key (one edit for keys of 4 to 7
  letters, two for longer; a swap of neighbours is one edit). Keys shorter than 4
  letters must begin a word ("snd" in "SO_SNDBUF"); Korean keys are matched as they are
  (a particle may follow: "부모가").
- Pure functions: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"[^\W\d_]+")  # letters only: "size:16384" -> "size"


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, or limit + 1 once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _allowed(key: str) -> int:
    if not key.isascii() or len(key) < 4:
        return 0
    return 1 if len(key) < 8 else 2


def word_matches(key: str, word: str) -> bool:
    """Whether a printed word is the key word, loosely (both lower case)."""
    if key in word if len(key) >= 4 or not key.isascii() else word.startswith(key):
        return True
    limit = _allowed(key)
    if limit == 0:
        return False
    # "sizeof" for "size", "received" for "receive": compare with the word's beginning too
    return any(_distance(key, w, limit) <= limit
               for w in {word, word[:len(key)], word[:len(key) + 1]})


def key_in(key: str, words: Sequence[str]) -> bool:
    """A phrase matches when each of its words matches a printed word, in order."""
    parts = _WORD.findall(key.lower())
    if not parts:
        return False
    at = 0
    for part in parts:
        while at < len(words) and not word_matches(part, words[at]):
            at += 1
        if at == len(words):
            return False
        at += 1
    return True


def near(keys: Sequence[str], line: str) -> bool:
    """Whether one of the label keys is on this line of output."""
    words = _WORD.findall(line.lower())
    return any(key_in(k, words) for k in keys)


def line_of(text: str, hit: re.Match[str]) -> str:
    """The whole line of output a match is on (what a student recognises)."""
    start = text.rfind("\n", 0, hit.start()) + 1
    end = text.find("\n", hit.end())
    return text[start:len(text) if end < 0 else end].rstrip("\r")


def labelled_search(rx: re.Pattern[str], text: str,
                    keys: Sequence[str] | None) -> re.Match[str] | None:
    """The first match of `rx` whose own part of its line carries a label: the whole line
    (without the match) when the match is alone on it; with several values on one line
    (two processes' lines glued together when one printed no newline), each value owns
    the text from the value before it, and the last one the rest of the line too."""
    if not keys:
        return rx.search(text)
    for hit in rx.finditer(text):
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.end())
        end = len(text) if end < 0 else end
        others = [m for m in rx.finditer(text, start, end) if m.span() != hit.span()]
        before = max((m.end() for m in others if m.end() <= hit.start()), default=start)
        after = min((m.start() for m in others if m.start() >= hit.end()), default=end)
        own = text[before:hit.start()] + (" " + text[hit.end():end] if after == end else "")
        if near(keys, own):
            return hit
    return None
