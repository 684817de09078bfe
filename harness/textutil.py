"""Text for people: short previews of bytes, and escaping of what programs print.

Rules this module keeps:
- Bytes are shown as text when they are text, else as hex, never longer than asked,
  always with their real size when shortened.
- Control characters (except newline and tab) are escaped wherever a student's
  program's output is shown: it cannot move a cursor, fake report lines or hide text.
- A file name may be any bytes: `shown_name` shows it as text, its bytes that are not
  UTF-8 as `\\xNN`, the same way everywhere (reports, JSON, gradebook, progress lines).
- A spreadsheet cell never starts a formula: `csv_cell` prefixes a single quote to a
  cell that begins with = + - @ tab or CR (OWASP's "CSV Injection" advice).
"""

from __future__ import annotations

import os
from pathlib import PurePath

from harness.i18n import _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def preview(data: bytes, limit: int = 60, total: int | None = None) -> str:
    """Short readable form: text when it is text, else hex. `total`: the real size when
    `data` is already a shortened copy."""
    if not data:
        return _("(nothing)")
    size = len(data) if total is None else total
    head = data[:limit]
    try:
        text = head.decode("utf-8")
        # a C string's NUL ('\0' after each message, as sizeof() sends it) keeps text
        # text; binary data with a few printable bytes among zeros stays hex
        nuls = text.count("\0")
        if all(ch.isprintable() or ch in "\n\t\r\0" for ch in text) and (
                len(text) - nuls >= 3 * nuls):
            more = _(" … ({n} bytes)").format(n=size) if size > len(head) else ""
            return repr(text) + more
    except UnicodeDecodeError:
        pass
    shown = head[:24]
    more = (_(" … ({n} bytes)") if size > len(shown) else _(" ({n} bytes)")).format(n=size)
    return "hex " + shown.hex(" ") + more


def safe(text: str) -> str:
    """Escape control characters except newline and tab."""
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}"
                   for ch in text)


def shown_name(name: str | bytes | PurePath) -> str:
    """A file name of any bytes as text (os.fsdecode keeps undecodable bytes as lone
    surrogates, which no UTF-8 file can hold): invalid bytes shown as `\\xNN`."""
    path = os.fspath(name)
    if isinstance(path, bytes):
        return path.decode("utf-8", "backslashreplace")
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name decodes to
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (idempotent)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
