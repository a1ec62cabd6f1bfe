"""Settings dialog: language switch keeps an open editor's work, date style, home ward,
data folder, signature policy, Cancel puts live changes back."""

from __future__ import annotations

import pytest
from zebkb_edit_kit import QT_LOG_IGNORE, open_editor, wait_idle

from zebkb.service.datadir import usable_data_dir
from zebkb.store.state import DB_FILE
from zebkb.ui.settings.settings_dialog import SettingsDialog

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def open_settings(qtbot, ctx) -> SettingsDialog:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, ctx)
    return dialog


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_language_switch_keeps_the_open_editors_work(qtbot, ectx) -> None:
    editor = open_editor(qtbot, ectx, "visit")
    e = editor.editors
    e["title"].edit.setText("視察の記録")
    e["visited_on"].edit.setText("令和6年10月21日")
    e["participants"].add("環境省")
    e["facility_case_uid"].search.query.setText("清掃")
    before = editor.record_data()
    settings = open_settings(qtbot, ectx)
    assert settings.windowTitle() == "設定"
    choose(settings.language, "en")
    assert ectx.tr.language == "en"
    assert ectx.settings.language == "en"
    assert settings.windowTitle() == "Settings"
    assert editor.labels["title"].text() == "Title *"
    assert editor.labels["visited_on"].text() == "Visited on *"
    assert editor.windowTitle() == "New record: Site visit"
    assert e["visited_on"].hint.text() == "= 2024-10-21 (令和6年10月21日)"
    assert e["participants"].add_button.text() == "Add"
    assert editor.record_data() == before
    assert e["facility_case_uid"].search.query.text() == "清掃"
    with qtbot.waitSignal(settings.finished, timeout=3000):
        settings.accept()
    assert ectx.tr.language == "en"


def test_cancel_puts_language_and_date_style_back(qtbot, ectx) -> None:
    settings = open_settings(qtbot, ectx)
    choose(settings.language, "en")
    choose(settings.date_style, "japanese")
    assert ectx.settings.date_style == "japanese"
    settings.reject()
    assert ectx.tr.language == "ja"
    assert ectx.settings.language == "ja"
    assert ectx.settings.date_style == "western"


def test_date_style_is_stored_and_used_by_new_editors(qtbot, ectx, kb) -> None:
    settings = open_settings(qtbot, ectx)
    assert settings.date_style.currentText() == "西暦（2024-10-21）"
    choose(settings.date_style, "japanese")
    settings.accept()
    assert ectx.settings.date_style == "japanese"
    record = kb.save({"type": "session", "title": "t", "ward": "131229", "held_on": "2024-10-21"})
    editor = open_editor(qtbot, ectx, "session", record)
    assert editor.editors["held_on"].edit.text() == "令和6年10月21日"
    assert not editor.is_dirty()


def test_home_ward_is_saved_through_the_service(qtbot, ectx, kb) -> None:
    settings = open_settings(qtbot, ectx)
    qtbot.waitUntil(lambda: settings.ward_chooser.selected_code() == "131229", timeout=3000)
    settings.ward_chooser.filter.setText("品川")
    with qtbot.waitSignal(settings.homeWardSaved, timeout=5000) as blocker:
        settings.accept()
    assert blocker.args == ["131091"]
    assert kb.home_ward == "131091"
    assert settings.result() == settings.DialogCode.Accepted


def test_unchanged_home_ward_is_not_written(qtbot, ectx, kb) -> None:
    settings = open_settings(qtbot, ectx)
    qtbot.waitUntil(lambda: settings.ward_chooser.selected_code() == "131229", timeout=3000)
    state = kb.change_state()
    with qtbot.assertNotEmitted(settings.homeWardSaved):
        settings.accept()
    assert kb.change_state() == state
    assert not settings.isVisible()


def test_data_folder_choice(qtbot, ectx, tmp_path, monkeypatch) -> None:
    settings = open_settings(qtbot, ectx)
    assert str(ectx.kb.data_dir) in settings.data_dir_edit.text()
    busy = tmp_path / "mine"
    busy.mkdir()
    (busy / "家計簿.xlsx").write_bytes(b"x")
    fresh = tmp_path / "新しいフォルダ"
    fresh.mkdir()
    answers = [busy, fresh]
    monkeypatch.setattr(settings, "ask_for_folder", lambda: answers.pop(0))
    settings.data_dir_button.click()
    assert "他のファイルがあります" in settings.message.text()
    assert settings.data_dir_edit.text() != str(busy)
    settings.data_dir_button.click()
    assert settings.message.isHidden()
    assert settings.data_dir_edit.text() == str(fresh)
    with qtbot.waitSignal(settings.dataDirChanged, timeout=3000) as blocker:
        settings.accept()
    assert blocker.args == [fresh]
    assert ectx.settings.data_dir == fresh


