"""Write records as a list: .xlsx for people, CSV (UTF-8 with BOM, so Excel opens it).

Headers are the fields' Japanese labels, which the import recognises, and a
UID column comes first, so an exported list imports back as the same
records, unchanged. Coded values are written as their labels (新築, 認証,
勉強会), wards by name, yes/no as はい/いいえ; dates as real date cells in
the workbook (shown in Western or Japanese-era form by the date style), as
text in CSV.

Text from other wards is not trusted: in the workbook it is always written
as text, never as a formula; in CSV a cell that Excel would run as a formula
(=, +, -, @ first) gets a leading apostrophe, which the import takes off.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from zebkb.atomicfile import write_file
from zebkb.domain.dates import format_japanese, format_partial_japanese, parse_iso_date
from zebkb.domain.fields import Field, FieldType, Kind, fields_for
from zebkb.domain.vocab import PROJECT_TYPES, RANK_STATUSES, RECORD_TYPES, SESSION_KINDS, Vocabulary
from zebkb.domain.wards import ward_label
from zebkb.tables.limits import DEFAULT_LIMITS
from zebkb.tables.mapping import IMPORTABLE
from zebkb.tables.rows import RowsText

DATE_STYLES = ("western", "japanese")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Real date cells shown as 2024-10-21 or 令和6年10月21日 (Excel's era format, locale ja-JP).
_DATE_FORMATS = {"western": "yyyy-mm-dd", "japanese": '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"'}
_NUMBER_FORMATS = {
    "floor_area_m2": "#,##0.00",
    "bei": "0.00",
    "reduction_excl_renewables_pct": "0.0",
    "reduction_incl_renewables_pct": "0.0",
    "co2_reduction_t_per_year": "#,##0.0",
}
_LABELLED: dict[str, Vocabulary] = {
    "type": RECORD_TYPES,
    "project_type": PROJECT_TYPES,
    "rank_status": RANK_STATUSES,
    "kind": SESSION_KINDS,
}
_MAX_WIDTH = 60
_LIST_SEPARATORS = frozenset(",、，;；\n")


@dataclass
class ExportedList:
    path: Path
    records: int
    columns: int
    cut: list[str] = field(default_factory=list)  # uids whose text was cut to Excel's cell limit


def columns_for(kinds: Iterable[str]) -> list[Field]:
    """uid, type, then each kind's fields in display order, each field once."""
    chosen = [Kind(k) for k in Kind if k.value in set(kinds)] or list(Kind)
    out: dict[str, Field] = {}
    first = ("uid", "type", "title", "ward")
    for name in first:
        out[name] = IMPORTABLE[name]
    tail: dict[str, Field] = {}
    for kind in chosen:
        for f in fields_for(kind):
            if f.name not in IMPORTABLE or f.name in out:
                continue
            if f.name in ("tags", "body"):
                tail[f.name] = f
            else:
                out[f.name] = f
    out.update(tail)
    return list(out.values())


def _join(items: Sequence[str], uids: bool) -> str:
    if uids or any(ch in _LIST_SEPARATORS for item in items for ch in item):
        return "\n".join(items)
    return "、".join(items)


def cell_for(f: Field, value: Any, *, lang: str = "ja") -> str | int | float | date | None:
    """A record value as the list shows it; dates as date objects."""
    if value is None or value in ([], ""):
        return None
    vocab = _LABELLED.get(f.name)
    if vocab is not None:
        return vocab.label(str(value), lang)
    if f.type is FieldType.WARD:
        return ward_label(str(value), lang)
    if f.type is FieldType.BOOLEAN:
        return ("はい" if value else "いいえ") if lang == "ja" else ("yes" if value else "no")
    if f.type is FieldType.DATE:
        # A day is a real date cell; a month or a year (2021-03, 2021) stays text, since a
        # date cell would invent the day (zebkb/domain/dates.py, partial dates).
        try:
            return parse_iso_date(str(value))
        except ValueError:
            return PartialDate(str(value))
    if f.type in (FieldType.STRING_LIST, FieldType.UID_LIST):
        return _join([str(v) for v in value], f.type is FieldType.UID_LIST)
    if f.type is FieldType.WARD_LIST and isinstance(value, list):
        return _join([ward_label(str(v), lang) for v in value], False)
    if f.type is FieldType.ROWS and isinstance(value, list):
        return RowsText(f, value)
    if f.type in (FieldType.INTEGER, FieldType.NUMBER) and isinstance(value, int | float):
        return value
    return str(value)


