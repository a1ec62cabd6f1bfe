"""Fiscal years and Japanese-era dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.domain.dates import (
    DateError,
    fiscal_year,
    fiscal_year_range,
    format_fiscal_year,
    format_japanese,
    parse_date,
    parse_fiscal_year,
    parse_iso_date,
)


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2024, 4, 1), 2024),
        (date(2024, 3, 31), 2023),
        (date(2025, 3, 31), 2024),
        (date(2024, 10, 21), 2024),
        (date(2025, 1, 1), 2024),
        (date(2024, 12, 31), 2024),
    ],
)
def test_fiscal_year(d: date, fy: int) -> None:
    assert fiscal_year(d) == fy


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
@settings(max_examples=200, deadline=None)
def test_fiscal_year_range_contains_its_dates(d: date) -> None:
    start, end = fiscal_year_range(fiscal_year(d))
    assert start <= d <= end
    assert (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)
    assert fiscal_year(start - timedelta(days=1)) == fiscal_year(d) - 1
    assert fiscal_year(end + timedelta(days=1)) == fiscal_year(d) + 1


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2024, 10, 21), "令和6年10月21日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1926, 12, 24), "大正15年12月24日"),
    ],
)
def test_format_japanese(d: date, text: str) -> None:
    assert format_japanese(d) == text


def test_format_japanese_with_weekday() -> None:
    assert format_japanese(date(2024, 10, 21), weekday=True) == "令和6年10月21日（月）"


def test_format_japanese_before_1873_is_refused() -> None:
    with pytest.raises(DateError, match="1873"):
        format_japanese(date(1872, 12, 31))


@pytest.mark.parametrize(
    ("year", "ja", "en"),
    [
        (2024, "令和6年度", "FY2024"),
        (2019, "令和元年度", "FY2019"),
        (2018, "平成30年度", "FY2018"),
        (1989, "平成元年度", "FY1989"),
        (1988, "昭和63年度", "FY1988"),
    ],
)
def test_format_fiscal_year(year: int, ja: str, en: str) -> None:
    assert format_fiscal_year(year) == ja
    assert format_fiscal_year(year, "en") == en
    assert parse_fiscal_year(ja) == year
    assert parse_fiscal_year(en) == year


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2024", 2024),
        ("fy2024", 2024),
        ("2024年度", 2024),
        ("R6", 2024),
        ("Ｒ６年度", 2024),
        ("平成31年度", 2019),
        (2023, 2023),
    ],
)
def test_parse_fiscal_year(text, year: int) -> None:
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize("text", ["平成32年度", "令和0年度", "FY", "next year", "24"])
def test_parse_fiscal_year_refuses(text: str) -> None:
    with pytest.raises(DateError):
        parse_fiscal_year(text)


@pytest.mark.parametrize(
    "text",
    [
        "2024-10-21",
        "2024/10/21",
        "2024.10.21",
        "20241021",
        "2024年10月21日",
        "２０２４年１０月２１日",
        "２０２４－１０－２１",
        "令和6年10月21日",
        "令和６年１０月２１日",
        "令和 6 年 10 月 21 日",
        "令和六年十月二十一日",
        "R6.10.21",
        "r6/10/21",
        "Ｒ６．１０．２１",
        "㋿6年10月21日",
        "令和6年10月21日(月)",
        "令和6年10月21日（月）",
        "令和6年10月21日(月曜日)",
        "2024-10-21 (Mon)",
        "  2024-10-21\n",
    ],
)
def test_parse_date_forms(text: str) -> None:
    assert parse_date(text) == date(2024, 10, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("㍻元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S50.1.1", date(1975, 1, 1)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_parse_date_era_edges(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2024-02-30", "no such date"),
        ("2023-02-29", "no such date"),
        ("令和6年2月30日", "no such date"),
        ("令和0年5月1日", "no year 0"),
        ("平成32年1月1日", "平成 ended"),
        ("平成31年5月1日", "平成 ended"),
        ("昭和64年1月8日", "昭和 ended"),
        ("平成元年1月7日", "before 平成 began"),
        ("令和元年4月30日", "before 令和 began"),
        ("明治5年12月1日", "1873"),
        ("令和6年10月21日(火)", "not a Tue"),
        ("2024-10-21(Sun)", "not a Sun"),
        ("yesterday", "not a date"),
        ("2024-10", "not a date"),
        ("", "empty"),
        ("令和6年10月21", "not a date"),
    ],
)
def test_parse_date_refuses_with_one_line(text: str, fragment: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)
    assert info.value.message_ja
    assert "\n" not in info.value.message_ja


def test_parse_date_refuses_non_text() -> None:
    with pytest.raises(DateError):
        parse_date(20241021)  # type: ignore[arg-type]


@given(st.dates(min_value=date(1989, 1, 8), max_value=date(2099, 12, 31)), st.booleans())
@settings(max_examples=300, deadline=None)
def test_japanese_round_trip(d: date, weekday: bool) -> None:
    assert parse_date(format_japanese(d, weekday=weekday)) == d


@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2200, 12, 31)))
@settings(max_examples=200, deadline=None)
def test_iso_round_trip(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_iso_date(d.isoformat()) == d


@pytest.mark.parametrize(
    "text", ["2024/10/21", "2024-1-5", "20241021", "2024-W43-1", "2024-02-30", " 2024-10-21", 5]
)
def test_parse_iso_date_is_strict(text) -> None:
    with pytest.raises(DateError):
        parse_iso_date(text)
