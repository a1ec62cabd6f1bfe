"""How values read to people: ward names, kind labels, dates, instants, numbers, areas.

The one formatter: the window (navigation, results, detail pane, history and
diffs), the printed sheets (zebkb/reports.py) and the command line all format
through it, so a date or an area looks the same everywhere. No Qt here.

Date styles: ``western`` (2024年10月21日 in Japanese, 2024-10-21 in English),
``japanese`` (令和6年10月21日 in Japanese; the era needs Japanese, so English
shows 2024-10-21) and ``iso`` (2024-10-21 whatever the language).
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from zebkb.domain.canonical import parse_timestamp
from zebkb.domain.dates import (
    DateError,
    format_japanese,
    format_partial_japanese,
    parse_iso_partial,
)

# Offered here with the other labels (the window, the sheets and the command line read
# them from this module); it lives beneath zebkb/errors.py, which fills messages with it.
from zebkb.domain.eras import fiscal_year_label as fiscal_year_label  # noqa: PLC0414
from zebkb.domain.fields import Field, FieldType
from zebkb.domain.rows import follow_up_overdue
from zebkb.domain.vocab import label
from zebkb.domain.wards import OTHER_MUNICIPALITIES, WARDS

# Wards are named for people in zebkb/domain/wards.py, which the quick search path
# (zebkb/cli/search.py) uses without loading this module; callers name it here.
from zebkb.domain.wards import ward_label as ward_label  # noqa: PLC0414
from zebkb.glossary import term

# The search engine's floor-area buckets (engine.FLOOR_AREA_BUCKETS), as ranges.
FLOOR_AREA_RANGES: dict[str, tuple[float | None, float | None]] = {
    "<1000": (None, 1000.0),
    "1000-3000": (1000.0, 3000.0),
    "3000-10000": (3000.0, 10000.0),
    "10000+": (10000.0, None),
}


_PLACES_JA: dict[str, str] = {w.name_ja: w.code for w in WARDS + OTHER_MUNICIPALITIES}


def place_name(text: str, lang: str) -> str:
    """Free text that is exactly a ward's or municipality's Japanese name, in ``lang``.

    A visit's host or participants are typed as text ("葛飾区", "杉並区"); the
    English window shows them as it shows the ward codes ("Katsushika"), so one
    place is never named two ways on one page. Any other text is kept.
    """
    code = _PLACES_JA.get(text.strip()) if lang != "ja" else None
    return ward_label(code, lang) if code else text


def kind_label(kind: str | None, lang: str) -> str:
    return label("record_type", kind, lang) if kind else ""


def session_kind_label(kind: str | None, lang: str) -> str:
    return label("session_kind", kind, lang) if kind else ""


def format_date(value: str | date | None, style: str, lang: str, *, weekday: bool = False) -> str:
    """``2024-10-21`` as 2024年10月21日 / 令和6年10月21日 / 2024-10-21 (see the styles above).

    A month or a year (2025-01, 2025) is shown as such, never with an invented
    day; text that is not a date is shown as it is.
    """
    if value is None or value == "":
        return ""
    japanese = style == "japanese" and lang == "ja"
    western_ja = style == "western" and lang == "ja"
    if isinstance(value, str) and len(value) in (4, 7):
        # A month or a year as given (令和7年1月 / 2025年1月 / 2025-01): no invented day.
        try:
            if japanese:
                return format_partial_japanese(value)
            iso = parse_iso_partial(value)
        except DateError:
            return value
        if western_ja:
            return f"{iso[:4]}年{int(iso[5:])}月" if len(iso) == 7 else f"{iso}年"
        return iso
    if isinstance(value, date):
        d = value
    else:
        try:
            d = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if japanese:
        try:
            return format_japanese(d, weekday=weekday)
        except ValueError:
            return d.isoformat()  # before 1873 there is no Japanese era date to show
    if western_ja:
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def format_instant(text: str | None, style: str, lang: str) -> str:
    """An instant (RFC 3339) as its date in the chosen style and the time of day.

    Always in this computer's time, to the minute: the one rule for the window
    and the command line alike (a record saved at 09:15+09:00 reads 09:15 on a
    Tokyo PC and 00:15 on one set to UTC, wherever it is shown), and instants
    another computer wrote in UTC (a bundle's) read in local time too. Text that
    is not an instant is shown as it is.
    """
    if not text:
        return ""
    try:
        moment: datetime = parse_timestamp(text)
    except ValueError:
        # Out of the range an instant can be compared in (year 999): read as written.
        clock = text[11:16] if len(text) >= 16 else ""
        return f"{format_date(text, style, lang)} {clock}".strip()
    # At the ends of the calendar the conversion fails: the instant's own clock then.
    with contextlib.suppress(OverflowError, ValueError, OSError):
        moment = moment.astimezone()
    return f"{format_date(moment.date(), style, lang)} {moment:%H:%M}"


def format_timestamp(text: str | None, style: str, lang: str) -> str:
    """A record timestamp: its date in the chosen style and the time of day."""
    return format_instant(text, style, lang)


def format_number(value: float | int | None, decimals: int | None = 2, unit: str = "") -> str:
    """Thousands separators, rounded to ``decimals`` without trailing zeros, then ``unit``.

    12,345.5 not 12,345.50; 1234.001 with two decimals is 1,234 (never "1,234.").
    ``decimals=None`` keeps every digit (a diff must show 1234.001 ≠ 1234.002).
    An empty value is "" (no unit).
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if decimals is not None:
        value = round(value, decimals)
    if float(value).is_integer() and abs(value) < 1e15:
        text = f"{int(value):,}"
    elif decimals is None:
        text = f"{value:,}"
    else:
        text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def file_size(n: int, lang: str = "en") -> str:
    """12.3 MB, 456.0 kB, 789 bytes (789 バイト): decimal units, as file managers show them.

    The one way a size reads, in the window (attachments, exports) and on the
    command line alike.
    """
    for unit, factor in (("MB", 1000**2), ("kB", 1000)):
        if n >= factor:
            return f"{n / factor:,.1f} {unit}"
    if lang == "ja":
        return f"{n:,} バイト"
    return f"{n:,} byte" if n == 1 else f"{n:,} bytes"


def format_area(value: float | int | None) -> str:
    text = format_number(value)
    return f"{text} ㎡" if text else ""


def floor_area_range_label(lo: float | None, hi: float | None) -> str:
    low = format_number(lo) if lo is not None else ""
    high = format_number(hi) if hi is not None else ""
    return f"{low}〜{high} ㎡"


# -- rows (bundle format 1.2) ---------------------------------------------------------------

EXTRA_CHARS = 200
# Row columns whose values are vocabulary terms.
_ROW_VOCABULARIES = {"stage": "case_stage"}


def row_cell(
    column: Field,
    row: Mapping[str, Any],
    style: str,
    lang: str,
    files: Mapping[str, str] | None = None,
) -> str:
    """One cell of a row as people read it ('' when empty); ``files`` names attachments by hash."""
    value = row.get(column.name)
    if value is None or value == "":
        return ""
    if column.name == "fiscal_year":
        return fiscal_year_label(value, lang, style)
    if column.name == "file" and isinstance(value, str):
        return (files or {}).get(value) or ("添付ファイル" if lang == "ja" else "attached file")
    if isinstance(value, bool):
        if lang == "ja":
            return "はい" if value else "いいえ"
        return "yes" if value else "no"
    if column.type is FieldType.WARD and isinstance(value, str):
        return ward_label(value, lang)
    if column.type is FieldType.DATE and isinstance(value, str):
        return format_date(value, style, lang)
    if isinstance(value, int | float):
        return format_number(value)
    if column.name in _ROW_VOCABULARIES and isinstance(value, str):
        return label(_ROW_VOCABULARIES[column.name], value, lang)
    return str(value)


def row_extras(field: Field, row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Keys of a row its field does not declare (a newer zebkb's), as (key, text): shown, not lost."""
    declared = {c.name for c in field.columns}
    out = []
    for k, v in row.items():
        if k in declared or v is None:
            continue
        text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        # A record may hold megabytes here; a line of it is enough to see it is there.
        out.append(
            (str(k)[:EXTRA_CHARS], text[:EXTRA_CHARS] + ("…" if len(text) > EXTRA_CHARS else ""))
        )
    return out


def overdue_mark(lang: str) -> str:
    """【期限切れ】 / [Overdue]: how a follow-up past its due date is marked in text."""
    word = term("follow_up.overdue", lang)
    return f"【{word}】" if lang == "ja" else f"[{word}]"


def row_line(
    field: Field,
    row: Any,
    style: str,
    lang: str,
    files: Mapping[str, str] | None = None,
    *,
    today: date | None = None,
) -> str:
    """A row on one line: 「区・市町村: 葛飾区、部署: 営繕課、人数: 3」.

    With ``today``, a follow-up past its due date and not done starts 【期限切れ】.
    """
    if not isinstance(row, Mapping):
        return str(row)
    ja = lang == "ja"
    parts = []
    for c in field.columns:
        cell = row_cell(c, row, style, lang, files)
        if cell:
            parts.append(f"{c.label_ja if ja else c.label_en}: {cell}")
    parts += [f"{k}: {v}" for k, v in row_extras(field, row)]
    line = ("、" if ja else ", ").join(parts)
    if today is not None and field.name == "follow_up_items" and follow_up_overdue(row, today):
        line = f"{overdue_mark(lang)}{'' if ja else ' '}{line}"
    return line


def attachment_names(record: Mapping[str, Any]) -> dict[str, str]:
    """sha256 → file name of a record's attachments (a material names its file so)."""
    return {
        str(a.get("sha256")): str(a.get("filename") or "")
        for a in record.get("attachments") or []
        if isinstance(a, Mapping)
    }
