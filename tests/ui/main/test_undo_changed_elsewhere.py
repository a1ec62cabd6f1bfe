"""Ctrl+Z after a delete or a tag change leaves alone a record someone changed since.

In team mode a colleague on another PC may edit (or restore, or delete) one of
the records between a person's bulk change and their Ctrl+Z. Undo brings back
each record's version from before the change only where the record is still
as the change left it; the others keep the colleague's version, and the status
bar says how many were left. Run on both engines (the colleague is another PC
in team mode).
"""

from __future__ import annotations

from typing import Any

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, select_rows, shown_uids, wait_idle
from zebkb_testing import another_pc

from zebkb.ui.main import bulk

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(*QT_LOG_IGNORE.args, "This plugin does not support raise"),
    pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"]),
]


def status(window: Any) -> str:
    return str(window.statusBar().currentMessage())


def test_undoing_a_tag_leaves_a_record_changed_since(
    qtbot, window, demo_kb, tmp_path, monkeypatch, engine_name
) -> None:
    window.home.show_list()
    uids = shown_uids(window)[:3]
    select_rows(qtbot, window, uids)
    monkeypatch.setattr(bulk, "ask_tag", lambda *_a, **_k: "要確認")
    window.retag_selected(add=True)
    qtbot.waitUntil(lambda: bool(window.undo_stack), timeout=20000)
    wait_idle(qtbot, window)
    with another_pc(demo_kb, tmp_path / "colleague") as other:
        edited = other.require(uids[1])
        other.save({**edited, "title": "同僚の編集"}, expected_revision=edited["revision"])
    window.actions_by_name["undo"].trigger()
    qtbot.waitUntil(lambda: not window.undo_stack and "元に戻" in status(window), timeout=20000)
    wait_idle(qtbot, window)
    assert "要確認" not in (demo_kb.require(uids[0]).get("tags") or [])
    assert "要確認" not in (demo_kb.require(uids[2]).get("tags") or [])
    kept = demo_kb.require(uids[1])
    assert kept["title"] == "同僚の編集"  # the colleague's edit is still the record
    assert "要確認" in kept["tags"]
    assert status(window) == (
        "2 件の記録のタグを元に戻しました（1 件はその後ほかの場所で変更されたため、そのままにしました）"
    )


def test_undoing_a_delete_leaves_a_record_restored_and_edited_since(
    qtbot, window, demo_kb, tmp_path, engine_name
) -> None:
    window.home.show_list()
    uids = shown_uids(window)[:2]
    select_rows(qtbot, window, uids)
    window.actions_by_name["delete"].trigger()
    qtbot.waitUntil(lambda: bool(window.undo_stack), timeout=20000)
    wait_idle(qtbot, window)
    with another_pc(demo_kb, tmp_path / "colleague") as other:
        before = [v for v in other.history(uids[0]) if not v.record.get("deleted")][-1]
        back = other.restore(uids[0], before.revision)
        other.save({**back, "title": "同僚が戻して編集"}, expected_revision=back["revision"])
    window.actions_by_name["undo"].trigger()
    qtbot.waitUntil(lambda: not window.undo_stack and "元に戻" in status(window), timeout=20000)
    wait_idle(qtbot, window)
    assert demo_kb.require(uids[0])["title"] == "同僚が戻して編集"
    assert not demo_kb.require(uids[1]).get("deleted")
    assert status(window).endswith("（1 件はその後ほかの場所で変更されたため、そのままにしました）")


def test_deleting_a_record_a_colleague_deleted_first_is_not_undone_as_ours(
    qtbot, window, demo_kb, tmp_path, engine_name
) -> None:
    """A record already deleted when this PC's delete ran was not deleted by it: Ctrl+Z
    must not bring back what the colleague deleted."""
    window.home.show_list()
    uids = shown_uids(window)[:2]
    select_rows(qtbot, window, uids)
    with another_pc(demo_kb, tmp_path / "colleague") as other:
        other.delete(uids[0])  # the list has not redrawn yet: the row is still selected
    window.delete_current()
    qtbot.waitUntil(lambda: bool(window.undo_stack), timeout=20000)
    wait_idle(qtbot, window)
    assert [b.uid for b in window.undo_stack[-1].records] == [uids[1]]
    window.actions_by_name["undo"].trigger()
    qtbot.waitUntil(lambda: not window.undo_stack, timeout=20000)
    wait_idle(qtbot, window)
    assert demo_kb.require(uids[0])["deleted"] is True
    assert not demo_kb.require(uids[1]).get("deleted")
