"""A fiscal year a warning or refusal names is written in the reader's date style.

令和6年度 in the era style, 2024年度 in the western one, FY2024 in English: the
same as the dates around it (zebkb/display.py), not 2024年度 whatever the style.
"""

from __future__ import annotations

from typing import Any

import pytest

from zebkb.display import fiscal_year_label
from zebkb.domain.validate import RecordError, validate_record, warnings_for
from zebkb.errors import InputError

CASE: dict[str, Any] = {
    "uid": "1b2c3d4e-0000-4000-8000-000000000001",
    "origin": "131229",
    "created_at": "2025-03-18T09:00:00+09:00",
    "updated_at": "2025-03-18T09:00:00+09:00",
    "revision": 1,
    "type": "case",
    "title": "記録",
    "ward": "131229",
    "facility_name": "葛飾区清掃事務所",
    "project_type": "new",
    "standard_primary_energy_mj_m2": 1000,
    "design_primary_energy_mj_m2": 490,
    "bei": 0.49,
    "operation_years": [{"fiscal_year": 2024, "primary_energy_mj_m2": 520}],
}


@pytest.mark.parametrize(
    ("style", "lang", "shown"),
    [
        ("japanese", "ja", "令和6年度"),
        ("western", "ja", "2024年度"),
        ("iso", "ja", "2024年度"),
        ("japanese", "en", "FY2024"),
        ("western", "en", "FY2024"),
    ],
)
def test_a_fiscal_year_in_each_date_style(style, lang, shown) -> None:
    assert fiscal_year_label(2024, lang, style) == shown


def test_lists_keep_naming_years_by_era_and_old_years_still_read() -> None:
    assert fiscal_year_label(2019, "ja") == "令和元年度"
    assert fiscal_year_label(1500, "ja", "japanese") == "1500年度"  # before the eras zebkb knows


@pytest.mark.parametrize(
    ("style", "lang", "year"),
    [("japanese", "ja", "令和6年度"), ("western", "ja", "2024年度"), ("japanese", "en", "FY2024")],
)
def test_the_operation_warning_names_its_year_in_the_style(style, lang, year) -> None:
    (warning,) = warnings_for(CASE)
    text = warning.message(lang, style)
    assert text.startswith(year), text
    assert "{" not in text
    other = {"令和6年度", "2024年度", "FY2024"} - {year}
    assert not any(o in text for o in other), text


def test_scripts_read_the_warning_with_a_western_year() -> None:
    (warning,) = warnings_for(CASE)
    assert warning.as_json()["message_ja"].startswith("2024年度の運用実績")
    assert warning.as_json()["message_en"].startswith("FY2024 measured")


def test_a_year_given_twice_is_refused_naming_it_in_the_style() -> None:
    twice = {
        **CASE,
        "operation_years": [
            {"fiscal_year": 2024, "primary_energy_mj_m2": 520},
            {"fiscal_year": 2024, "primary_energy_mj_m2": 510},
        ],
    }
    with pytest.raises(RecordError) as refused:
        validate_record(twice, strict=False)
    exc = refused.value
    assert "令和6年度が重複" in exc.message("ja", "japanese")
    assert "2024年度が重複" in exc.message("ja", "western")
    assert "2024年度が重複" in exc.message("ja")  # no style: western
    assert "FY2024 is given twice" in exc.message("en", "japanese")
    assert exc.short_message("ja", "japanese") == "2行目: 令和6年度が重複しています"
    assert "{" not in str(exc) + exc.message_ja


def test_a_wrapping_refusal_keeps_the_year_to_write_in_the_style() -> None:
    exc = InputError(
        "{fiscal_year} is out of range", message_ja="{fiscal_year}は範囲外です", fiscal_year=2024
    )
    assert exc.message("ja", "japanese") == "令和6年度は範囲外です"
    assert exc.message("ja") == "2024年度は範囲外です"
    assert str(exc) == "FY2024 is out of range"
