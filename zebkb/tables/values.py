"""One cell into one field value, read as the record editor reads what is typed.

The result is what lenient validation (``validate_record(strict=False)``)
understands: dates in any form staff write (和暦, full-width digits, and
month-only dates such as 竣工年月 令和3年3月, kept as a month), wards by
name, numbers with separators and units, labels for coded values.
A cell that cannot be read gives a problem in both languages instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from zebkb.domain.fields import Field, FieldType
from zebkb.domain.numbers import parse_quantity
from zebkb.domain.wards import WardError, resolve_ward
from zebkb.tables.read import Cell
from zebkb.tables.rows import read_rows_cell

Value = str | int | float | bool | list[str] | list[Any] | None


@dataclass(frozen=True, slots=True)
class CellProblem:
    message_en: str
    message_ja: str


_TRUE = frozenset(
    {"true", "yes", "y", "1", "はい", "○", "〇", "◯", "●", "有", "あり", "該当", "可"}
)
_FALSE = frozenset(
    {"false", "no", "n", "0", "いいえ", "×", "✕", "-", "無", "なし", "非該当", "不可"}
)
# A list cell: one item a line when the cell has line breaks (as zebkb writes items that
# hold a comma), otherwise items split at commas, 、 and semicolons.
_LIST_SPLIT = re.compile(r"[,、，;；]")


def _text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def split_list(text: str) -> list[str]:
    parts = text.splitlines() if "\n" in text else _LIST_SPLIT.split(text)
    return [p.strip() for p in parts if p.strip()]


def read_cell(f: Field, value: Cell) -> Value | CellProblem:
    """The field's value from one cell; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = f.type
    if kind in (FieldType.INTEGER, FieldType.NUMBER):
        integer = kind is FieldType.INTEGER
        if isinstance(value, (bool, date)):
            return CellProblem(
                f"not a number: {_text(value)!r}", f"数値ではありません: {_text(value)}"
            )
        if isinstance(value, int | float):
            return int(value) if integer and float(value).is_integer() else value
        number = parse_quantity(value, integer)
        if isinstance(number, str):
            return CellProblem(f"not a number: {number!r}", f"数値として読めません: {number}")
        return number
    if kind is FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        key = unicodedata.normalize("NFKC", _text(value)).strip().casefold()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        return CellProblem(
            f"not yes or no: {_text(value)!r} (write はい/いいえ or ○/×)",
            f"はい・いいえとして読めません: {_text(value)}（はい/いいえ、○/× で記入）",
        )
    if kind is FieldType.DATE:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return CellProblem(
                f"a number where a date belongs: {_text(value)!r} (format the cell as a date)",
                f"日付の欄に数値があります: {_text(value)}（セルを日付の書式にしてください）",
            )
        # Text goes to the domain's reading of dates (zebkb/domain/dates.py): any form staff
        # write, to the precision given (令和3年3月 stays a month, no day is invented).
        return _text(value).strip()
    if kind is FieldType.WARD:
        try:
            return resolve_ward(_text(value))
        except WardError as exc:
            return CellProblem(str(exc), f"区または団体コードとして読めません: {_text(value)}")
    if kind in (FieldType.STRING_LIST, FieldType.UID_LIST):
        return split_list(_text(value))
    if kind is FieldType.WARD_LIST:
        codes: list[str] = []
        for item in split_list(_text(value)):
            try:
                codes.append(resolve_ward(item))
            except WardError as exc:
                return CellProblem(str(exc), f"区または団体コードとして読めません: {item}")
        return codes
    if kind is FieldType.ROWS:
        rows = read_rows_cell(f, _text(value))
        return CellProblem(*rows) if isinstance(rows, tuple) else rows
    text = _text(value)
    return text.strip() if kind is not FieldType.TEXT else text
