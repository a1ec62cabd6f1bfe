"""The editor's rows: typed as staff write, checked beside the field, old text lines moved over."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit
from zebkb_edit_kit import QT_LOG_IGNORE, open_editor, save, settle
from zebkb_testing import case_record

from zebkb.ui.edit.fieldwidgets import RowsEditor

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def _type(editor: RowsEditor, row: int, column: str, text: str) -> None:
    index = [c.name for c in editor.field.columns].index(column)
    editor.table.item(row, index).setText(text)


def _check(editor: RowsEditor, row: int, column: str) -> None:
    index = [c.name for c in editor.field.columns].index(column)
    editor.table.item(row, index).setCheckState(Qt.CheckState.Checked)


def test_operation_years_typed_in_era_and_with_separators_are_saved_as_rows(
    qtbot: Any, ectx: Any, kb: Any
) -> None:
    saved = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", saved)
    rows = dialog.editors["operation_years"]
    assert isinstance(rows, RowsEditor)
    rows.add_button.click()
    _type(rows, 0, "fiscal_year", "令和5年度")
    _type(rows, 0, "primary_energy_mj_m2", "1,200.5")
    rows.add_button.click()
    _type(rows, 1, "fiscal_year", "2024")
    _type(rows, 1, "primary_energy_mj_m2", "千")
    assert not settle(qtbot, dialog)
    problem = dialog.field_error("operation_years")
    assert "2行目" in problem
    assert "一次エネルギー消費量実績" in problem
    _type(rows, 1, "primary_energy_mj_m2", "980")
    _type(rows, 1, "generation_mj_m2", "40")
    stages = dialog.editors["stage_dates"]
    stages.add_button.click()
    _type(stages, 0, "stage", "竣工")
    _type(stages, 0, "planned_on", "令和7年1月")
    _type(stages, 0, "actual_on", "令和7年7月")
    assert settle(qtbot, dialog), dialog.message.text()
    record = save(qtbot, dialog)
    assert record["operation_years"] == [
        {"fiscal_year": 2023, "primary_energy_mj_m2": 1200.5},
        {"fiscal_year": 2024, "primary_energy_mj_m2": 980, "generation_mj_m2": 40},
    ]
    assert record["stage_dates"] == [
        {"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07"}
    ]
    # The 竣工 row gave the completion date, so the case counts in its fiscal year.
    assert record["completed_on"] == "2025-07"


def test_a_material_is_named_by_its_attached_file_and_saved_by_its_hash(
    qtbot: Any, ectx: Any, kb: Any, tmp_path: Any
) -> None:
    handout = tmp_path / "資料1.pdf"
    handout.write_bytes(b"%PDF-1.4 handout")
    session = kb.save(
        {"type": "session", "title": "勉強会", "ward": "131229", "held_on": "2024-11-05"}
    )
    session = kb.add_attachment(session["uid"], handout)
    sha = session["attachments"][0]["sha256"]
    dialog = open_editor(qtbot, ectx, "session", session)
    materials = dialog.editors["materials"]
    materials.add_button.click()
    _type(materials, 0, "number", "資料1")
    _type(materials, 0, "title", "ZEBの概要")
    _type(materials, 0, "file", "資料2.pdf")
    assert not settle(qtbot, dialog)
    assert "添付にありません" in dialog.field_error("materials")
    _type(materials, 0, "file", "資料1.pdf")
    _type(materials, 0, "url", "https://www.env.go.jp/earth/zeb/")
    assert settle(qtbot, dialog), dialog.message.text()
    record = save(qtbot, dialog)
    assert record["materials"] == [
        {
            "number": "資料1",
            "title": "ZEBの概要",
            "file": sha,
            "url": "https://www.env.go.jp/earth/zeb/",
        }
    ]
    # Opened again, the file reads by its name, and comes back as its hash.
    again = open_editor(qtbot, ectx, "session", record)
    assert again.editors["materials"].table.item(0, 2).text() == "資料1.pdf"
    assert again.editors["materials"].value() == record["materials"]


def test_old_attendance_lines_open_as_rows_and_are_saved_as_rows(
    qtbot: Any, ectx: Any, kb: Any
) -> None:
    session = kb.save(
        {
            "type": "session",
            "title": "勉強会",
            "ward": "131229",
            "held_on": "2024-11-05",
            "attendance": ["葛飾区 営繕課 3", "営繕課の職員"],
        }
    )
    dialog = open_editor(qtbot, ectx, "session", session)
    groups = dialog.editors["attendance_groups"]
    assert groups.table.rowCount() == 1
    assert groups.table.item(0, 0).text() == "葛飾区"
    assert not dialog.is_dirty()  # moving the lines over is not an edit by itself
    groups.add_button.click()
    _type(groups, 1, "organisation", "環境省")
    _type(groups, 1, "count", "2")
    follow = dialog.editors["follow_up_items"]
    follow.add_button.click()
    _type(follow, 0, "what", "質問への回答")
    _type(follow, 0, "due", "令和6年12月20日")
    _check(follow, 0, "done")
    assert settle(qtbot, dialog), dialog.message.text()
    record = save(qtbot, dialog)
    assert record["attendance_groups"] == [
        {"municipality": "131229", "department": "営繕課", "count": 3},
        {"organisation": "環境省", "count": 2},
    ]
    # The line zebkb could not read is kept as it was.
    assert record["attendance"] == ["営繕課の職員"]
    assert record["follow_up_items"] == [
        {"what": "質問への回答", "due": "2024-12-20", "done": True}
    ]


def test_stored_rows_read_in_the_chosen_language_and_come_back_unchanged(
    qtbot: Any, ectx: Any, kb: Any
) -> None:
    stages = [{"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07-31"}]
    saved = kb.save(case_record(stage_dates=stages))
    ectx.settings.date_style = "japanese"
    dialog = open_editor(qtbot, ectx, "case", saved)
    editor = dialog.editors["stage_dates"]
    assert [editor.table.item(0, c).text() for c in range(3)] == [
        "竣工",
        "令和7年1月",
        "令和7年7月31日",
    ]
    ectx.tr.set_language("en")
    assert editor.table.item(0, 0).text() != "竣工"
    assert editor.table.horizontalHeaderItem(0).text() == "Stage"
    assert editor.value() == stages
    assert not dialog.is_dirty()


def test_import_and_conflict_views_read_rows_by_their_labels(qtbot: Any) -> None:
    from zebkb.ui.core.i18n import Translator
    from zebkb.ui.edit.diffview import value_text

    rows = [{"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07-31"}]
    assert value_text(rows, Translator("ja"), "stage_dates", "case") == (
        "段階: 竣工、予定日: 2025年1月、実績日: 2025年7月31日"
    )
    assert value_text(rows, Translator("en"), "stage_dates", "case") == (
        "Stage: Completed, Planned: 2025-01, Actual: 2025-07-31"
    )


def test_western_style_dates_read_as_japanese_text_never_iso(
    qtbot: Any, ectx: Any, kb: Any
) -> None:
    stages = [{"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07-31"}]
    saved = kb.save(case_record(stage_dates=stages))
    ectx.settings.date_style = "western"
    dialog = open_editor(qtbot, ectx, "case", saved)
    editor = dialog.editors["stage_dates"]
    assert [editor.table.item(0, c).text() for c in (1, 2)] == ["2025年1月", "2025年7月31日"]
    _type(editor, 0, "planned_on", "2025年2月")
    assert settle(qtbot, dialog), dialog.message.text()
    assert save(qtbot, dialog)["stage_dates"][0]["planned_on"] == "2025-02"


def test_a_follow_up_typed_by_keyboard_then_saved_with_ctrl_s(
    qtbot: Any, ectx: Any, kb: Any
) -> None:
    """Add a row, Enter to edit a cell, type, Enter to finish; Ctrl+S saves the record."""
    visit = kb.save(
        {"type": "visit", "title": "視察の受入", "ward": "131229", "visited_on": "2024-10-21"}
    )
    dialog = open_editor(qtbot, ectx, "visit", visit)
    dialog.activateWindow()
    rows = dialog.editors["follow_up_items"]
    qtbot.mouseClick(rows.add_button, Qt.MouseButton.LeftButton)
    table = rows.table
    table.setFocus()
    # Latin keys: QTest types key by key, as a keyboard without an input method does.
    for column, text in ((0, "Share the notes"), (1, "Kankyo-ka"), (2, "R6.11")):
        table.setCurrentCell(0, column)
        qtbot.keyClick(table, Qt.Key.Key_Return)  # edits the cell, does not save the dialog
        assert table.state() == QAbstractItemView.State.EditingState, column
        # The cell's editor (the offscreen window is never active, so focus cannot say).
        (editor,) = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    assert dialog.isVisible()
    assert settle(qtbot, dialog), dialog.message.text()
    with qtbot.waitSignal(dialog.saved, timeout=5000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args[0]["follow_up_items"] == [
        {"what": "Share the notes", "who": "Kankyo-ka", "due": "2024-11"}
    ]


def test_import_and_conflict_views_read_codes_wards_and_dates_as_people_say_them(
    qtbot: Any,
) -> None:
    """The import plan showed 構造 "RC" (the detail says 鉄筋コンクリート造)."""
    from zebkb.ui.core.i18n import Translator
    from zebkb.ui.edit.diffview import value_text

    ja, en = Translator("ja"), Translator("en")
    assert value_text("RC", ja, "structure", "case") == "鉄筋コンクリート造"
    assert value_text("RC", en, "structure", "case") == "Reinforced concrete"
    assert value_text("131091", ja, "ward", "case") == "品川区"
    assert value_text("131091", en, "ward", "case") == "Shinagawa"
    assert value_text("2025-07-31", ja, "completed_on", "case") == "2025年7月31日"
    assert value_text(["太陽光発電"], en, "technologies", "case") == "Solar power"
    # A field of no vocabulary keeps its text as written.
    assert value_text("RC", ja, "title", "case") == "RC"


@pytest.mark.parametrize(("style", "year"), [("japanese", "令和6年度"), ("western", "2024年度")])
def test_a_year_typed_twice_is_named_as_the_date_style_writes_it(
    qtbot: Any, ectx: Any, kb: Any, style: str, year: str
) -> None:
    ectx.settings.date_style = style
    saved = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", saved)
    rows = dialog.editors["operation_years"]
    for row, typed in enumerate(("令和6年度", "2024")):
        rows.add_button.click()
        _type(rows, row, "fiscal_year", typed)
        _type(rows, row, "primary_energy_mj_m2", "500")
    assert not settle(qtbot, dialog)
    dialog.validate_now()
    problem = dialog.field_error("operation_years") or dialog.message.text()
    assert f"{year}が重複" in problem, problem


def test_a_year_with_other_energy_is_ticked_in_its_own_cell(qtbot: Any, ectx: Any, kb: Any) -> None:
    saved = kb.save(case_record(design_primary_energy_mj_m2=490))
    dialog = open_editor(qtbot, ectx, "case", saved)
    rows = dialog.editors["operation_years"]
    headers = [rows.table.horizontalHeaderItem(c).text() for c in range(rows.table.columnCount())]
    assert "その他（OA機器等）を含む" in headers
    rows.add_button.click()
    _type(rows, 0, "fiscal_year", "令和6年度")
    _type(rows, 0, "primary_energy_mj_m2", "650")
    _check(rows, 0, "includes_other")
    assert settle(qtbot, dialog), dialog.message.text()
    record = save(qtbot, dialog)
    assert record["operation_years"] == [
        {"fiscal_year": 2024, "primary_energy_mj_m2": 650, "includes_other": True}
    ]
