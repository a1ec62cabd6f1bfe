"""Fiscal years (年度) and Japanese-era dates (和暦), as ward staff read and write them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from zebkb.domain.eras import ERAS, Era, era_at, era_year_text
from zebkb.errors import InputError


class DateError(InputError, ValueError):
    """A date could not be read or does not exist; str() is one English line."""

    def __init__(self, message_en: str, message_ja: str | None = None) -> None:
        super().__init__(message_en, message_ja=message_ja)
        self.message_en = message_en
        self.message_ja = message_ja or message_en


_ERA_BY_KEY: dict[str, Era] = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}

WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def era_of(d: date) -> Era:
    era = era_at(d)
    if era is not None:
        return era
    raise DateError(
        f"{d.isoformat()} is before 1873, when Japan adopted the Gregorian calendar",
        f"{d.isoformat()} は明治6年（1873年）の改暦より前の日付です",
    )


def format_japanese(d: date, *, weekday: bool = False) -> str:
    """令和6年10月21日, or 令和6年10月21日（月） with weekday=True."""
    era = era_of(d)
    text = f"{era.name}{era_year_text(d.year - era.first_year + 1)}年{d.month}月{d.day}日"
    if weekday:
        text += f"（{WEEKDAYS_JA[d.weekday()]}）"
    return text


def fiscal_year(d: date) -> int:
    """The 年度 a date belongs to: FY2024 runs from 1 April 2024 to 31 March 2025."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(year: int) -> tuple[date, date]:
    """First and last day of fiscal year `year`, both inclusive."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def _fiscal_era(year: int) -> Era:
    # Named by the era in force at the end of the calendar year: FY2019 began
    # under 平成 but is written 令和元年度, and FY1988 stays 昭和63年度.
    return era_of(date(year, 12, 31))


def format_fiscal_year(year: int, lang: str = "ja") -> str:
    """令和6年度 (ja) or FY2024 (en)."""
    if lang == "en":
        return f"FY{year}"
    era = _fiscal_era(year)
    return f"{era.name}{era_year_text(year - era.first_year + 1)}年度"


_KANJI_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")}
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十]+")


def _kanji_number(match: re.Match[str]) -> str:
    text = match.group(0)
    if "十" not in text:
        return "".join(str(_KANJI_DIGITS[ch]) for ch in text)
    tens, _, units = text.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return text  # not a number a date uses; left for the parser to refuse
    return str((_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[units] if units else 0))


def _clean(text: str) -> str:
    # NFKC folds full-width digits and the single-character eras ㍻ ㋿.
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return _KANJI_NUMBER.sub(_kanji_number, text)


_WEEKDAY_SUFFIX = re.compile(
    r"\((?P<wd>[月火水木金土日](?:曜日?)?|mon|tue|wed|thu|fri|sat|sun)\.?\)$", re.IGNORECASE
)
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_KANJI_YMD = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ERA_NAMES = "|".join(e.name for e in ERAS)
_ERA_LETTERS = "".join(e.letter for e in ERAS)
_ERA_DATE = re.compile(
    rf"(?P<era>{_ERA_NAMES}|[{_ERA_LETTERS}])(?P<y>元|\d{{1,2}})"
    r"(?:年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日|(?P<sep>[./-])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2}))",
    re.IGNORECASE,
)


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            f"no such date: {text!r} ({year}-{month:02d}-{day:02d} does not exist)",
            f"存在しない日付です: {text}",
        ) from None


def _era_date(text: str, m: re.Match[str]) -> date:
    era = _ERA_BY_KEY[m.group("era").upper() if len(m.group("era")) == 1 else m.group("era")]
    n = 1 if m.group("y") == "元" else int(m.group("y"))
    if n < 1:
        raise DateError(
            f"{era.name} has no year {n}: {text!r} (the first year is 元年)",
            f"{era.name}{n}年はありません（最初の年は元年です）: {text}",
        )
    month = int(m.group("m1") or m.group("m2"))
    day = int(m.group("d1") or m.group("d2"))
    d = _make_date(text, era.first_year + n - 1, month, day)
    if d < era.first_day:
        raise DateError(
            f"{text!r} is before {era.name} began ({format_japanese(era.first_day)})"
            if era.first_day.year == era.first_year
            else f"{text!r} is before 1873, when Japan adopted the Gregorian calendar",
            f"{era.name}の始まりより前の日付です: {text}",
        )
    if era.last_day is not None and d > era.last_day:
        raise DateError(
            f"{era.name} ended on {era.last_day.isoformat()} ({format_japanese(era.last_day)}):"
            f" {text!r} would be {format_japanese(d)}",
            f"{era.name}は{format_japanese(era.last_day)}までです: {text}"
            f" は{format_japanese(d)}にあたります",
        )
    return d


def parse_date(text: str) -> date:
    """Read a date as staff write it.

    Accepts 2024-10-21, 2024/10/21, 20241021, 2024年10月21日, 令和6年10月21日,
    令和元年5月1日, R6.10.21, full-width digits, kanji numerals and a weekday in
    brackets, 令和6年10月21日(月), which must be the date's weekday.
    """
    if not isinstance(text, str):
        raise DateError(
            f"a date must be text, got {type(text).__name__}", "日付は文字で入力してください"
        )
    s = _clean(text)
    if not s:
        raise DateError("the date is empty", "日付が空です")
    weekday: int | None = None
    wm = _WEEKDAY_SUFFIX.search(s)
    if wm:
        wd = wm.group("wd").lower()
        weekday = WEEKDAYS_JA.index(wd[0]) if wd[0] in WEEKDAYS_JA else _WEEKDAYS_EN.index(wd)
        s = s[: wm.start()]
    d: date | None = None
    if m := _ISO.fullmatch(s):
        d = _make_date(text, int(m.group(1)), int(m.group(3)), int(m.group(4)))
    elif (m := _COMPACT.fullmatch(s)) or (m := _KANJI_YMD.fullmatch(s)):
        d = _make_date(text, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _ERA_DATE.fullmatch(s):
        d = _era_date(text, m)
    if d is None:
        raise DateError(
            f"not a date: {text.strip()!r} (write e.g. 2024-10-21 or 令和6年10月21日)",
            f"日付として読めません: {text.strip()}（例: 2024-10-21、令和6年10月21日）",
        )
    if weekday is not None and d.weekday() != weekday:
        raise DateError(
            f"{text.strip()!r}: {d.isoformat()} is a {_WEEKDAYS_EN[d.weekday()].title()},"
            f" not a {_WEEKDAYS_EN[weekday].title()}",
            f"曜日が合いません: {text.strip()} は{WEEKDAYS_JA[d.weekday()]}曜日です",
        )
    return d


_ISO_STRICT = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str) -> date:
    """Exactly YYYY-MM-DD and a real calendar date (the bundle form)."""
    if not isinstance(text, str) or not _ISO_STRICT.fullmatch(text):
        raise DateError(
            f"not a YYYY-MM-DD date: {text!r}", f"YYYY-MM-DD形式の日付ではありません: {text}"
        )
    return _make_date(text, int(text[:4]), int(text[5:7]), int(text[8:10]))


_FY_GREGORIAN = re.compile(r"(?:FY)?(\d{4})(?:年度)?", re.IGNORECASE)
_FY_ERA = re.compile(
    rf"(?P<era>{_ERA_NAMES}|[{_ERA_LETTERS}])(?P<y>元|\d{{1,2}})(?:年度)?", re.IGNORECASE
)


def parse_fiscal_year(text: str | int) -> int:
    """A fiscal year from 2024, FY2024, 2024年度, 令和6年度, R6 or 令和元年度."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not isinstance(text, str):
        raise DateError(f"a fiscal year must be text, got {type(text).__name__}")
    s = _clean(text)
    if m := _FY_GREGORIAN.fullmatch(s):
        return int(m.group(1))
    if m := _FY_ERA.fullmatch(s):
        key = m.group("era")
        era = _ERA_BY_KEY[key.upper() if len(key) == 1 else key]
        n = 1 if m.group("y") == "元" else int(m.group("y"))
        year = era.first_year + n - 1
        last_year = era.last_day.year if era.last_day else None
        if n < 1 or (last_year is not None and year > last_year):
            raise DateError(
                f"{era.name} has no fiscal year {n}: {text.strip()!r}",
                f"{era.name}{n}年度はありません: {text.strip()}",
            )
        return year
    raise DateError(
        f"not a fiscal year: {text.strip()!r} (write e.g. 2024 or 令和6年度)",
        f"年度として読めません: {text.strip()}（例: 2024、令和6年度）",
    )


