"""What changed between two versions of a record, and how to show values to people.

No Qt here: the history dialog and its tests use these as plain functions.
Values are shown the way a ward employee reads them (ward names, labels for
coded values, dates in the chosen style); the record body is compared line by
line.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from zebkb import display
from zebkb.domain.fields import Field, FieldType, Kind, fields_for
from zebkb.domain.vocab import FIELD_VOCABULARY_NAMES, Vocabulary, vocabulary

# Bookkeeping that changes on every save: listing it would hide the real changes.
BOOKKEEPING = frozenset({"revision", "updated_at", "created_at", "uid", "origin", "type"})

# Fields whose stored value is a code with a label in a vocabulary: the table the record
# pane and the command line use (technologies is a list; the type is bookkeeping).
FIELD_VOCABULARIES: dict[str, Vocabulary] = {
    name: vocabulary(vocab)
    for name, vocab in FIELD_VOCABULARY_NAMES.items()
    if name not in ("type", "technologies")
}

# History sources (store.history) with their labels; an unknown source shows as itself.
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "create": ("作成", "Created"),
    "edit": ("編集", "Edited"),
    "delete": ("削除", "Deleted"),
    "restore": ("復元", "Restored"),
    "import": ("取込", "Imported"),
    "import-lost": ("取込（競合で不採用）", "Imported (lost a conflict)"),
    "undo-import": ("取込の取消", "Import undone"),
    "demo": ("デモデータ", "Demo data"),
    "settle": ("競合の解決", "Conflict settled"),
    "upgrade": ("版の更新による移行", "Moved over by an upgrade"),
}

EMPTY = "—"


def source_label(source: str, lang: str = "ja") -> str:
    labels = SOURCE_LABELS.get(source)
    if labels is None:
        return source
    return labels[1] if lang == "en" else labels[0]


def format_date(value: str | date, style: str = "western", lang: str = "ja") -> str:
    """A date as history shows it: in the chosen style, as the rest of the window shows it."""
    return display.format_date(value, style, lang)


def format_moment(timestamp: str, style: str = "western", lang: str = "ja") -> str:
    """An instant as history shows it: its date in the chosen style (as everywhere else), the time."""
    return display.format_instant(timestamp, style, lang)


def format_number(value: float | int) -> str:
    """Every digit: a version differs from the next by what it says exactly."""
    return display.format_number(value, decimals=None)


def display_value(field: Field | None, value: Any, lang: str = "ja", style: str = "western") -> str:
    """One line for a field's value as people read it."""
    if value is None or value in ([], ""):
        return EMPTY
    ftype = field.type if field is not None else None
    if isinstance(value, bool):
        if lang == "en":
            return "yes" if value else "no"
        return "はい" if value else "いいえ"
    if ftype is FieldType.ATTACHMENTS and isinstance(value, list):
        names = [str(a.get("filename", "?")) if isinstance(a, Mapping) else "?" for a in value]
        return ", ".join(names)
    if ftype is FieldType.ROWS and field is not None and isinstance(value, list):
        return " / ".join(display.row_line(field, row, style, lang) for row in value)
    if isinstance(value, list):
        sep = ", " if lang == "en" else "、"
        return sep.join(str(v) for v in value)
    if ftype is FieldType.WARD and isinstance(value, str):
        return display.ward_label(value, lang)
    if ftype is FieldType.DATE and isinstance(value, str):
        return format_date(value, style, lang)
    if ftype is FieldType.TIMESTAMP and isinstance(value, str):
        return format_moment(value, style, lang)
    if field is not None and field.name == "fiscal_year" and isinstance(value, int):
        return display.fiscal_year_label(value, lang, style)  # a year, never 2,022
    if isinstance(value, int | float):
        return format_number(value)
    if field is not None and field.name in FIELD_VOCABULARIES and isinstance(value, str):
        return FIELD_VOCABULARIES[field.name].label(value, lang)
    return str(value).replace("\n", " ")


@dataclass(frozen=True, slots=True)
class Change:
    name: str
    field: Field | None  # None for a field zebkb does not declare (kept from a newer version)
    old: Any
    new: Any


def _kind(*records: Mapping[str, Any]) -> Kind | None:
    for record in records:
        value = record.get("type")
        if not isinstance(value, str):
            continue
        try:
            return Kind(value)
        except ValueError:
            continue
    return None


def _blank(value: Any, name: str) -> bool:
    # "deleted" defaults to false; for other flags, unanswered and "no" differ.
    if value is False:
        return name == "deleted"
    return value is None or (isinstance(value, list | str) and len(value) == 0)


def _same(a: Any, b: Any, name: str = "") -> bool:
    if _blank(a, name) and _blank(b, name):
        return True
    return (type(a) is type(b) and a == b) or (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """The fields whose values differ, in form order, bookkeeping left out."""
    kind = _kind(new, old)
    declared = fields_for(kind) if kind is not None else ()
    by_name = {f.name: f for f in declared}
    names = [f.name for f in declared]
    names += sorted((set(old) | set(new)) - set(by_name))
    changes = []
    for name in names:
        if name in BOOKKEEPING:
            continue
        a, b = old.get(name), new.get(name)
        if not _same(a, b, name):
            changes.append(Change(name, by_name.get(name), a, b))
    return changes


# A run of CJK characters is compared character by character (no spaces between words);
# Latin words, numbers, spaces and newlines as whole tokens.
_DIFF_TOKEN = re.compile(r"[A-Za-z0-9_]+|\s+|.", re.DOTALL)
DIFF_TOKENS_MAX = 20_000
DELETED_STYLE = "background-color:#fde0e0; color:#8a1010; text-decoration:line-through;"
INSERTED_STYLE = "background-color:#dcf3dc; color:#0b5a1a;"


def body_diff_html(old: str | None, new: str | None) -> str:
    """The body's difference as people read it: the text, removed words struck through
    in red, added ones in green ('' when the same). Not a unified diff."""
    a, b = old or "", new or ""
    if a == b:
        return ""
    ta, tb = _DIFF_TOKEN.findall(a), _DIFF_TOKEN.findall(b)
    if len(ta) + len(tb) > DIFF_TOKENS_MAX:
        # Word by word would take too long on a very long body: compare whole lines.
        ta, tb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    out: list[str] = []

    def text(tokens: list[str]) -> str:
        return html.escape("".join(tokens)).replace("\n", "<br>")

    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(text(ta[i1:i2]))
            continue
        if i2 > i1:
            out.append(f"<span style='{DELETED_STYLE}'>{text(ta[i1:i2])}</span>")
        if j2 > j1:
            out.append(f"<span style='{INSERTED_STYLE}'>{text(tb[j1:j2])}</span>")
    return "".join(out)


def body_diff(old: str | None, new: str | None, old_name: str, new_name: str) -> str:
    """A unified line diff of two bodies ('' when they are the same)."""
    a = (old or "").splitlines()
    b = (new or "").splitlines()
    if a == b:
        return ""
    return "\n".join(difflib.unified_diff(a, b, old_name, new_name, lineterm="", n=2))
