"""Dates of month or year precision: entered as 令和7年1月, kept as 2025-01, never a day invented."""

from __future__ import annotations

import pytest

from zebkb.display import format_date as display_date
from zebkb.domain.dates import (
    DateError,
    date_precision,
    format_partial_japanese,
    parse_iso_partial,
    parse_partial_date,
    partial_fiscal_year,
)
from zebkb.domain.validate import RecordError, validate_record
from zebkb.reports import format_date as report_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("令和7年1月", "2025-01"),
        ("R7.1", "2025-01"),
        ("令和元年5月", "2019-05"),
        ("平成31年4月", "2019-04"),
        ("2025年1月", "2025-01"),
        ("2025/1", "2025-01"),
        ("２０２５－０１", "2025-01"),
        ("2025-01", "2025-01"),
        ("令和7年", "2025"),
        ("2025年", "2025"),
        ("2025", "2025"),
        ("令和7年1月31日", "2025-01-31"),
        ("2024-10-21", "2024-10-21"),
    ],
)
def test_partial_dates_as_staff_write_them(text: str, iso: str) -> None:
    assert parse_partial_date(text) == iso


@pytest.mark.parametrize(
    "text", ["令和元年4月", "平成31年5月", "2025年13月", "2025-00", "令和7年2月30日", "1800"]
)
def test_impossible_partial_dates_are_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_partial_date(text)


@pytest.mark.parametrize("text", ["2025-1", "2025-01-1", "25", "2025年1月", "", "2025-13"])
def test_bundle_form_is_exact(text: str) -> None:
    with pytest.raises(DateError):
        parse_iso_partial(text)


def test_shown_as_given() -> None:
    assert format_partial_japanese("2025-01") == "令和7年1月"
    assert format_partial_japanese("2019-04") == "平成31年4月"
    assert format_partial_japanese("2025") == "令和7年"
    assert format_partial_japanese("2024-10-21", weekday=True) == "令和6年10月21日（月）"
    assert display_date("2025-01", "japanese", "ja") == "令和7年1月"
    assert display_date("2025-01", "western", "ja") == "2025年1月"
    assert display_date("2025", "western", "en") == "2025"
    assert report_date("2025-01") == "令和7年1月"
    assert date_precision("2025-01") == "month"
    assert date_precision("2025") == "year"


@pytest.mark.parametrize(
    ("value", "fy"),
    [
        ("2025-01", 2024),  # January belongs to the previous fiscal year
        ("2025-03", 2024),
        ("2025-04", 2025),
        ("2024-10-21", 2024),
        ("2025", None),  # a bare year spans two fiscal years
    ],
)
def test_fiscal_year_of_partial_dates(value: str, fy: int | None) -> None:
    assert partial_fiscal_year(value) == fy


def test_records_keep_the_precision_given() -> None:
    typed = {
        "type": "visit",
        "title": "視察",
        "ward": "葛飾区",
        "visited_on": "令和6年10月",
    }
    assert validate_record(typed, strict=False)["visited_on"] == "2024-10"
    strict = {
        "uid": "1b2c3d4e-0000-4000-8000-000000000001",
        "origin": "131229",
        "created_at": "2025-03-18T09:00:00+09:00",
        "updated_at": "2025-03-18T09:00:00+09:00",
        "revision": 1,
        **typed,
        "ward": "131229",
    }
    assert validate_record({**strict, "visited_on": "2024-10"})["visited_on"] == "2024-10"
    assert validate_record({**strict, "visited_on": "2024"})["visited_on"] == "2024"
    with pytest.raises(RecordError) as info:
        validate_record({**strict, "visited_on": "2024/10"})
    assert "YYYY-MM" in str(info.value)