# Dates of month or year precision ------------------------------------------------
#
# A source often gives only a month (令和7年1月) or a year. Such a date is kept
# as it was given, `2025-01` or `2025`, never padded with an invented day: it
# sorts as text before the days it contains, and its fiscal year is known for
# a month and unknown for a bare year (January–March belong to the previous
# fiscal year, April–December to this one).

PRECISION_DAY = "day"
PRECISION_MONTH = "month"
PRECISION_YEAR = "year"

_ISO_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_YM = re.compile(r"(\d{4})(?:[-/.](\d{1,2})|年(\d{1,2})月)")
_Y = re.compile(r"(\d{4})年?")
_ERA_YM = re.compile(
    rf"(?P<era>{_ERA_NAMES}|[{_ERA_LETTERS}])(?P<y>元|\d{{1,2}})"
    r"(?:年(?P<m1>\d{1,2})月|[./-](?P<m2>\d{1,2}))",
    re.IGNORECASE,
)
_ERA_Y = re.compile(rf"(?P<era>{_ERA_NAMES}|[{_ERA_LETTERS}])(?P<y>元|\d{{1,2}})年?", re.IGNORECASE)


def _month(text: str, year: int, month: int) -> str:
    if not 1 <= month <= 12 or year < 1873:
        raise DateError(f"no such month: {text!r}", f"存在しない年月です: {text}")
    return f"{year:04d}-{month:02d}"


