"""The limits of a record and of each of its text fields: one set for every way in and out.

`validate_record` enforces them, so `zebkb add`, the editor, an import and an
export refuse the same records; a record that was saved can always be
exported. README.md and docs/bundle-format.md state them.
"""

from __future__ import annotations

from typing import Any

# A record as one records.jsonl line: its canonical JSON and the newline.
RECORD_LINE_MAX = 4 * 1024 * 1024
# Characters.
TITLE_MAX = 200
LINE_TEXT_MAX = 200  # every other one-line field: facility name, host, venue, rank…
LONG_TEXT_MAX = 1_000_000  # body, purpose
LIST_ITEM_MAX = 200  # one tag, technology, participant or speaker
FILENAME_MAX = 255
CAPTION_MAX = 1000
MEDIA_TYPE_MAX = 255
# Items in one list (tags, participants, related cases, attachments…).
LIST_ITEMS_MAX = 1000
# How much of a refused value a message quotes.
QUOTE_MAX = 80


def quote(value: Any, limit: int = QUOTE_MAX) -> str:
    """A value on one line, cut to ``limit`` characters, for an error message."""
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text[: limit + 1].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def size_text(n: int) -> str:
    """4 MiB, 6.0 MiB, 1000 bytes."""
    if n < 2**20:
        return f"{n:,} bytes"
    mib = n / 2**20
    return f"{mib:g} MiB" if mib.is_integer() else f"{mib:.1f} MiB"


# An export marks an attachment it leaves out with this, inside the attachment's object.
OMITTED_MARK = len(',"omitted":true')


def records_line_size(canonical_size: int, attachments: list[Any] | None = None) -> int:
    """The most bytes a record can take in records.jsonl: canonical JSON, newline, and
    room to mark each attachment as omitted (an export leaves out files it does not have)."""
    unmarked = sum(1 for a in attachments or () if isinstance(a, dict) and "omitted" not in a)
    return canonical_size + 1 + OMITTED_MARK * unmarked
