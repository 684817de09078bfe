"""The values steps are made of: durations, signals, hex, regexes, translated text, and
the fields every step has.

Rules this module keeps:
- Each value type checks itself when a spec is parsed, so a bad signal name, hex string
  or regex is a spec error at its line, never a failure at run time.
- A student-facing text is a plain string or `{en: ..., ko: ...}`, resolved to the
  process's language (i18n.use) while the spec is parsed.
- No I/O happens here.
"""

from __future__ import annotations

import difflib
import enum
import re
import signal
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from harness import i18n

Seconds = float


def _signal_name(value: str) -> str:
    text = value.strip().upper()
    name = text if text.startswith("SIG") else "SIG" + text
    if name not in signal.Signals.__members__:
        close = difflib.get_close_matches(name, list(signal.Signals.__members__), n=1)
        raise ValueError(f"unknown signal {value!r}" + (f" (did you mean {close[0]!r}?)"
                                                         if close else ""))
    return name


SignalName = Annotated[str, AfterValidator(_signal_name)]


def _hex(value: str) -> str:
    try:
        bytes.fromhex(value)
    except ValueError:
        raise ValueError(f"{value!r} is not hex bytes (pairs of 0-9a-f, spaces allowed)") \
            from None
    return value


Hex = Annotated[str, AfterValidator(_hex)]


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a valid regular expression: {exc}") from None
    return value


Regex = Annotated[str, AfterValidator(_regex)]
Flags = str  # letters of tcpdump's flag names: S F R P A U (e.g. "FA", "R")


class Localized(BaseModel):
    """Text a student reads, in each language reports speak: `en` always, `ko` Korean."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str
    ko: str | None = None


def _in_language(value: Any) -> Any:
    """`{en: ..., ko: ...}` becomes the text of the process's language (i18n.use)."""
    if not isinstance(value, dict):
        return value
    unknown = sorted(set(value) - set(Localized.model_fields))
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r}: text is a string or a mapping "
                         f"with {' and '.join(Localized.model_fields)}")
    if "en" not in value:
        raise ValueError("a translated text needs `en`, the English string")
    if not all(isinstance(v, str) for v in value.values()):
        raise ValueError("each language's text must be a string")
    return i18n.pick(value)


# A student-facing string: plain, or one per language (resolved while the spec is parsed)
Text = Annotated[str, BeforeValidator(_in_language, json_schema_input_type=str | Localized)]


# What a program can be found doing when a check fails (judge.diagnosis tells which):
# a hint names the situations it is for, or those it does not fit.
SITUATIONS = (
    "exited", "killed", "stopped", "spinning", "waiting_terminal", "waiting_pipe",
    "waiting_connection", "waiting_socket", "waiting_accept", "waiting_select",
    "waiting_child", "waiting_lock", "waiting_ipc", "waiting_signal", "sleeping",
    "waiting_other", "unread", "unsent", "unaccepted", "unflushed")
Situation = enum.Enum("Situation", [(s, s) for s in SITUATIONS], type=str)  # type: ignore[misc]


def situation_names(given: list[Situation] | None) -> tuple[str, ...]:
    return tuple(str(s.value) for s in given or ())


HINT_FOR = ("The situations this hint is for, as found when the check fails (what the "
            "program was doing): where the harness could see the program and found none "
            "of them, the hint is not shown.")
HINT_NOT_FOR = ("Situations this hint does not fit: when the program is found in one of "
                "them as the check fails, the hint is not shown.")


class StepArgs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    shorthand: ClassVar[str | None] = None
    hint: Text | None = Field(
        None, description="Shown to the student when this step's check fails."
    )
    hint_for: list[Situation] | None = Field(None, description=HINT_FOR)
    hint_not_for: list[Situation] | None = Field(None, description=HINT_NOT_FOR)
    points: float | None = Field(
        None, ge=0, description="Partial credit: points earned when this step's check passes "
        "(the behaviour then scores the sum, at most its own points).")


def one_of(model: BaseModel, names: tuple[str, ...]) -> None:
    given = [n for n in names if getattr(model, n) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {', '.join(names)} (got {len(given) or 'none'})")