def parse_iso_partial(text: object) -> str:
    """YYYY-MM-DD, YYYY-MM or YYYY exactly (the bundle form of a date), checked."""
    m = _ISO_PARTIAL.fullmatch(text) if isinstance(text, str) else None
    if m is None or not isinstance(text, str):
        raise DateError(
            f"not a YYYY-MM-DD, YYYY-MM or YYYY date: {text!r}",
            f"YYYY-MM-DD、YYYY-MM、YYYY のいずれかの形式ではありません: {text}",
        )
    if m.group(3) is not None:
        return parse_iso_date(text).isoformat()
    year = int(m.group(1))
    if m.group(2) is not None:
        return _month(text, year, int(m.group(2)))
    if year < 1873:
        raise DateError(f"no such year: {text!r}", f"年が正しくありません: {text}")
    return f"{year:04d}"


def _era_year(text: str, key: str, y: str) -> tuple[Era, int]:
    era = _ERA_BY_KEY[key.upper() if len(key) == 1 else key]
    n = 1 if y == "元" else int(y)
    if n < 1:
        raise DateError(
            f"{era.name} has no year {n}: {text!r} (the first year is 元年)",
            f"{era.name}{n}年はありません（最初の年は元年です）: {text}",
        )
    return era, era.first_year + n - 1


def parse_partial_date(text: str) -> str:
    """A date as staff write it, to the precision they give: a day, a month or a year.

    Everything parse_date reads, and also 令和7年1月, R7.1, 2025年1月, 2025/1,
    2025-01, 令和7年, 2025年 and 2025. Returns the bundle form (2025-01-31,
    2025-01 or 2025).
    """
    try:
        return parse_date(text).isoformat()
    except DateError as full_error:
        s = _clean(text) if isinstance(text, str) else ""
        if m := _ISO_PARTIAL.fullmatch(s):
            if m.group(3) is None:
                return parse_iso_partial(s)
        elif m := _YM.fullmatch(s):
            return _month(text, int(m.group(1)), int(m.group(2) or m.group(3)))
        elif m := _Y.fullmatch(s):
            return parse_iso_partial(m.group(1))
        elif m := _ERA_YM.fullmatch(s):
            era, year = _era_year(text, m.group("era"), m.group("y"))
            value = _month(text, year, int(m.group("m1") or m.group("m2")))
            first = date(year, int(value[5:]), 1)
            last = date(year + (first.month == 12), first.month % 12 + 1, 1)
            if last <= era.first_day or (era.last_day is not None and first > era.last_day):
                raise DateError(
                    f"{text.strip()!r} lies outside {era.name}",
                    f"{era.name}にない年月です: {text.strip()}",
                ) from None
            return value
        elif m := _ERA_Y.fullmatch(s):
            era, year = _era_year(text, m.group("era"), m.group("y"))
            if era.last_day is not None and year > era.last_day.year:
                raise DateError(
                    f"{era.name} has no year {year - era.first_year + 1}: {text.strip()!r}",
                    f"{era.name}にない年です: {text.strip()}",
                ) from None
            return f"{year:04d}"
        raise full_error from None


def date_precision(value: str) -> str:
    """day, month or year for a date in bundle form."""
    return {10: PRECISION_DAY, 7: PRECISION_MONTH}.get(len(value), PRECISION_YEAR)


def first_day(value: str) -> date:
    """The first day a date of any precision covers (for comparisons, never for display)."""
    value = parse_iso_partial(value)
    if len(value) == 10:
        return date.fromisoformat(value)
    return date(int(value[:4]), int(value[5:7]) if len(value) == 7 else 1, 1)


def partial_fiscal_year(value: str) -> int | None:
    """The fiscal year of a day or a month; None for a bare year, which spans two."""
    value = parse_iso_partial(value)
    if len(value) == 4:
        return None
    return fiscal_year(first_day(value))


def format_partial_japanese(value: str, *, weekday: bool = False) -> str:
    """令和6年10月21日, 令和7年1月 or 令和7年: a date shown to the precision it has."""
    value = parse_iso_partial(value)
    if len(value) == 10:
        return format_japanese(date.fromisoformat(value), weekday=weekday)
    year = int(value[:4])
    if len(value) == 7:
        month = int(value[5:])
        era = era_of(date(year, month, 1))
        return f"{era.name}{era_year_text(year - era.first_year + 1)}年{month}月"
    era = era_of(date(year, 12, 31))
    return f"{era.name}{era_year_text(year - era.first_year + 1)}年"
