"""A rows field (運用実績, stage dates, attendance, materials, follow-ups) in one list cell.

One row a line, its values labelled as the editor's columns are:
「年度: 2024 / 一次エネルギー消費量実績（MJ/㎡・年）: 520」. Dates follow the
list's date style, places are written by name, yes/no as はい/いいえ, a material's
file as its SHA-256 (a list carries no files). Reading the cell back gives the same
rows. A row the labelled form cannot carry exactly (a value holding " / " or a line
break, a key a newer zebkb wrote) makes the whole cell JSON, which reads back as well.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from zebkb import strictjson
from zebkb.domain.dates import DateError, format_partial_japanese
from zebkb.domain.fields import Field, FieldType
from zebkb.domain.rows import typed_cell
from zebkb.domain.vocab import label
from zebkb.domain.wards import WardError, ward_name

SEPARATOR = " / "
_COLON = ": "
_YES, _NO = "はい", "いいえ"
_ROW_VOCABULARIES = {"stage": "case_stage"}


class RowsText(str):
    """The cell's text in the list's date style: the rows are kept to write it either way."""

    field: Field
    rows: list[Any]

    def __new__(cls, field: Field, rows: list[Any]) -> RowsText:
        text = super().__new__(cls, rows_text(field, rows, "western"))
        text.field = field
        text.rows = rows
        return text

    def shown(self, date_style: str) -> str:
        return rows_text(self.field, self.rows, date_style)


def _value_text(column: Field, value: Any, date_style: str) -> str | None:
    """A value as the labelled form writes it; None when it cannot be written exactly."""
    if isinstance(value, bool):
        if column.type is not FieldType.BOOLEAN:
            return None
        return _YES if value else _NO
    if column.type in (FieldType.INTEGER, FieldType.NUMBER):
        if not isinstance(value, int | float):
            return None
        return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(value)
    if not isinstance(value, str):
        return None
    text = value
    if column.type is FieldType.DATE and date_style == "japanese":
        try:
            text = format_partial_japanese(value)
        except (DateError, ValueError):
            return None
    elif column.type is FieldType.WARD:
        try:
            text = ward_name(value, "ja")
        except WardError:
            return None
    elif column.name in _ROW_VOCABULARIES:
        text = label(_ROW_VOCABULARIES[column.name], value, "ja")
    if not text or text != text.strip() or SEPARATOR in text or "\n" in text or "\r" in text:
        return None
    return text


def rows_text(field: Field, rows: list[Any], date_style: str) -> str:
    lines = []
    declared = {c.name: c for c in field.columns}
    for row in rows:
        if not isinstance(row, Mapping) or any(k not in declared for k in row):
            return json.dumps(rows, ensure_ascii=False)
        parts = []
        for c in field.columns:
            if row.get(c.name) is None:
                continue
            text = _value_text(c, row[c.name], date_style)
            if text is None:
                return json.dumps(rows, ensure_ascii=False)
            parts.append(f"{c.label_ja}{_COLON}{text}")
        if not parts:
            return json.dumps(rows, ensure_ascii=False)
        lines.append(SEPARATOR.join(parts))
    return "\n".join(lines)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _typed(column: Field, text: str) -> Any:
    """A labelled value as the editor hands typed text to the record validation."""
    if column.type is FieldType.BOOLEAN:
        folded = _fold(text)
        if folded in (_YES, "yes", "true"):
            return True
        if folded in (_NO, "no", "false"):
            return False
        return text
    return typed_cell(column, text)


# Labels a column had in lists an earlier zebkb wrote, still read: the measured energy
# was labelled その他除く before each row said whether it includes その他 (includes_other).
_OLD_LABELS: dict[tuple[str, str], tuple[str, ...]] = {
    ("operation_years", "primary_energy_mj_m2"): (
        "一次エネルギー消費量実績（MJ/㎡・年、その他除く）",
        "Measured primary energy (MJ/m²·year, other excluded)",
    ),
}


def read_rows_cell(field: Field, text: str) -> list[Any] | tuple[str, str]:
    """The rows of a cell, or (English, Japanese) naming what could not be read."""
    text = text.strip()
    if text.startswith("["):
        try:
            given = strictjson.loads(text)
        except ValueError as exc:
            return (f"not readable as rows: {exc}", "行として読めません（JSON の誤り）")
        if not isinstance(given, list):
            return ("rows must be a list", "行のリストにしてください")
        return list(given)
    by_label: dict[str, Field] = {}
    for c in field.columns:
        for key in (c.label_ja, c.label_en, c.name, *_OLD_LABELS.get((field.name, c.name), ())):
            by_label.setdefault(_fold(key), c)
    rows: list[Any] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row: dict[str, Any] = {}
        for part in line.split(SEPARATOR):
            name, colon, value = part.strip().replace("：", ":", 1).partition(":")
            column = by_label.get(_fold(name))
            if not colon or column is None:
                return (
                    f"line {n}: {part.strip()[:40]!r} is not 'column: value'",
                    f"{n}行目: 「{part.strip()[:40]}」は「項目: 値」の形ではありません",
                )
            row[column.name] = _typed(column, value.strip())
        rows.append(row)
    return rows
