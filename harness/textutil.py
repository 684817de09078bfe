"""Text for people: short previews of bytes, and escaping of what programs print.

Rules this module keeps:
- Bytes are shown as text when they are text, else as hex, never longer than asked,
  always with their real size when shortened.
- Control characters (except newline and tab) are escaped wherever a student's
  program's output is shown: it cannot move a cursor, fake report lines or hide text.
"""

from __future__ import annotations


def preview(data: bytes, limit: int = 60, total: int | None = None) -> str:
    """Short readable form: text when it is text, else hex. `total`: the real size when
    `data` is already a shortened copy."""
    if not data:
        return "(nothing)"
    size = len(data) if total is None else total
    head = data[:limit]
    try:
        text = head.decode("utf-8")
        if all(ch.isprintable() or ch in "\n\t\r" for ch in text):
            more = f" … ({size} bytes)" if size > len(head) else ""
            return repr(text) + more
    except UnicodeDecodeError:
        pass
    shown = head[:24]
    more = f" … ({size} bytes)" if size > len(shown) else f" ({size} bytes)"
    return "hex " + shown.hex(" ") + more


def safe(text: str) -> str:
    """Escape control characters except newline and tab."""
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}"
                   for ch in text)
