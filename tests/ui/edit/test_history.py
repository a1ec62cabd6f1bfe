"""History: versions listed with their source, differences field by field and in the body,
delete then restore through the dialog for each kind; the pure diff helpers."""

from __future__ import annotations

import pytest
from zebkb_edit_kit import QT_LOG_IGNORE, open_editor, save, settle, wait_idle
from zebkb_testing import case_record

from zebkb.domain.fields import fields_for
from zebkb.ui.core.ops import CollectionOp
from zebkb.ui.edit.history import HistoryDialog
from zebkb.versions import body_diff, body_diff_html, display_value, field_changes, format_moment

# Times are shown in this computer's time: these read the test clock's 09:00+09:00 in Tokyo.
pytestmark = [pytest.mark.gui, QT_LOG_IGNORE, pytest.mark.usefixtures("tokyo_time")]

RECORDS = {
    "case": case_record(),
    "visit": {
        "type": "visit",
        "title": "視察",
        "ward": "131229",
        "visited_on": "2024-10-21",
        "participants": ["環境省"],
        "purpose": "意見交換",
    },
    "session": {
        "type": "session",
        "title": "勉強会",
        "ward": "131229",
        "held_on": "2024-05-01",
        "kind": "study",
        "body": "一行目\n二行目",
    },
}


def open_history(qtbot, ctx, uid: str) -> HistoryDialog:
    dialog = HistoryDialog(ctx, uid)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    return dialog


