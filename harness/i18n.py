"""Student-facing text in English or Korean.

Rules this module keeps:
- One language per process, chosen once at start-up by `use()`: `--lang`, else
  SOCKGRADE_LANG (both through the options table), else the locale (LC_ALL,
  LC_MESSAGES, LANG starting with `ko`), else English. Reporters and the judge only
  read it, so a verdict never depends on it.
- Harness messages are English msgids wrapped in `_()`, with `{name}` fields filled by
  `.format()` after translation (word order differs between the languages). Their Korean
  lives in `harness/locale/ko.po`, gettext's format, read with polib; a msgid missing
  there is shown in English, never dropped.
- Spec text a student sees (titles, hints) is a plain string, shown in every language,
  or a mapping `{en: ..., ko: ...}`; `pick` chooses, falling back to `en`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

import polib

LANGS = ("en", "ko")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_lang = "en"


def from_locale(env: Mapping[str, str] | None = None) -> str:
    """The language of the first locale variable that is set (SOCKGRADE_LANG and --lang
    are the options table's, which names the source of a bad value)."""
    env = os.environ if env is None else env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            return "ko" if env[var].lower().startswith("ko") else "en"
    return "en"


def use(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"must be one of {', '.join(LANGS)}")
    global _lang
    _lang = lang


def current() -> str:
    return _lang


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> translation for `lang` (empty for English); fuzzy entries are not used."""
    path = LOCALE_DIR / f"{lang}.po"
    if lang == "en" or not path.is_file():
        return {}
    return {e.msgid: e.msgstr for e in polib.pofile(str(path))
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}


def _(msgid: str) -> str:
    return catalog(_lang).get(msgid, msgid)


def pick(text: str | Mapping[str, str] | None) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(_lang) or text.get("en", "")
