"""The Japanese eras, and a fiscal year (年度) in words: nothing of zebkb beneath them.

A message names a fiscal year as ``{fiscal_year}`` and is filled in the date
style its reader chose (zebkb/errors.py, zebkb/domain/validate.py), so this
module imports nothing of zebkb: the errors can use it without an import cycle,
and the dates (zebkb/domain/dates.py) and the display (zebkb/display.py) build
on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Era:
    """One Japanese era: its name, its letter, and the days and years it covers."""

    name: str
    letter: str
    first_day: date  # the first day zebkb reads in this era
    first_year: int  # the Gregorian year that is 元年
    last_day: date | None  # None for the current era


# 明治 starts at 1873-01-01: before that Japan used the lunisolar calendar, whose
# dates do not map one-to-one onto Gregorian dates.
ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1873, 1, 1), 1868, date(1912, 7, 29)),
    Era("大正", "T", date(1912, 7, 30), 1912, date(1926, 12, 24)),
    Era("昭和", "S", date(1926, 12, 25), 1926, date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), 1989, date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), 2019, None),
)


def era_at(d: date) -> Era | None:
    """The era of a date; None before 1873 (zebkb/domain/dates.py's era_of refuses those)."""
    for era in reversed(ERAS):
        if d >= era.first_day:
            return era
    return None


def era_year_text(n: int) -> str:
    return "元" if n == 1 else str(n)


def fiscal_year_era(year: int) -> Era | None:
    # Named by the era in force at the end of the calendar year: FY2019 began
    # under 平成 but is written 令和元年度, and FY1988 stays 昭和63年度.
    try:
        return era_at(date(year, 12, 31))
    except ValueError:  # a year no calendar date has
        return None


def fiscal_year_label(year: int | str | None, lang: str, style: str = "japanese") -> str:
    """A fiscal year as people read it: 令和6年度 or, in the western styles, 2024年度; FY2024.

    Lists and navigation name years by era (the default); a sentence that names
    a year (a warning, a refusal) follows the chosen date style, as its dates do.
    """
    if year is None or year == "":
        return ""
    try:
        number = int(year)
    except (ValueError, TypeError):
        return str(year)
    if lang == "en":
        return f"FY{number}"
    era = fiscal_year_era(number) if style == "japanese" else None
    if era is None:  # a western style, or before the eras are known
        return f"{number}年度"
    return f"{era.name}{era_year_text(number - era.first_year + 1)}年度"


def fill_fiscal_year(template: str, year: int | None, lang: str, style: str) -> str:
    """``template`` with ``{fiscal_year}`` as ``style`` writes it (messages keep the year, not text)."""
    if year is None:
        return template
    return template.replace("{fiscal_year}", fiscal_year_label(year, lang, style))
