"""How values read to people: ward names, kind labels, dates, areas, fiscal years.

Shared by the navigation tree, the results table, the filter chips and the
detail pane, so a date or an area looks the same everywhere. No Qt here.
"""

from __future__ import annotations

import math
from datetime import date

from zebkb.domain.dates import (
    DateError,
    format_fiscal_year,
    format_japanese,
    format_partial_japanese,
    parse_iso_partial,
)
from zebkb.domain.vocab import label
from zebkb.domain.wards import WardError, ward_name

# The search engine's floor-area buckets (engine.FLOOR_AREA_BUCKETS), as ranges.
FLOOR_AREA_RANGES: dict[str, tuple[float | None, float | None]] = {
    "<1000": (None, 1000.0),
    "1000-3000": (1000.0, 3000.0),
    "3000-10000": (3000.0, 10000.0),
    "10000+": (10000.0, None),
}


def ward_label(code: str | None, lang: str) -> str:
    if not code:
        return ""
    try:
        return ward_name(code, lang)
    except WardError:
        return code


def kind_label(kind: str | None, lang: str) -> str:
    return label("record_type", kind, lang) if kind else ""


def session_kind_label(kind: str | None, lang: str) -> str:
    return label("session_kind", kind, lang) if kind else ""


def fiscal_year_label(year: int | str | None, lang: str) -> str:
    if year is None or year == "":
        return ""
    try:
        return format_fiscal_year(int(year), lang)
    except (ValueError, TypeError):
        return str(year)


def format_date(text: str | None, style: str, lang: str) -> str:
    """``2024-10-21`` as 2024年10月21日 / 令和6年10月21日 / 2024-10-21 (English)."""
    if not text:
        return ""
    if len(text) in (4, 7):
        # A month or a year as given (令和7年1月 / 2025年1月 / 2025-01): no invented day.
        try:
            if style == "japanese" and lang == "ja":
                return format_partial_japanese(text)
            parse_iso_partial(text)
        except DateError:
            return text
        if lang == "ja":
            return f"{text[:4]}年{int(text[5:])}月" if len(text) == 7 else f"{text}年"
        return text
    try:
        d = date.fromisoformat(text[:10])
    except ValueError:
        return text
    if style == "japanese" and lang == "ja":
        try:
            return format_japanese(d)
        except ValueError:
            return d.isoformat()
    if lang == "ja":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def format_timestamp(text: str | None, style: str, lang: str) -> str:
    """A record timestamp: its date in the chosen style and the time of day."""
    if not text:
        return ""
    day = format_date(text, style, lang)
    clock = text[11:16] if len(text) >= 16 else ""
    return f"{day} {clock}".strip()


def format_number(value: float | int | None, decimals: int = 2) -> str:
    """Thousands separators; no trailing zeros (12,345.5 not 12,345.50)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def format_area(value: float | int | None) -> str:
    text = format_number(value)
    return f"{text} ㎡" if text else ""


def floor_area_range_label(lo: float | None, hi: float | None) -> str:
    low = format_number(lo) if lo is not None else ""
    high = format_number(hi) if hi is not None else ""
    return f"{low}〜{high} ㎡"
