"""The one formatter: numbers, dates and instants read the same in the window, the PDFs and the CLI."""

from __future__ import annotations

from datetime import date

import pytest

from zebkb import display, reports, versions


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "shown"),
    [
        (1234.001, 2, "㎡", "1,234㎡"),  # was "1,234.㎡" on the printed sheet
        (1234.001, 2, " ㎡", "1,234 ㎡"),
        (7985.46, 2, " ㎡", "7,985.46 ㎡"),
        (12000, 2, "", "12,000"),
        (12000.0, 2, "", "12,000"),
        (1866.5, 2, "", "1,866.5"),
        (0.999, 2, "", "1"),  # rounded up to a whole number: no "1.0"
        (-0.001, 2, "", "0"),
        (1234.001, None, "", "1,234.001"),  # every digit when asked
        (None, 2, "㎡", ""),
        (True, 2, "", ""),
    ],
)
def test_numbers(value, decimals, unit, shown) -> None:
    assert display.format_number(value, decimals, unit) == shown


def test_the_three_callers_agree_on_a_number() -> None:
    assert reports.format_number(1234.001, "㎡") == "1,234㎡"
    assert reports.format_number(None) == "—"
    assert versions.format_number(1234.001) == "1,234.001"
    assert display.format_area(1234.001) == "1,234 ㎡"


@pytest.mark.parametrize(
    ("value", "style", "lang", "shown"),
    [
        ("2024-10-21", "western", "ja", "2024年10月21日"),
        ("2024-10-21", "japanese", "ja", "令和6年10月21日"),
        ("2024-10-21", "japanese", "en", "2024-10-21"),
        ("2024-10-21", "iso", "ja", "2024-10-21"),
        (date(2019, 5, 1), "japanese", "ja", "令和元年5月1日"),
        ("2025-01", "western", "ja", "2025年1月"),
        ("2025-01", "iso", "ja", "2025-01"),
        ("いつか", "western", "ja", "いつか"),
        ("", "western", "ja", ""),
    ],
)
def test_dates(value, style, lang, shown) -> None:
    assert display.format_date(value, style, lang) == shown


def test_dates_on_the_sheet_and_in_history_come_from_the_same_place() -> None:
    assert reports.format_date("2019-05-01", weekday=True) == "令和元年5月1日（水）"
    assert reports.format_date("2025-01") == "令和7年1月"
    assert versions.format_date("2024-10-21") == "2024年10月21日"  # the window's western style
    assert versions.format_date("2024-10-21", "western", "en") == "2024-10-21"
    assert versions.format_date("2024-10-21", "japanese") == "令和6年10月21日"


def test_instants_show_in_this_computers_time(monkeypatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        _instants_in_tokyo()
        # The same instant from a computer in UTC, read here in Tokyo's time.
        assert display.format_instant("2025-03-18T00:00:00Z", "western", "ja") == (
            "2025年3月18日 09:00"
        )
    finally:
        monkeypatch.undo()
        time.tzset()


def _instants_in_tokyo() -> None:
    moment = "2025-03-18T09:00:00+09:00"
    assert display.format_instant(moment, "western", "ja") == "2025年3月18日 09:00"
    assert display.format_instant(moment, "western", "en") == "2025-03-18 09:00"
    assert versions.format_moment(moment, "japanese") == "令和7年3月18日 09:00"
    assert display.format_timestamp(moment, "japanese", "ja") == "令和7年3月18日 09:00"
    assert display.format_instant("not a time", "western", "ja") == "not a time"


def test_a_rows_key_from_a_newer_zebkb_is_shown_cut_short() -> None:
    from zebkb.display import EXTRA_CHARS, row_line
    from zebkb.domain.fields import fields_for

    (follow,) = [f for f in fields_for("session") if f.name == "follow_up_items"]
    line = row_line(follow, {"what": "回答", "priority": "x" * 10_000}, "western", "ja")
    assert line.startswith("内容: 回答、priority: xxx")
    assert len(line) < EXTRA_CHARS + 30
    assert line.endswith("…")
