"""The window's File menu: back up now, and restore a backup after confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from zebkb_main_kit import QT_LOG_IGNORE, shown_uids, wait_idle

from zebkb.service.backup import list_backups

# Times are shown in this computer's time: these read the test clock's 09:00+09:00 in Tokyo.
pytestmark = [pytest.mark.gui, QT_LOG_IGNORE, pytest.mark.usefixtures("tokyo_time")]


def test_back_up_now_writes_a_backup(qtbot, window, demo_kb) -> None:
    assert list_backups(demo_kb.data_dir) == []
    failures: list[str] = []
    window.ctx.runner.failureShown.connect(failures.append)
    window.actions_by_name["backup_backup"].trigger()
    qtbot.waitUntil(lambda: bool(failures or list_backups(demo_kb.data_dir)), timeout=10_000)
    assert failures == []
    qtbot.waitUntil(lambda: len(list_backups(demo_kb.data_dir)) == 1, timeout=10_000)
    wait_idle(qtbot, window)
    assert "zebkb-" in window.statusBar().currentMessage()


@pytest.mark.parametrize(
    ("answer", "restored"),
    [(QMessageBox.StandardButton.Yes, True), (QMessageBox.StandardButton.No, False)],
)
def test_restore_asks_then_brings_the_backup_back(
    qtbot, window, demo_kb, monkeypatch, answer, restored
) -> None:
    from zebkb.service.backup import create_backup

    backup = create_backup(demo_kb).path
    before = demo_kb.count()
    victim = shown_uids(window)[0]
    demo_kb.delete(victim)
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(backup), ""))
    )

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    window.actions_by_name["backup_restore"].trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    wait_idle(qtbot, window)
    assert str(before) in asked[0]
    live = demo_kb.get(victim)
    if restored:
        assert not live.get("deleted")
        assert demo_kb.count() == before
        # The state before the restore is kept as a backup of its own.
        assert any("before-restore" in p.name for p in list_backups(demo_kb.data_dir))
    else:
        assert live.get("deleted") is True
        assert Path(backup).is_file()


def test_backup_texts_follow_the_language_and_read_the_date(
    qtbot, window, demo_kb, monkeypatch
) -> None:
    """Menu entries, the file filter and the question: in the window's language, no instant."""
    from zebkb.service.backup import create_backup

    backup = create_backup(demo_kb).path
    actions = window.actions_by_name
    assert actions["backup_backup"].text() == "バックアップを作成"
    window.ctx.tr.set_language("en")
    assert actions["backup_backup"].text() == "Back Up Now"
    assert actions["backup_restore"].text() == "Restore from Backup…"
    window.ctx.tr.set_language("ja")
    assert actions["backup_restore"].text() == "バックアップから復元…"

    filters: list[str] = []
    asked: list[str] = []

    def choose(_parent, _title, _folder, file_filter, *_a, **_k):
        filters.append(file_filter)
        return str(backup), ""

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(choose))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    actions["backup_restore"].trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    wait_idle(qtbot, window)
    assert filters == ["バックアップ (*.zip)"]
    # The test clock's moment (2025-03-18 09:00 in Tokyo), as the rest of the window shows it.
    assert "2025年3月18日 09:00 のバックアップ（記録 28 件）" in asked[0], asked[0]
    assert "T09:00" not in asked[0]
