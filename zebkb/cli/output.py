"""Everything the command line prints as plain text goes through here.

Record text comes from other wards' bundles: a title holding ESC or BEL
sequences would clear the terminal or retitle its window if printed raw.
`out` and `err` show every control character (C0, DEL, C1) escaped, as
``\\x1b``, keeping only the newlines and tabs of the layout; `field` also
escapes newlines and tabs, for a value inside a one-line layout. ``--json``
output is JSON and does not come here (it escapes C0 itself; DEL and C1 stay
as the data has them).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Any

# C0 but tab and newline, DEL, C1.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"\\x{ord(char):02x}"


def escape_controls(text: str, *, one_line: bool = False) -> str:
    """``text`` with its control characters shown as escapes; layout newlines kept unless one_line."""
    return (_CONTROLS_ONE_LINE if one_line else _CONTROLS).sub(_escape, text)


def field(value: Any) -> str:
    """A value for a place in a one-line layout: newlines and tabs escaped as well."""
    return escape_controls("" if value is None else str(value), one_line=True)


def count(n: int, word: str) -> str:
    """``1 record``, ``2 records``: English counts in the singular for one."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (never cut)."""
    return text + " " * max(0, columns - width(text))


def out(text: str = "") -> None:
    """One or more lines on stdout."""
    sys.stdout.write(escape_controls(text) + "\n")


def prompt(text: str) -> None:
    """A question on stderr, the answer typed on the same line."""
    sys.stderr.write(escape_controls(text, one_line=True))
    sys.stderr.flush()


def err(text: str) -> None:
    """One line on stderr (errors and warnings are one line each)."""
    sys.stderr.write(escape_controls(text, one_line=True) + "\n")
