"""The record pane shows rows as tables and 運用実績 as design-against-actual bars."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx
from zebkb_testing import case_record

from zebkb.ui.main import detail as detail_module
from zebkb.ui.main.detail import (
    ACTUAL_COLOUR,
    CHART_WIDTH,
    DESIGN_COLOUR,
    MISSED_COLOUR,
    OTHER_COLOUR,
    DetailPane,
    load_detail,
)

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b")

CASE = case_record(
    standard_primary_energy_mj_m2=1000,
    design_primary_energy_mj_m2=490,
    bei=0.49,
    operation_years=[
        {"fiscal_year": 2023, "primary_energy_mj_m2": 480},
        {"fiscal_year": 2024, "primary_energy_mj_m2": 520, "generation_mj_m2": 40},
    ],
    stage_dates=[
        {"stage": "construction", "actual_on": "2023-07"},
        {"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07"},
    ],
    completed_on="2025-07",
)
SESSION = {
    "type": "session",
    "title": "ZEB勉強会",
    "ward": "131229",
    "held_on": "2024-11-05",
    "attendees": 6,
    "attendance_groups": [
        {"municipality": "131229", "department": "営繕課", "count": 3},
        {"organisation": "環境省", "count": 2},
    ],
    "materials": [
        {"number": "資料1", "title": "ZEBの概要", "url": "https://www.env.go.jp/earth/zeb/"}
    ],
    "follow_up_items": [
        {"what": "質問への回答", "who": "営繕課", "due": "2024-12-20", "done": True}
    ],
}


def _page(qtbot: Any, kb: Any, tmp_path: Path, record: dict, lang: str, style: str) -> str:
    saved = kb.save(record)
    ctx = make_ctx(kb, tmp_path / f"{lang}-{style}.ini", lang)
    ctx.settings.date_style = style
    try:
        pane = DetailPane(ctx)
        qtbot.addWidget(pane)
        return pane.page_html(load_detail(kb, saved["uid"], ()))
    finally:
        ctx.runner.shutdown()


def _bars(page: str) -> list[tuple[int, str]]:
    return [
        (int(w), c)
        for w, c in re.findall(r"<td width='(\d+)' height='10' bgcolor='([^']+)'>", page)
    ]


def test_operation_rows_show_as_a_table_and_design_against_actual_bars(
    qtbot: Any, kb: Any, tmp_path: Path
) -> None:
    page = _page(qtbot, kb, tmp_path, CASE, "ja", "japanese")
    assert "運用実績（年度別）" in page
    assert "令和5年度" in page
    assert "令和6年度" in page
    assert "設計値と運用実績" in page
    bars = _bars(page)
    # Per year: design, then actual; the longest (520) fills the chart's width.
    assert [w for w, _ in bars] == [
        round(CHART_WIDTH * 490 / 520),
        round(CHART_WIDTH * 480 / 520),
        round(CHART_WIDTH * 490 / 520),
        CHART_WIDTH,
    ]
    assert bars[3][1] == MISSED_COLOUR
    assert bars[1][1] != MISSED_COLOUR
    assert "基準から52%削減" in page  # FY2023: 1 − 480/1000
    # The warning banner names the year that missed, in the date style as the dates around it.
    assert "令和6年度の運用実績" in page
    assert "2024年度" not in page
    # Stage dates in the chosen style, never as ISO text.
    assert "令和7年1月" in page
    assert "令和7年7月" in page
    assert not ISO_DATE.search(re.sub(r"<[^>]+>", " ", page))


def test_a_case_without_design_figures_says_there_is_nothing_to_compare(
    qtbot: Any, kb: Any, tmp_path: Path
) -> None:
    record = case_record(operation_years=[{"fiscal_year": 2024, "primary_energy_mj_m2": 500}])
    page = _page(qtbot, kb, tmp_path, record, "ja", "western")
    assert "設計値と比べられません" in page
    assert [w for w, _ in _bars(page)] == [CHART_WIDTH]


def test_session_rows_in_english_name_places_fiscal_years_and_yes_no_in_english(
    qtbot: Any, kb: Any, tmp_path: Path
) -> None:
    page = _page(qtbot, kb, tmp_path, SESSION, "en", "western")
    for label in ("Attendance by ward and department", "Materials", "Follow-ups", "Headcount"):
        assert label in page
    assert "Katsushika" in page
    assert "2024-12-20" in page  # English shows dates as written in the western style
    assert ">yes<" in page
    # The attendance rows add up to 5, not the 6 attendees: a warning banner says so.
    assert "the attendance rows add up to 5, but attendees says 6" in page
    header_cells = re.findall(r"<th align='left' bgcolor='#eef2ef'>([^<]*)</th>", page)
    assert header_cells
    assert not any(JAPANESE.search(h) for h in header_cells)


def test_a_material_address_opens_and_other_addresses_stay_refused(
    qtbot: Any, kb: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = kb.save(SESSION)
    ctx = make_ctx(kb, tmp_path / "ja.ini", "ja")
    opened: list[str] = []
    monkeypatch.setattr(
        detail_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    try:
        pane = DetailPane(ctx)
        qtbot.addWidget(pane)
        with qtbot.waitSignal(pane.shown):
            pane.show_uid(saved["uid"])
        assert 'href="https://www.env.go.jp/earth/zeb/"' in pane.page_html(pane._data)
        pane.open_web_link("https://www.env.go.jp/earth/zeb/")
        assert opened == ["https://www.env.go.jp/earth/zeb/"]
        with qtbot.waitSignal(pane.notice):
            pane.open_web_link("https://example.invalid/")
        assert opened == ["https://www.env.go.jp/earth/zeb/"]
    finally:
        ctx.runner.shutdown()


def test_old_operation_lines_get_the_chart_too(qtbot: Any, kb: Any, tmp_path: Path) -> None:
    record = case_record(design_primary_energy_mj_m2=490, operation=["2022 480", "2023 520"])
    page = _page(qtbot, kb, tmp_path, record, "ja", "western")
    assert "設計値と運用実績" in page
    assert [c for _, c in _bars(page)].count(MISSED_COLOUR) == 1


def test_the_warning_names_the_year_in_the_western_style_too(
    qtbot: Any, kb: Any, tmp_path: Path
) -> None:
    page = _page(qtbot, kb, tmp_path, CASE, "ja", "western")
    assert "2024年度の運用実績" in page
    # The table and the chart name the years as the warning does.
    assert "令和6年度" not in page
    assert "<td rowspan='2' valign='middle'>2024年度</td>" in page
    english = _page(qtbot, kb, tmp_path, CASE, "en", "japanese")
    assert "FY2024 measured primary energy" in english


def test_the_chart_says_its_basis_and_does_not_compare_a_year_with_other_energy(
    qtbot: Any, kb: Any, tmp_path: Path
) -> None:
    rows = [
        {"fiscal_year": 2023, "primary_energy_mj_m2": 480},
        {"fiscal_year": 2024, "primary_energy_mj_m2": 650, "includes_other": True},
    ]
    record = {**CASE, "operation_years": rows}
    page = _page(qtbot, kb, tmp_path, record, "ja", "japanese")
    assert "比較の基準：その他（OA機器等）を除く一次エネルギー消費量" in page
    assert "その他（OA機器等）を含む" in page  # the table's column
    assert "その他を含む実績のため設計値と比較していません" in page
    bars = _bars(page)
    assert [c for _, c in bars] == [DESIGN_COLOUR, ACTUAL_COLOUR, DESIGN_COLOUR, OTHER_COLOUR]
    assert "運用実績（一次エネ650）が設計値" not in page  # not warned as missing design
    english = _page(qtbot, kb, tmp_path, record, "en", "western")
    assert "Compared on primary energy excluding other energy" in english
    assert "includes other energy, so not compared with design" in english


ISSUE = {
    "type": "issue",
    "title": "森林整備でのCO2吸収量確保",
    "ward": "131229",
    "fiscal_year": 2022,
    "category": "other",
    "status": "in_progress",
}


@pytest.mark.parametrize(
    ("lang", "style", "shown"),
    [("ja", "western", "2022年度"), ("ja", "japanese", "令和4年度"), ("en", "western", "FY2022")],
)
def test_an_issues_fiscal_year_reads_as_a_fiscal_year(
    qtbot: Any, kb: Any, tmp_path: Path, lang: str, style: str, shown: str
) -> None:
    """The record pane showed an issue's 年度 as a number with a thousands separator (2,022)."""
    page = _page(qtbot, kb, tmp_path, ISSUE, lang, style)
    assert f"<td>{shown}</td>" in page
    assert "2,022" not in page


@pytest.mark.parametrize(
    ("lang", "shown", "not_shown"),
    [
        ("ja", ["新築", "鉄筋コンクリート造", "見学会", "オンライン"], ["RC", "tour", "online"]),
        ("en", ["New build", "Reinforced concrete", "Tour", "Online"], ["新築", "見学会"]),
    ],
)
def test_coded_values_are_shown_by_the_labels_the_vocabularies_give(
    qtbot: Any, kb: Any, tmp_path: Path, lang: str, shown: list[str], not_shown: list[str]
) -> None:
    # The pane names codes through the one field-to-vocabulary table the command line and
    # the history's differences use (zebkb/domain/vocab.py's FIELD_VOCABULARY_NAMES).
    case = _page(
        qtbot, kb, tmp_path, case_record(project_type="new", structure="RC"), lang, "western"
    )
    session = {**SESSION, "kind": "tour", "format": "online"}
    page = case + _page(qtbot, kb, tmp_path / "s", session, lang, "western")
    text = re.sub(r"<[^>]+>", "\n", page).splitlines()
    for label in shown:
        assert label in text, label
    for code in not_shown:
        assert code not in text, code