def test_a_long_data_folder_shows_its_beginning_and_whole_in_a_tooltip(
    qtbot, ectx, tmp_path, monkeypatch
) -> None:
    """The field showed the end of a long path, its beginning (which drive, whose folder)
    scrolled out of sight."""
    settings = open_settings(qtbot, ectx)
    edit = settings.data_dir_edit
    assert edit.cursorPosition() == 0
    assert str(ectx.kb.data_dir) in edit.toolTip()
    deep = tmp_path.joinpath(*[f"区役所の共有フォルダ{i}" for i in range(6)])
    deep.mkdir(parents=True)
    monkeypatch.setattr(settings, "ask_for_folder", lambda: deep)
    settings.data_dir_button.click()
    assert edit.text() == str(deep)
    assert edit.fontMetrics().horizontalAdvance(edit.text()) > edit.width()  # longer than shown
    assert edit.cursorPosition() == 0
    # The first character sits at the field's left edge, not scrolled off it.
    assert edit.cursorRect().left() < edit.fontMetrics().averageCharWidth() * 2
    assert edit.toolTip() == str(deep)


def test_a_folder_on_a_network_share_is_refused_when_chosen(
    qtbot, ectx, tmp_path, monkeypatch
) -> None:
    from zebkb.store import netfs

    share = tmp_path / "share"
    share.mkdir()
    table = f"21 1 8:1 / / rw - ext4 /dev/sda1 rw\n30 21 0:30 / {share} rw - nfs4 fs:/zeb rw\n"
    monkeypatch.setattr(netfs, "_read_mountinfo", lambda: table)
    monkeypatch.setattr(netfs.sys, "platform", "linux")
    settings = open_settings(qtbot, ectx)
    monkeypatch.setattr(settings, "ask_for_folder", lambda: share)
    settings.data_dir_button.click()
    assert "ネットワーク上のフォルダ" in settings.message.text()
    assert "チームモード" in settings.message.text()
    assert settings.data_dir_edit.text() != str(share)


def test_usable_data_dir(tmp_path) -> None:
    assert usable_data_dir(tmp_path / "not-yet")
    assert usable_data_dir(tmp_path)
    (tmp_path / DB_FILE).write_bytes(b"")
    assert usable_data_dir(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("x")
    assert not usable_data_dir(other)
    assert not usable_data_dir(other / "a.txt")


def test_require_signatures_is_the_knowledge_bases_setting(qtbot, ectx) -> None:
    """The window and `zebkb import` obey one setting, kept with the data."""
    from zebkb.service.keys import require_signatures, set_require_signatures

    settings = open_settings(qtbot, ectx)
    qtbot.waitUntil(settings.signatures.isEnabled)
    assert not settings.signatures.isChecked()
    settings.signatures.setChecked(True)
    with qtbot.waitSignal(settings.finished, timeout=10_000):
        settings.accept()
    assert require_signatures(ectx.kb) is True

    set_require_signatures(ectx.kb, False)
    again = open_settings(qtbot, ectx)
    qtbot.waitUntil(again.signatures.isEnabled)
    assert not again.signatures.isChecked()


@pytest.mark.parametrize("touched", [False, True])
def test_require_signatures_set_on_another_pc_shows_unless_changed_here(
    qtbot, ectx, touched
) -> None:
    """Team mode: the setting lives in the shared database; a change there is shown, but a
    choice the person made in this open dialog is theirs until OK or Cancel."""
    from zebkb.service.changes import Changes
    from zebkb.service.keys import set_require_signatures
    from zebkb.ui.core.ops import CollectionOp

    settings = open_settings(qtbot, ectx)
    qtbot.waitUntil(settings.signatures.isEnabled)
    if touched:
        settings.signatures.click()
    set_require_signatures(ectx.kb, True)  # as another PC did
    CollectionOp(settings, lambda: Changes(settings=True), runner=ectx.runner).run_in_background()
    wait_idle(qtbot, ectx)
    qtbot.wait(50)
    assert settings.signatures.isChecked()
    set_require_signatures(ectx.kb, False)
    CollectionOp(settings, lambda: Changes(settings=True), runner=ectx.runner).run_in_background()
    wait_idle(qtbot, ectx)
    qtbot.wait(50)
    assert settings.signatures.isChecked() is touched
