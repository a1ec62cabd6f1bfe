"""Bundle format 1.2's rows: 運用実績 by year, stage dates, attendance, materials, follow-ups."""

from __future__ import annotations

from typing import Any

import pytest

from zebkb.domain.fields import FieldType, fields_for
from zebkb.domain.rows import attendance_line, lines_to_rows, operation_years, typed_cell
from zebkb.domain.validate import RecordError, validate_record, warnings_for

BASE: dict[str, Any] = {
    "uid": "1b2c3d4e-0000-4000-8000-000000000001",
    "origin": "131229",
    "created_at": "2025-03-18T09:00:00+09:00",
    "updated_at": "2025-03-18T09:00:00+09:00",
    "revision": 1,
    "title": "記録",
    "ward": "131229",
}
CASE: dict[str, Any] = {
    **BASE,
    "type": "case",
    "facility_name": "葛飾区清掃事務所",
    "project_type": "new",
}
SHA = "ab" * 32
SESSION: dict[str, Any] = {
    **BASE,
    "type": "session",
    "held_on": "2025-02-07",
    "attachments": [
        {"sha256": SHA, "filename": "資料1.pdf", "media_type": "application/pdf", "size": 10}
    ],
}
VISIT: dict[str, Any] = {**BASE, "type": "visit", "visited_on": "2024-10-21"}


def _refused(record: dict[str, Any], *, strict: bool = True) -> RecordError:
    with pytest.raises(RecordError) as info:
        validate_record(record, strict=strict)
    return info.value


def test_rows_fields_are_declared_on_the_kinds_the_issue_names() -> None:
    def rows(kind: str) -> set[str]:
        return {f.name for f in fields_for(kind) if f.type is FieldType.ROWS}

    assert rows("case") == {"operation_years", "stage_dates"}
    assert rows("session") == {"attendance_groups", "materials", "follow_up_items"}
    assert rows("visit") == {"materials", "follow_up_items"}


def test_valid_rows_come_back_with_unknown_row_keys_kept() -> None:
    record = {
        **SESSION,
        "attendees": 5,
        "attendance_groups": [
            {"municipality": "131229", "department": "営繕課", "count": 3},
            {"organisation": "環境省", "count": 2, "note_from_newer_zebkb": "kept"},
        ],
        "materials": [
            {"number": "資料1", "title": "ZEBの概要", "file": SHA, "public": True},
            {"title": "報告", "url": "https://www.env.go.jp/earth/zeb/"},
        ],
        "follow_up_items": [
            {"what": "質問への回答", "who": "営繕課", "due": "2025-03", "done": False}
        ],
    }
    clean = validate_record(record)
    assert clean["attendance_groups"][1]["note_from_newer_zebkb"] == "kept"
    assert clean == record
    assert warnings_for(clean) == []


@pytest.mark.parametrize(
    ("patch", "field", "ja"),
    [
        ({"attendance_groups": [{"department": "営繕課"}]}, "attendance_groups", "「人数」は必須"),
        ({"attendance_groups": [{"count": -1}]}, "attendance_groups", "「人数」は0以上"),
        (
            {"attendance_groups": [{"count": 1, "municipality": "131228"}]},
            "attendance_groups",
            "区・市町村",
        ),
        ({"attendance_groups": ["葛飾区 3"]}, "attendance_groups", "オブジェクト"),
        ({"materials": [{"number": "1"}]}, "materials", "「資料名」は必須"),
        ({"materials": [{"title": "a", "file": "cd" * 32}]}, "materials", "添付にありません"),
        ({"materials": [{"title": "a", "url": "file:///etc/passwd"}]}, "materials", "http"),
        ({"follow_up_items": [{"who": "営繕課"}]}, "follow_up_items", "「内容」は必須"),
        ({"follow_up_items": [{"what": "x", "due": "2025-02-30"}]}, "follow_up_items", "「期限」"),
        ({"follow_up_items": [{"what": "x", "done": "yes"}]}, "follow_up_items", "「完了」"),
    ],
)
def test_broken_session_rows_are_refused_in_one_line(
    patch: dict[str, Any], field: str, ja: str
) -> None:
    error = _refused({**SESSION, **patch})
    assert error.field == field
    assert ja in error.line_ja()
    assert "row 1" in str(error)
    assert "\n" not in str(error) + error.line_ja()


def test_a_visit_takes_materials_and_follow_ups_too() -> None:
    error = _refused({**VISIT, "follow_up_items": [{"what": ""}]})
    assert error.field == "follow_up_items"
    clean = validate_record(
        {**VISIT, "follow_up_items": [{"what": "所感を共有", "who": "環境課", "done": True}]}
    )
    assert clean["follow_up_items"][0]["done"] is True