class PartialDate(str):
    """A month or a year in bundle form (2021-03, 2021), written as the date style shows it."""

    def shown(self, date_style: str) -> str:
        if date_style != "japanese":
            return str(self)
        try:
            return format_partial_japanese(str(self))
        except ValueError:
            return str(self)


def _csv_text(value: str | int | float | date | None, date_style: str) -> str:
    if value is None:
        return ""
    if isinstance(value, PartialDate | RowsText):
        return value.shown(date_style)
    if isinstance(value, date):
        return format_japanese(value) if date_style == "japanese" else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def _width(text: str) -> int:
    """Display width in Excel's character units: East Asian wide characters count two."""
    longest = max((line for line in text.splitlines() or [""]), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def write_atomic(out: Path, data: bytes) -> None:
    write_file(out, lambda stream: stream.write(data), example="list.xlsx")


def export_list(
    records: Sequence[Mapping[str, Any]],
    out: Path | str,
    *,
    kinds: Iterable[str] | None = None,
    date_style: str = "western",
    sheet_title: str = "一覧",
) -> ExportedList:
    """Write ``records`` to ``out``: a workbook for .xlsx, CSV for anything else."""
    out = Path(out).expanduser()
    if date_style not in DATE_STYLES:
        raise ValueError(f"date_style must be one of {DATE_STYLES}, not {date_style!r}")
    columns = columns_for(kinds if kinds is not None else {str(r.get("type")) for r in records})
    rows = [[cell_for(f, r.get(f.name)) for f in columns] for r in records]
    headers = [f.label_ja for f in columns]
    result = ExportedList(path=out, records=len(records), columns=len(columns))
    if out.suffix.lower() == ".xlsx":
        data = _xlsx_bytes(headers, columns, rows, records, date_style, sheet_title, result)
    else:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_text(v, date_style) for v in row])
        data = buffer.getvalue().encode("utf-8-sig")
    write_atomic(out, data)
    return result


def _xlsx_bytes(  # noqa: PLR0917 - one private caller passes what it prepared
    headers: list[str],
    columns: list[Field],
    rows: list[list[str | int | float | date | None]],
    records: Sequence[Mapping[str, Any]],
    date_style: str,
    sheet_title: str,
    result: ExportedList,
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    limit = DEFAULT_LIMITS.cell_chars
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [_width(h) for h in headers]
    wrap = Alignment(wrap_text=True, vertical="top")
    # Cells by position, never sheet.max_row: openpyxl computes it over every cell (quadratic).
    for row_number, (row_values, record) in enumerate(zip(rows, records, strict=True), start=2):
        for index, (f, value) in enumerate(zip(columns, row_values, strict=True)):
            if value is None:
                continue
            cell = sheet.cell(row=row_number, column=index + 1)
            if isinstance(value, str):
                text = (
                    value.shown(date_style) if isinstance(value, PartialDate | RowsText) else value
                )
                if len(text) > limit:
                    text = text[: limit - 1] + "…"
                    result.cut.append(str(record.get("uid")))
                cell.value = text
                cell.data_type = "s"  # never a formula, whatever the text starts with
                if "\n" in text:
                    cell.alignment = wrap
            else:
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = _DATE_FORMATS[date_style]
                elif f.name in _NUMBER_FORMATS:
                    cell.number_format = _NUMBER_FORMATS[f.name]
            if isinstance(value, date) and date_style == "japanese":
                shown = format_japanese(value)
            elif isinstance(value, PartialDate | RowsText):
                shown = value.shown(date_style)
            else:
                shown = str(value)
            widths[index] = max(widths[index], _width(shown))
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