@pytest.mark.parametrize("kind", ["case", "visit", "session"])
def test_edit_delete_and_restore_through_history(qtbot, ectx, kb, clock, kind, monkeypatch) -> None:
    created = kb.save(RECORDS[kind])
    clock.advance(hours=1)
    dialog = open_editor(qtbot, ectx, kind, created)
    dialog.editors["title"].edit.setText("改訂した件名")
    dialog.editors["tags"].add("改訂")
    assert settle(qtbot, dialog)
    save(qtbot, dialog)
    clock.advance(hours=1)
    uid = created["uid"]
    done = []
    CollectionOp(None, lambda: kb.delete(uid), runner=ectx.runner).success(
        done.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert kb.get(uid)["deleted"] is True

    history = open_history(qtbot, ectx, uid)
    rows = [
        tuple(history.versions_table.item(r, c).text() for c in range(3))
        for r in range(history.versions_table.rowCount())
    ]
    assert [r[0] for r in rows] == ["3", "2", "1"]
    assert rows[0][2] == "削除 （現在）"
    assert rows[1][2] == "編集"
    assert rows[2][2] == "作成"
    # The same date style as the rest of the window (not an ISO form of its own).
    assert rows[2][1] == "2025年3月18日 09:00"
    assert history.windowTitle() == "変更履歴: 改訂した件名"
    # The version before the current one is chosen first.
    assert history.selected().revision == 2
    assert history.restore_button.isEnabled()

    history.select_revision(1)
    monkeypatch.setattr(history, "confirm_restore", lambda version: True)
    with qtbot.waitSignal(history.restored, timeout=5000) as blocker:
        history.restore_button.click()
    restored = blocker.args[0]
    assert restored["revision"] == 4
    stored = kb.get(uid)
    assert not stored.get("deleted")
    assert stored["title"] == RECORDS[kind]["title"]
    assert (stored.get("tags") or []) == (RECORDS[kind].get("tags") or [])
    with qtbot.waitSignal(history.loaded, timeout=5000):
        pass
    assert history.versions[0].source == "restore"
    assert history.versions[0].current


def test_differences_field_by_field_and_body_lines(qtbot, ectx, kb, clock) -> None:
    first = kb.save(RECORDS["session"])
    clock.advance(days=1)
    changed = dict(first, title="勉強会(第2回)", attendees=1234, body="一行目\n二行目を直した")
    kb.save(changed, expected_revision=1)
    history = open_history(qtbot, ectx, first["uid"])
    assert history.selected().revision == 1
    rows = history.changes_shown()
    assert ("件名", "勉強会", "勉強会(第2回)") in rows
    assert ("参加者数", "—", "1,234") in rows
    assert all(r[0] != "版" for r in rows)  # bookkeeping is left out
    # The body reads as text, the added words marked, no unified-diff punctuation.
    diff = history.body_diff.toPlainText()
    assert diff.startswith("一行目")
    assert "二行目を直した" in diff
    assert "@@" not in diff
    assert "+++" not in diff
    assert "を直した</span>" in body_diff_html("一行目\n二行目", "一行目\n二行目を直した")
    # The heading explains the marks the text has (colours), not diff signs it does not.
    assert (
        history.body_label.text()
        == "本文の違い（緑: 現在の版で加わった箇所、赤の取消線: 選んだ版にだけある箇所）"
    )
    # Choosing the current version: nothing to restore.
    history.select_revision(2)
    assert not history.restore_button.isEnabled()
    assert history.changes_shown() == []
    # Date style and language apply at once.
    ectx.settings.date_style = "japanese"
    assert history.versions_table.item(1, 1).text() == "令和7年3月18日 09:00"
    ectx.tr.set_language("en")
    assert history.versions_table.item(1, 2).text() == "Created"
    assert history.windowTitle() == "History: 勉強会(第2回)"


def test_declined_restore_changes_nothing(qtbot, ectx, kb, monkeypatch) -> None:
    first = kb.save(case_record())
    kb.save(dict(first, title="二版目"), expected_revision=1)
    history = open_history(qtbot, ectx, first["uid"])
    monkeypatch.setattr(history, "confirm_restore", lambda version: False)
    history.restore_button.click()
    wait_idle(qtbot, ectx)
    assert kb.get(first["uid"])["revision"] == 2


def test_unknown_record_says_so(qtbot, ectx) -> None:
    history = open_history(qtbot, ectx, "00000000-0000-4000-8000-000000000000")
    assert "記録はありません" in history.message.text()
    assert history.versions_table.rowCount() == 0


def test_field_changes_leave_bookkeeping_out_and_keep_unknown_fields() -> None:
    old = dict(case_record(), uid="u", revision=1, updated_at="x", public=None, x_new=1)
    new = dict(old, revision=2, updated_at="y", public=False, floor_area_m2=10.0, x_new=2)
    names = [c.name for c in field_changes(old, new)]
    assert names == ["public", "floor_area_m2", "x_new"]  # public is common to every kind
    assert field_changes(dict(old, deleted=False), old) == []
    assert field_changes(dict(old, tags=[]), dict(old, tags=None)) == []
    assert [c.name for c in field_changes(dict(old, bei=0), dict(old, bei=None))] == ["bei"]


def test_display_values_for_people() -> None:
    by_name = {f.name: f for f in fields_for("case")}
    assert display_value(by_name["ward"], "131229") == "葛飾区"
    assert display_value(by_name["ward"], "131229", "en") == "Katsushika"
    assert display_value(by_name["project_type"], "renovation") == "改修"
    assert (
        display_value(by_name["completed_on"], "2024-10-21", style="japanese") == "令和6年10月21日"
    )
    assert display_value(by_name["floor_area_m2"], 12345.0) == "12,345"
    assert display_value(by_name["technologies"], ["LED照明", "BEMS"]) == "LED照明、BEMS"
    assert display_value(by_name["zeb_leading_owner"], True, "en") == "yes"
    assert display_value(by_name["bei"], None) == "—"
    assert format_moment("2025-03-18T09:00:00+09:00", "japanese") == "令和7年3月18日 09:00"
    assert format_moment("not a time") == "not a time"
    assert format_moment("2025-03-18T09:00:00+09:00") == "2025年3月18日 09:00"
    assert format_moment("2025-03-18T09:00:00+09:00", "western", "en") == "2025-03-18 09:00"
    assert display_value(by_name["completed_on"], "2024-10-21") == "2024年10月21日"
    # An issue's fiscal year is a year, not a quantity (it read 2,022).
    year = {f.name: f for f in fields_for("issue")}["fiscal_year"]
    assert display_value(year, 2022) == "2022年度"
    assert display_value(year, 2022, "ja", "japanese") == "令和4年度"
    assert display_value(year, 2022, "en") == "FY2022"
    assert body_diff("a", "a", "old", "new") == ""


def test_every_coded_field_shows_its_label() -> None:
    # Whatever field the vocabularies' table names (zebkb/domain/vocab.py), of any kind.
    from zebkb.domain.fields import Kind
    from zebkb.domain.vocab import FIELD_VOCABULARY_NAMES, vocabulary

    seen = set()
    for kind in Kind:
        for field in fields_for(kind):
            vocab = FIELD_VOCABULARY_NAMES.get(field.name)
            if vocab is None or field.name in ("type", "technologies"):
                continue
            terms = vocabulary(vocab).terms  # one whose label is not its code, where there is
            term = next((t for t in terms if t.value != t.ja or t.value != t.en), terms[-1])
            assert display_value(field, term.value) == term.ja, field.name
            assert display_value(field, term.value, "en") == term.en, field.name
            seen.add(field.name)
    assert len(seen) == len(FIELD_VOCABULARY_NAMES) - 2


def test_enter_in_the_restore_question_restores(qtbot, ectx, kb) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    first = kb.save(case_record())
    kb.save(dict(first, title="二版目"), expected_revision=1)
    history = open_history(qtbot, ectx, first["uid"])
    seen: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.defaultButton().text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, press_enter)
    assert history.confirm_restore(history.versions[-1])
    assert seen


