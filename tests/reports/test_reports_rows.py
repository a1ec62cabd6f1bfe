"""Printed sheets carry the rows: 運用実績 as a design-against-actual chart, stage dates,
attendance, materials and follow-ups, dates in the Japanese era and never as ISO text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from zebkb_report_kit import pdf_pages, pdf_text
from zebkb_testing import case_record

from zebkb import pdf
from zebkb.reports import case_sheet, operation_bars

ISO_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")
OPERATION = [
    {"fiscal_year": 2023, "primary_energy_mj_m2": 480},
    {"fiscal_year": 2024, "primary_energy_mj_m2": 520, "generation_mj_m2": 40},
]


def _write(kb: Any, record: dict, tmp_path: Path) -> Path:
    saved = kb.save(record)
    return pdf.write_record_report(kb, saved["uid"], tmp_path / f"{saved['uid']}.pdf")


def test_the_case_sheet_charts_design_against_actual_and_prints_stage_dates(
    kb: Any, tmp_path: Path
) -> None:
    record = case_record(
        standard_primary_energy_mj_m2=1000,
        design_primary_energy_mj_m2=490,
        bei=0.49,
        operation_years=OPERATION,
        stage="operation",
        stage_dates=[{"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07"}],
    )
    out = _write(kb, record, tmp_path)
    assert len(pdf_pages(out)) == 1
    text = pdf_text(out)
    assert "運用実績（設計値との比較" in text
    for words in ("令和5年度", "令和6年度", "基準から52%削減", "基準から48%削減、発電 40"):
        assert words in text
    assert "竣工（予定 令和7年1月、実績 令和7年7月）" in text
    assert "現在: 運用" in text
    chart = text[text.index("運用実績（設計値との比較") : text.index("導入技術")]
    assert not ISO_DATE.search(chart)


def test_the_chart_bars_follow_the_figures(kb: Any) -> None:
    record = case_record(design_primary_energy_mj_m2=490, operation_years=OPERATION)
    bars = operation_bars(record)
    assert [(b.year, b.design, b.measured, b.misses_design) for b in bars] == [
        ("令和5年度", 490, 480, False),
        ("令和6年度", 490, 520, True),
    ]
    drawing = pdf.operation_chart(bars)
    widths = sorted(
        round(shape.width / pdf.mm, 1)
        for shape in drawing.contents
        if type(shape).__name__ == "Rect" and shape.height == pdf.CHART_BAR - 0.6
    )
    # Four bars (design and actual, two years); the longest (520) fills the bar area.
    assert len(widths) == 4
    assert widths[-1] == round(pdf.CHART_BAR_AREA / pdf.mm, 1)
    assert widths[0] == round(pdf.CHART_BAR_AREA * 480 / 520 / pdf.mm, 1)
    assert case_sheet(kb, kb.save(case_record())).operation == ()


def test_the_case_sheet_says_its_basis_and_sets_apart_a_year_with_other_energy(
    kb: Any, tmp_path: Path
) -> None:
    rows = [*OPERATION, {"fiscal_year": 2025, "primary_energy_mj_m2": 700, "includes_other": True}]
    record = case_record(
        standard_primary_energy_mj_m2=1000,
        design_primary_energy_mj_m2=490,
        bei=0.49,
        operation_years=rows,
    )
    bars = operation_bars(record)
    assert [(b.misses_design, b.comparable) for b in bars] == [
        (False, True),
        (True, True),
        (False, False),
    ]
    assert bars[2].note == "その他を含む実績のため設計値と比較していません"
    colours = [
        shape.fillColor
        for shape in pdf.operation_chart(bars).contents
        if type(shape).__name__ == "Rect" and shape.height == pdf.CHART_BAR - 0.6
    ]
    assert colours[-1] == pdf.CHART_OTHER  # the 2025 actual bar, neither green nor red
    out = _write(kb, record, tmp_path)
    text = pdf_text(out)
    assert "比較の基準：その他（OA機器等）を除く一次エネルギー消費量" in text
    assert "その他を含む実績のため設計値と比較していません" in text
    assert "令和7年度の運用実績" not in text  # only the 令和6年度 year is warned
    assert "令和6年度の運用実績" in text


def test_a_case_sheet_with_many_years_and_a_long_body_stays_one_page(
    kb: Any, tmp_path: Path
) -> None:
    lessons = "\n".join(f"- 留意点{i}: " + "断熱と高効率空調。" * 6 for i in range(60))
    years = [{"fiscal_year": 2010 + i, "primary_energy_mj_m2": 400 + i} for i in range(15)]
    out = _write(
        kb,
        case_record(
            body=f"## 工夫・留意点\n{lessons}",
            design_primary_energy_mj_m2=410,
            operation_years=years,
        ),
        tmp_path,
    )
    assert len(PdfReader(out).pages) == 1
    text = pdf_text(out)
    assert "令和6年度" in text  # the latest years are the ones shown
    assert "平成22年度" not in text


def test_minutes_print_attendance_materials_and_follow_ups(kb: Any, tmp_path: Path) -> None:
    session = {
        "type": "session",
        "title": "ZEB勉強会",
        "ward": "131229",
        "held_on": "2024-11-05",
        "attendees": 5,
        "attendance_groups": [
            {"municipality": "131229", "department": "営繕課", "count": 3},
            {"organisation": "環境省", "count": 2},
        ],
        "materials": [{"number": "資料1", "title": "ZEBの概要", "public": True}],
        "follow_up_items": [
            {"what": "質問への回答", "who": "営繕課", "due": "2024-12-20", "done": True}
        ],
    }
    text = pdf_text(_write(kb, session, tmp_path))
    assert "参加内訳区・市町村: 葛飾区、部署: 営繕課、人数: 3所属: 環境省、人数: 2" in text
    assert "資料資料番号: 資料1、資料名: ZEBの概要、公開可: はい" in text
    assert "後日対応内容: 質問への回答、担当: 営繕課、期限: 令和6年12月20日、完了: はい" in text
    visit = {
        "type": "visit",
        "title": "清掃事務所視察の受入",
        "ward": "131229",
        "visited_on": "2024-10-21",
        "follow_up_items": [{"what": "所感の共有", "who": "環境課", "due": "2024-11"}],
    }
    text = pdf_text(_write(kb, visit, tmp_path))
    # Not done, due 令和6年11月, printed in 令和7年3月 (the knowledge base's clock): overdue.
    assert "後日対応【期限切れ】内容: 所感の共有、担当: 環境課、期限: 令和6年11月" in text


@pytest.mark.parametrize(
    ("due", "done", "overdue"),
    [
        ("2025-03-17", False, True),  # the day before the clock's day
        ("2025-03-18", False, False),  # due today: not yet overdue
        ("2025-02", False, True),  # a month is due until its last day
        ("2025-03", False, False),
        ("2024", False, True),
        ("2025", False, False),
        ("2025-01-10", True, False),  # done
    ],
)
def test_minutes_mark_a_follow_up_overdue_by_the_knowledge_base_clock(
    kb: Any, tmp_path: Path, due: str, done: bool, overdue: bool
) -> None:
    visit = {
        "type": "visit",
        "title": "視察の受入",
        "ward": "131229",
        "visited_on": "2024-10-21",
        "follow_up_items": [{"what": "資料の送付", "due": due, "done": done}],
    }
    text = pdf_text(_write(kb, visit, tmp_path))
    assert ("【期限切れ】内容: 資料の送付" in text) is overdue, text


def _overflowing_case(**overrides: Any) -> dict:
    """A case whose fixed part (title, overview, rank, chart, technologies) alone is
    taller than a page at the normal font: every one-line field at its longest."""
    long = "区立施設の大規模改修に伴う省エネルギー化と再生可能エネルギー導入の検討経緯"
    line = (long * 6)[:200]
    stages = ["planning", "design", "construction", "completed", "operation"]
    record = case_record(
        title=line,
        facility_name=line,
        facility_type=line,
        structure=line,
        standard_primary_energy_mj_m2=1000,
        design_primary_energy_mj_m2=490,
        bei=0.49,
        operation_years=[
            {"fiscal_year": 2019 + i, "primary_energy_mj_m2": 470 + 10 * i} for i in range(6)
        ],
        stage="operation",
        stage_dates=[
            {"stage": stage, "planned_on": "2024-01", "actual_on": "2024-07"} for stage in stages
        ],
        technologies=[f"技術{i}" + "高効率" * 8 for i in range(40)],
        body="## 工夫・留意点\n" + "\n".join(f"- 留意点{i}: " + long for i in range(30)),
    )
    record.update(overrides)
    return record


def test_a_case_sheet_a_little_too_long_shrinks_its_type_onto_one_page(
    kb: Any, tmp_path: Path
) -> None:
    # Even with no lessons at all this is taller than a page at the normal size; it
    # used to be refused ("does not fit on one page").
    record = _overflowing_case(
        technologies=["高断熱"],
        structure="RC造",
        facility_type="庁舎",
        operation_years=[
            {"fiscal_year": 2022 + i, "primary_energy_mj_m2": 470 + 10 * i} for i in range(3)
        ],
    )
    out = _write(kb, record, tmp_path)
    assert len(PdfReader(out).pages) == 1
    text = pdf_text(out)
    for words in ("運用実績（設計値との比較", "令和6年度", "導入技術", "高断熱", "工夫・留意点"):
        assert words in text
    assert pdf.MORE_IN_ZEBKB in text


def test_a_case_sheet_whose_fixed_part_overflows_runs_onto_a_second_page(
    kb: Any, tmp_path: Path
) -> None:
    # Refusing to print a real case is never right: too long even in the smallest type,
    # the sheet runs onto numbered pages, nothing of the fixed part left out.
    out = _write(kb, _overflowing_case(), tmp_path)
    pages = pdf_pages(out)
    assert len(pages) >= 2
    assert "zebkb" in pages[1]
    assert "・ 2" in pages[1]
    text = pdf_text(out)
    for words in ("施設名", "構造", "運用（予定 令和6年1月、実績 令和6年7月）", "判定"):
        assert words in text
    assert "令和6年度" in text
    assert "導入技術" in text
    assert "技術0高効率" in text
    assert "留意点0" in text  # the later pages have room for some of the lessons