def test_case_rows_refuse_twice_the_same_year_or_stage() -> None:
    rows = [
        {"fiscal_year": 2023, "primary_energy_mj_m2": 480},
        {"fiscal_year": 2023, "primary_energy_mj_m2": 490},
    ]
    error = _refused({**CASE, "operation_years": rows})
    assert (error.field, "重複" in error.line_ja()) == ("operation_years", True)
    error = _refused({**CASE, "stage_dates": [{"stage": "design"}, {"stage": "design"}]})
    assert error.field == "stage_dates"
    error = _refused(
        {**CASE, "operation_years": [{"fiscal_year": 2023, "primary_energy_mj_m2": 0}]}
    )
    assert "より大きい" in error.line_ja()
    error = _refused({**CASE, "stage_dates": [{"stage": "demolished"}]})
    assert error.field == "stage_dates"


def test_typed_rows_read_labels_era_dates_and_drop_blank_rows() -> None:
    typed = {
        **CASE,
        "stage_dates": [
            {"stage": "竣工", "planned_on": "令和7年1月", "actual_on": "令和7年7月"},
            {"stage": "", "planned_on": None},
        ],
        "operation_years": [{"fiscal_year": "2024", "primary_energy_mj_m2": "1,200"}],
    }
    typed["operation_years"][0]["fiscal_year"] = 2024
    typed["operation_years"][0]["primary_energy_mj_m2"] = 1200
    clean = validate_record(typed, strict=False)
    assert clean["stage_dates"] == [
        {"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07"}
    ]
    # The 竣工 row gives the completion dates when they were left blank.
    assert (clean["completed_on"], clean["planned_completion_on"]) == ("2025-07", "2025-01")
    # A bundle's record is kept as sent.
    strict = validate_record(
        {**CASE, "stage_dates": [{"stage": "completed", "actual_on": "2025-07"}]}
    )
    assert "completed_on" not in strict


def test_operation_rows_give_design_against_actual_and_warn_when_design_is_missed() -> None:
    case = {
        **CASE,
        "standard_primary_energy_mj_m2": 1000,
        "design_primary_energy_mj_m2": 490,
        "bei": 0.49,
        "operation_years": [
            {"fiscal_year": 2024, "primary_energy_mj_m2": 520, "generation_mj_m2": 100},
            {"fiscal_year": 2023, "primary_energy_mj_m2": 480},
        ],
        "operation": ["2022 470", "2023 999"],  # 1.1 lines: 2023 is in the rows already
    }
    years = operation_years(case)
    assert [(y.fiscal_year, y.measured) for y in years] == [(2022, 470), (2023, 480), (2024, 520)]
    assert years[2].reduction_pct == pytest.approx(48.0)
    assert years[2].reduction_incl_pct == pytest.approx(58.0)
    assert years[0].reduction_incl_pct is None
    assert [y.misses_design for y in years] == [False, False, True]
    codes = [w.code for w in warnings_for(case)]
    assert codes == ["operation_misses_design"]
    assert "2024年度" in warnings_for(case)[0].message_ja


def test_stage_dates_that_disagree_with_the_completion_date_are_warned() -> None:
    case = {
        **CASE,
        "completed_on": "2025-07",
        "stage_dates": [{"stage": "completed", "actual_on": "2025-06"}],
    }
    assert [w.code for w in warnings_for(case)] == ["stage_dates_disagree"]
    case["stage_dates"] = [{"stage": "completed", "actual_on": "2025-07"}]
    assert warnings_for(case) == []


def test_attendance_rows_that_do_not_add_up_are_warned() -> None:
    session = {**SESSION, "attendees": 6, "attendance_groups": [{"count": 3}, {"count": 2}]}
    warnings = warnings_for(session)
    assert [w.code for w in warnings] == ["attendance_sum"]
    assert "5名" in warnings[0].message_ja
    assert "6名" in warnings[0].message_ja
    session["attendees"] = 5
    assert warnings_for(session) == []


def test_old_text_lines_move_into_rows_and_unreadable_ones_stay() -> None:
    assert attendance_line("葛飾区 営繕課 3") == {
        "municipality": "131229",
        "department": "営繕課",
        "count": 3,
    }
    assert attendance_line("環境省 2名") == {"organisation": "環境省", "count": 2}
    assert attendance_line("営繕課の職員") is None
    moved = lines_to_rows({**SESSION, "attendance": ["葛飾区 営繕課 3", "営繕課の職員"]})
    assert moved["attendance_groups"] == [
        {"municipality": "131229", "department": "営繕課", "count": 3}
    ]
    assert moved["attendance"] == ["営繕課の職員"]
    case = lines_to_rows(
        {
            **CASE,
            "operation": ["2022 480 120", "去年 500"],
            "operation_years": [{"fiscal_year": 2022, "primary_energy_mj_m2": 470}],
        }
    )
    assert case["operation_years"] == [{"fiscal_year": 2022, "primary_energy_mj_m2": 470}]
    assert case["operation"] == ["2022 480 120", "去年 500"]
    # Every line read: the old field goes (a 1.1 reader keeps the rows as unknown fields).
    assert "operation" not in lines_to_rows({**CASE, "operation": ["2023 480"]})
    validate_record(moved)