def test_body_difference_marks_changed_words_only() -> None:
    shown = body_diff_html("断熱 and LED lighting", "断熱性能 and LED lamps")
    assert "LED" in shown
    assert "line-through" in shown  # the removed word is struck through
    assert "lighting</span>" in shown
    assert "lamps</span>" in shown
    assert "LED</span>" not in shown  # an unchanged word is not marked
    assert body_diff_html("同じ", "同じ") == ""
    assert "&lt;script&gt;" in body_diff_html("", "<script>")


def test_a_version_saved_elsewhere_appears_and_the_chosen_one_stays(qtbot, ectx, kb, clock) -> None:
    """In team mode another PC saves while the history is open; an import may too."""
    from zebkb.service.changes import Changes

    first = kb.save(RECORDS["case"])
    clock.advance(minutes=1)
    kb.save(dict(first, title="二版目"), expected_revision=1)
    history = open_history(qtbot, ectx, first["uid"])
    assert [v.revision for v in history.versions] == [2, 1]
    history.select_revision(1)
    clock.advance(minutes=1)
    with qtbot.waitSignal(history.loaded, timeout=5000):
        CollectionOp(
            history,
            lambda: kb.save(dict(kb.require(first["uid"]), title="三版目"), expected_revision=2),
            runner=ectx.runner,
        ).changes(lambda rec: Changes(records=frozenset({rec["uid"]}))).run_in_background()
    assert [v.revision for v in history.versions] == [3, 2, 1]
    assert history.selected().revision == 1
    assert ("件名", history.changes_shown()[0][1], "三版目") == history.changes_shown()[0]


@pytest.mark.parametrize("first", ["ja", "en"])
def test_every_version_column_is_whole_in_both_languages(qtbot, ectx, kb, clock, first) -> None:
    """At 1280×800 every header, revision, time and source is whole, also for versions
    scrolled out of view (a restore far down) and after a language switch."""
    from zebkb_main_kit import view_column_problems

    ectx.tr.set_language(first)
    record = kb.save(RECORDS["case"])
    clock.advance(days=200)
    record = kb.save(dict(record, title="二版目"), expected_revision=1)
    kb.restore(record["uid"], kb.history(record["uid"])[0].hash)
    for i in range(40):
        clock.advance(days=3)
        current = kb.require(record["uid"])
        kb.save(dict(current, title=f"版{i}"), expected_revision=current["revision"])
    history = open_history(qtbot, ectx, record["uid"])
    history.resize(1280, 800)
    table = history.versions_table
    qtbot.waitUntil(lambda: table.viewport().height() > 300)
    assert table.rowAt(table.viewport().height()) != -1  # the oldest are out of view
    keys = ("revision", "time", "source")
    problems: list[tuple[object, ...]] = []
    for lang in (first, "en" if first == "ja" else "ja", first):
        ectx.tr.set_language(lang)
        problems += view_column_problems(table, keys, (lang,), keys)
    assert problems == [], "\n".join(map(repr, problems))
