"""Record editor: forms from the declarations, create and edit each kind, inline validation,
era dates, list editing, case pickers, the live rank check, concurrency, leaving."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from zebkb_edit_kit import DEMO_CASE, QT_LOG_IGNORE, open_editor, pick_case, save, settle, wait_idle
from zebkb_testing import case_record

from zebkb.domain.fields import fields_for
from zebkb.domain.numbers import parse_number
from zebkb.ui.edit.editor import NOT_EDITED, form_fields

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


@pytest.mark.parametrize("kind", ["case", "visit", "session", "issue", "owner"])
def test_every_declared_field_has_an_input(qtbot, ectx, kind) -> None:
    dialog = open_editor(qtbot, ectx, kind)
    # A legacy field (the 1.0 Leading Owner flag) is kept, never offered.
    wanted = {f.name for f in fields_for(kind) if not f.legacy} - NOT_EDITED
    assert set(dialog.editors) == wanted
    assert [f.name for f in form_fields(kind)][:2] == ["title", "ward"]
    # Labels come from the declarations, required ones marked.
    assert dialog.labels["title"].text() == "件名 *"
    assert dialog.windowTitle().startswith("新規作成")


def test_new_record_starts_in_the_home_ward_and_is_not_dirty(qtbot, ectx) -> None:
    dialog = open_editor(qtbot, ectx, "visit")
    qtbot.waitUntil(lambda: dialog.editors["ward"].value() == "131229", timeout=3000)
    assert not dialog.is_dirty()
    assert not dialog.save_button.isEnabled()  # title and date are still missing


def test_create_a_case(qtbot, ectx, kb) -> None:
    dialog = open_editor(qtbot, ectx, "case")
    e = dialog.editors
    e["title"].edit.setText("水元小学校 改築")
    e["facility_name"].edit.setText("葛飾区立水元小学校")
    e["facility_type"].combo.setEditText("学校")
    e["building_use"].combo.setCurrentIndex(e["building_use"].combo.findData("学校等"))
    e["project_type"].combo.setCurrentIndex(e["project_type"].combo.findData("renovation"))
    e["zeb_rank"].combo.setEditText("ZEB Oriented相当")
    e["floor_area_m2"].edit.setText("７，９８５")
    e["floor_area_m2"].reformat()
    assert e["floor_area_m2"].edit.text() == "7,985"
    e["storeys_above"].edit.setText("3")
    e["reduction_excl_renewables_pct"].edit.setText("42.5")
    e["completed_on"].edit.setText("令和6年3月31日")
    e["uses_unevaluated_technology"].check.setChecked(True)
    for tech in ("LED照明", "Ground-source heat"):  # an English label finds the stored value
        e["technologies"].adder.setEditText(tech)
        e["technologies"].add_from_adder()
    e["tags"].add("学校")
    e["body"].edit.setPlainText("## 工夫\n- 高断熱")
    assert settle(qtbot, dialog), dialog.message.text()
    record = save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = kb.get(record["uid"])
    assert stored["revision"] == 1
    assert stored["origin"] == "131229"
    assert stored["ward"] == "131229"
    assert stored["project_type"] == "renovation"
    assert stored["zeb_rank"] == "ZEB Oriented"
    assert stored["rank_status"] == "equivalent"
    assert stored["floor_area_m2"] == 7985
    assert stored["storeys_above"] == 3
    assert stored["completed_on"] == "2024-03-31"
    assert stored["technologies"] == ["LED照明", "地中熱"]
    assert stored["uses_unevaluated_technology"] is True
    assert stored["public"] is None  # an unanswered flag is not turned into "no"
    assert stored["body"].startswith("## 工夫")


def test_create_a_visit_with_era_date_participants_and_the_visited_case(qtbot, ectx, demo) -> None:
    dialog = open_editor(qtbot, ectx, "visit")
    e = dialog.editors
    e["title"].edit.setText("清掃事務所の視察受入れ")
    e["visited_on"].edit.setText("R6.10.21")
    assert e["visited_on"].hint.text() == "= 2024-10-21（令和6年10月21日）"
    e["host"].edit.setText("葛飾区環境課")
    people = e["participants"]
    for name in ("環境省", "杉並区", "市川市", "さいたま市"):
        people.adder.setEditText(name)
        people.add_from_adder()
    assert not people.add("杉並区")  # no duplicates
    people.list.setCurrentRow(3)
    people.move_up()
    people.list.setCurrentRow(0)
    people.remove_current()
    people.list.item(0).setText("杉並区環境部")  # edited in place
    pick_case(qtbot, e["facility_case_uid"].search, "清掃事務所 葛飾")
    assert e["facility_case_uid"].value() == DEMO_CASE
    assert "清掃事務所" in e["facility_case_uid"].current.text()
    assert settle(qtbot, dialog)
    record = save(qtbot, dialog)
    stored = demo.get(record["uid"])
    assert stored["visited_on"] == "2024-10-21"
    assert stored["participants"] == ["杉並区環境部", "さいたま市", "市川市"]
    assert stored["facility_case_uid"] == DEMO_CASE


def test_create_a_session_with_speakers_and_related_cases(qtbot, ectx, demo) -> None:
    dialog = open_editor(qtbot, ectx, "session")
    e = dialog.editors
    e["title"].edit.setText("ZEB勉強会")
    e["held_on"].edit.setText("2024/10/21")
    e["kind"].combo.setCurrentIndex(e["kind"].combo.findData("study"))
    e["attendees"].edit.setText("1,234")
    e["speakers"].add("藤野先生")
    e["speakers"].add("設計事務所")
    e["speakers"].list.setCurrentRow(1)
    e["speakers"].move_up()
    related = e["related_case_uids"]
    pick_case(qtbot, related.search, "清掃事務所 葛飾")
    pick_case(qtbot, related.search, "エコルとごし")
    assert len(related.value()) == 2
    assert related.value()[0] == DEMO_CASE
    related.list.setCurrentRow(0)
    related.move_down()
    assert settle(qtbot, dialog)
    record = save(qtbot, dialog)
    stored = demo.get(record["uid"])
    assert stored["held_on"] == "2024-10-21"
    assert stored["kind"] == "study"
    assert stored["attendees"] == 1234
    assert stored["speakers"] == ["設計事務所", "藤野先生"]
    assert stored["related_case_uids"][1] == DEMO_CASE


def test_edit_keeps_unknown_fields_and_bumps_the_revision(qtbot, ectx, kb) -> None:
    original = kb.save(case_record(x_future_field={"kept": True}, public=False))
    dialog = open_editor(qtbot, ectx, "case", original)
    assert dialog.windowTitle().startswith("編集")
    assert dialog.editors["reduction_excl_renewables_pct"].edit.text() == "51"
    assert dialog.editors["technologies"].value() == ["高断熱", "LED照明"]
    assert not dialog.is_dirty()
    dialog.editors["title"].edit.setText("葛飾区清掃事務所(改題)")
    assert dialog.is_dirty()
    assert settle(qtbot, dialog)
    record = save(qtbot, dialog)
    stored = kb.get(original["uid"])
    assert record["revision"] == stored["revision"] == 2
    assert stored["title"] == "葛飾区清掃事務所(改題)"
    assert stored["x_future_field"] == {"kept": True}
    assert stored["public"] is False


LONG_TITLE = "あ" * 201


@pytest.mark.parametrize(
    ("kind", "field", "text", "ja_fragment", "en_fragment"),
    [
        ("case", "completed_on", "令和6年13月1日", "", "13"),
        ("case", "certified_on", "2024-02-30", "", "2024"),
        ("visit", "visited_on", "あした", "日付として読めません", "not a date"),
        ("case", "floor_area_m2", "-5", "0より大きい", "greater than 0"),
        ("case", "storeys_above", "2.5", "整数", "whole number"),
        ("case", "bei", "abc", "数値", "number"),
        ("case", "ward", "ほげ区", "読めません", "unknown ward"),
        ("session", "title", "", "必須", "required"),
        ("visit", "title", "   ", "必須", "required"),
        ("case", "title", LONG_TITLE, "200文字以内", "at most 200"),
        # The same limits as `add` and an import (zebkb/domain/limits.py).
        ("case", "facility_name", "施" * 201, "200文字以内", "at most 200"),
    ],
)
def test_inline_validation_beside_the_field(
    qtbot, ectx, kb, kind, field, text, ja_fragment, en_fragment
) -> None:
    valid = {
        "case": case_record(rank_status="certified", certified_on="2024-05-01"),
        "visit": {"type": "visit", "title": "視察", "ward": "131229", "visited_on": "2024-10-21"},
        "session": {
            "type": "session",
            "title": "勉強会",
            "ward": "131229",
            "held_on": "2024-05-01",
        },
    }[kind]
    dialog = open_editor(qtbot, ectx, kind)
    dialog.set_values(valid)
    assert settle(qtbot, dialog), dialog.message.text()
    assert dialog.save_button.isEnabled()
    editor = dialog.editors[field]
    target = editor.combo.lineEdit() if field == "ward" else editor.edit
    target.setText(text)
    assert not settle(qtbot, dialog)
    assert not dialog.save_button.isEnabled()
    shown = dialog.field_error(field)
    assert shown
    assert ja_fragment in shown
    others = [n for n in dialog.editors if n != field and dialog.field_error(n)]
    assert others == []
    ectx.tr.set_language("en")
    assert en_fragment in dialog.field_error(field)
    # Fixing it clears the message and enables Save again.
    target.setText(str(valid.get(field, "")) if field != "certified_on" else "2024-02-29")
    assert settle(qtbot, dialog)
    assert dialog.field_error(field) == ""
    assert dialog.save_button.isEnabled()


def test_save_while_invalid_does_nothing(qtbot, ectx, kb) -> None:
    dialog = open_editor(qtbot, ectx, "visit")
    dialog.save()
    wait_idle(qtbot, ectx)
    assert dialog.isVisible()
    assert kb.list_records() == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,345", 12345),
        ("１２，３４５．５", 12345.5),
        (" 7 985 ", 7985),
        ("", None),
        ("abc", "abc"),
        ("-0.5", -0.5),
    ],
)
def test_number_parsing(text, expected) -> None:
    assert parse_number(text, integer=False) == expected


def test_live_rank_check_warns_when_the_stated_rank_is_higher(qtbot, ectx) -> None:
    dialog = open_editor(qtbot, ectx, "case")
    dialog.set_values(case_record(zeb_rank="Nearly ZEB", reduction_incl_renewables_pct=60))
    settle(qtbot, dialog)
    assert dialog.rank_overstated
    assert "ZEB Ready" in dialog.rank_label.text()
    assert "合いません" in dialog.rank_label.text()
    dialog.editors["reduction_incl_renewables_pct"].edit.setText("80")
    settle(qtbot, dialog)
    assert not dialog.rank_overstated
    assert "Nearly ZEB" in dialog.rank_label.text()


def test_changed_elsewhere_refused_then_overwritten(qtbot, ectx, kb, monkeypatch) -> None:
    original = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", original)
    # Someone else saves a newer revision while the editor is open.
    other = dict(original, title="別の場所での変更")
    kb.save(other, expected_revision=1)
    dialog.editors["title"].edit.setText("この画面での変更")
    assert settle(qtbot, dialog)
    asked: list[tuple[int, int]] = []
    monkeypatch.setattr(
        dialog, "ask_overwrite", lambda exc: asked.append((exc.current, exc.edited)) or False
    )
    dialog.save()
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    wait_idle(qtbot, ectx)
    assert asked == [(2, 1)]
    assert dialog.isVisible()
    assert "第2版" in dialog.message.text()
    assert kb.get(original["uid"])["title"] == "別の場所での変更"
    assert dialog.editors["title"].value() == "この画面での変更"  # nothing typed is lost

    monkeypatch.setattr(dialog, "ask_overwrite", lambda exc: True)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    stored = kb.get(original["uid"])
    assert stored["title"] == "この画面での変更"
    assert stored["revision"] == 3
    assert any(v.record.get("title") == "別の場所での変更" for v in kb.history(original["uid"]))


def test_escape_asks_only_when_there_are_unsaved_changes(qtbot, ectx, kb, monkeypatch) -> None:
    record = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", record)

    def never(*_a: object) -> bool:
        raise AssertionError("asked without changes")

    monkeypatch.setattr(dialog, "confirm_discard", never)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected

    dialog = open_editor(qtbot, ectx, "case", record)
    dialog.editors["structure"].combo.setEditText("RC")
    answers = [False, True]
    monkeypatch.setattr(dialog, "confirm_discard", lambda: answers.pop(0))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert kb.get(record["uid"])["revision"] == 1


def test_ctrl_s_saves(qtbot, ectx, kb) -> None:
    record = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", record)
    dialog.activateWindow()
    dialog.editors["title"].edit.setText("Ctrl+S で保存")
    dialog.editors["title"].edit.setFocus()
    assert settle(qtbot, dialog)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.keyClick(
            dialog.editors["title"].edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
        )
    assert kb.get(record["uid"])["title"] == "Ctrl+S で保存"


def test_body_preview_is_rendered_safely_off_the_gui_thread(qtbot, ectx) -> None:
    dialog = open_editor(qtbot, ectx, "case")
    body = dialog.editors["body"]
    body.edit.setPlainText("## 見出し\n<script>alert(1)</script>\n![x](http://example.com/a.png)")
    body.refresh_preview()
    qtbot.waitUntil(lambda: "見出し" in body.preview.toPlainText(), timeout=3000)
    html = body.preview.toHtml()
    assert "example.com" not in html
    assert "<script" not in html.lower()


def test_enter_in_a_list_field_only_adds_the_item(qtbot, ectx, kb) -> None:
    record = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", record)
    dialog.activateWindow()
    # Enter would reach a live default button.
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=3000)
    saves: list[dict] = []
    dialog.saved.connect(saves.append)
    for name in ("technologies", "tags"):
        adder = dialog.editors[name].adder.lineEdit()
        adder.setFocus()
        # (QTest cannot type kana; the text is set, the key is pressed.)
        adder.setText("太陽光発電" if name == "technologies" else "学校")
        qtbot.keyClick(adder, Qt.Key.Key_Return)
        qtbot.keyClick(adder, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
        assert dialog.editors[name].value()[-1] in ("太陽光発電", "学校")
        # Enter on the list itself edits the item in place, it does not save either.
        dialog.editors[name].list.setFocus()
        qtbot.keyClick(dialog.editors[name].list, Qt.Key.Key_Return)
    wait_idle(qtbot, ectx)
    assert dialog.isVisible()
    assert saves == []
    assert kb.get(record["uid"])["revision"] == 1


def test_every_problem_shown_at_once_only_after_touching_and_save_says_why(qtbot, ectx) -> None:
    dialog = open_editor(qtbot, ectx, "case")
    # A blank form is not greeted with "required" under every field...
    assert all(dialog.field_error(n) == "" for n in dialog.editors)
    # ...but the greyed Save says what is in the way.
    assert not dialog.save_button.isEnabled()
    assert "保存できません" in dialog.message.text()
    assert "件名" in dialog.message.text()
    e = dialog.editors
    e["floor_area_m2"].edit.setText("-1200")
    e["completed_on"].edit.setText("令和6年13月1日")
    assert not settle(qtbot, dialog)
    assert dialog.field_error("floor_area_m2")
    assert dialog.field_error("completed_on")
    assert dialog.field_error("title") == ""  # untouched still
    assert "延床面積" in dialog.message.text()
    # Save shows the rest, the required ones included.
    dialog.save()
    assert "必須" in dialog.field_error("title")
    assert dialog.field_error("floor_area_m2")
    assert dialog.isVisible()
    ectx.tr.set_language("en")
    assert "Cannot save" in dialog.message.text()
    assert "required" in dialog.field_error("title")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_date_fields_example_is_shown_whole(qtbot, ectx, lang) -> None:
    """The example in an empty date field was cut ("例: 2024-10-21、令和6年10月21日、令…")."""
    from zebkb.ui.edit.fieldwidgets import DateEditor

    ectx.tr.set_language(lang)
    dialog = open_editor(qtbot, ectx, "case")
    dates = [e for e in dialog.editors.values() if isinstance(e, DateEditor)]
    assert dates
    for editor in dates:
        edit = editor.edit
        text = edit.placeholderText()
        # The frame and text margins of a line edit: a few pixels each side.
        assert edit.fontMetrics().horizontalAdvance(text) + 16 <= edit.width(), (lang, text)