@pytest.mark.parametrize(
    ("due", "today", "passed"),
    [
        ("2025-03-17", "2025-03-18", True),
        ("2025-03-18", "2025-03-18", False),  # due today is not yet overdue
        ("2025-02", "2025-02-28", False),  # a month is due until its last day
        ("2025-02", "2025-03-01", True),
        ("2024-02", "2024-02-29", False),  # leap year
        ("2024", "2024-12-31", False),
        ("2024", "2025-01-01", True),
        ("令和7年1月", "2030-01-01", False),  # not bundle form: nothing is judged
        (None, "2030-01-01", False),
    ],
)
def test_a_due_date_passes_after_its_last_day(due, today, passed) -> None:
    from datetime import date

    from zebkb.domain.rows import due_passed

    assert due_passed(due, date.fromisoformat(today)) is passed


def test_overdue_follow_ups_are_those_past_due_and_not_done() -> None:
    from datetime import date

    from zebkb.domain.rows import overdue_follow_ups

    rows = [
        {"what": "a", "due": "2025-01-01"},
        {"what": "b", "due": "2025-01-01", "done": True},
        {"what": "c", "due": "2025-01-01", "done": False},
        {"what": "d"},
        "not a row",
    ]
    session = {**SESSION, "follow_up_items": rows}
    assert [r["what"] for r in overdue_follow_ups(session, date(2025, 1, 2))] == ["a", "c"]
    assert overdue_follow_ups(session, date(2025, 1, 1)) == []
    assert overdue_follow_ups({**session, "deleted": True}, date(2026, 1, 1)) == []


def test_a_year_measured_with_other_energy_is_not_compared_with_design() -> None:
    """Design figures exclude その他 (BELS); a meter's total with it does not compare."""
    case = {
        **CASE,
        "standard_primary_energy_mj_m2": 1000,
        "design_primary_energy_mj_m2": 490,
        "bei": 0.49,
        "operation_years": [
            {"fiscal_year": 2023, "primary_energy_mj_m2": 520, "includes_other": False},
            {"fiscal_year": 2024, "primary_energy_mj_m2": 650, "includes_other": True},
        ],
    }
    clean = validate_record(case)
    assert clean["operation_years"][1]["includes_other"] is True
    without, with_other = operation_years(clean)
    assert (without.comparable, without.misses_design) == (True, True)
    assert without.reduction_pct == pytest.approx(48.0)
    assert (with_other.comparable, with_other.misses_design) == (False, False)
    assert with_other.reduction_pct is None  # the standard excludes その他 too
    assert with_other.reduction_incl_pct is None
    # Only the year on the design basis is warned as missing design.
    (warning,) = warnings_for(clean)
    assert warning.code == "operation_misses_design"
    assert warning.fiscal_year == 2023


def test_the_flag_is_a_yes_or_no() -> None:
    case = {
        **CASE,
        "operation_years": [
            {"fiscal_year": 2024, "primary_energy_mj_m2": 650, "includes_other": "yes"}
        ],
    }
    with pytest.raises(RecordError) as refused:
        validate_record(case)
    assert refused.value.field == "operation_years"


@pytest.mark.parametrize(
    ("column", "text", "typed"),
    [
        ("fiscal_year", "令和6年度", 2024),
        ("fiscal_year", "2024年度", 2024),
        ("fiscal_year", "FY2024", 2024),
        ("fiscal_year", "いつか", "いつか"),  # left for the validation to name
        ("primary_energy_mj_m2", "１，２００．５", 1200.5),
        ("primary_energy_mj_m2", "多い", "多い"),
    ],
)
def test_typed_text_of_a_rows_column(column: str, text: str, typed: Any) -> None:
    # As the editor's rows table and a list's cells both read what people type.
    operation = {f.name: f for f in fields_for("case")}["operation_years"]
    (field,) = [c for c in operation.columns if c.name == column]
    assert typed_cell(field, text) == typed
    follow_ups = {f.name: f for f in fields_for("visit")}["follow_up_items"]
    what = next(c for c in follow_ups.columns if c.type is FieldType.STRING)
    assert typed_cell(what, "1,200") == "1,200"  # text stays text
