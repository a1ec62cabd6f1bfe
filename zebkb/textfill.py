"""Filling a text's placeholders, counts with their English noun.

Apart from the glossary (zebkb/glossary.py) so that a command printing a few
sentences (``zebkb search``) need not build every term to fill them.
"""

from __future__ import annotations

import string
from typing import Any


class _CountFormatter(string.Formatter):
    """``{records:record|records}`` is "1 record" or "2,345 records": a count with its noun.

    English needs the singular for one and the plural otherwise, and a text may
    hold several counts ("{records} records and {files} files"), so the choice
    is made per placeholder. Other placeholders format as ``str.format`` does.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" not in format_spec:
            return str(super().format_field(value, format_spec))
        one, many = format_spec.split("|", 1)
        try:
            n = int(value)
        except (TypeError, ValueError):
            return f"{value} {many}"
        return f"{n:,} {one if n == 1 else many}"


_FORMATTER = _CountFormatter()


def fill(template: str, **fmt: Any) -> str:
    """``template`` with its placeholders filled, counts with their noun (see _CountFormatter)."""
    return _FORMATTER.format(template, **fmt)
