"""The selection's bulk actions and the record pane's attachment menu, each used twice in a row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QUrl
from PySide6.QtWidgets import QFileDialog
from zebkb_main_kit import QT_LOG_IGNORE, select, select_rows, shown_uids, wait_idle
from zebkb_testing import case_record

from zebkb.render import parse_internal_url
from zebkb.ui.exchange.export_dialog import ExportDialog
from zebkb.ui.main import detail as detail_module

# Raising an open dialog is a no-op the offscreen platform warns about.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(*QT_LOG_IGNORE.args, "This plugin does not support raise"),
]

SEIBU = "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"  # 葛飾区清掃事務所 (case, 1 attachment)


def menu_action(menu: Any, text: str) -> Any:
    (action,) = [a for a in menu.actions() if a.text() == text]
    return action


def test_export_the_selected_records_from_the_results_menu(qtbot, window) -> None:
    window.home.show_list()
    for round_ in range(2):
        uids = shown_uids(window)[round_ * 3 : round_ * 3 + 3]
        select_rows(qtbot, window, uids)
        table = window.results
        pos = table.visualRect(table.results.index(table.results.row_of(uids[0]), 0)).center()
        menu = window.results_menu(pos)
        # The row under the pointer was selected: the selection stays as it was.
        assert sorted(window.selected_uids()) == sorted(uids)
        menu_action(menu, "選択した記録を書き出し…").trigger()
        dialog = window.dialogs.get("export")
        assert isinstance(dialog, ExportDialog)
        assert dialog.selected == tuple(uids)
        assert dialog.scope_buttons["selected"].isChecked()
        assert dialog.scope_buttons["selected"].text() == "一覧で選択した記録（3 件）"
        qtbot.waitUntil(lambda d=dialog: d.estimate is not None, timeout=10000)
        assert dialog.estimate.records == 3
        dialog.close()
        qtbot.waitUntil(lambda: window.dialogs.get("export") is None)
    # ファイル → 書き出し… still offers everything first.
    window.exchange.actions["export"].trigger()
    dialog = window.dialogs["export"]
    assert dialog.scope_buttons["all"].isChecked()
    # Asked for this selection while that one is open: it is set to the selection.
    window.exchange.actions["export_selected"].trigger()
    assert window.dialogs["export"] is dialog
    assert dialog.scope_buttons["selected"].isChecked()
    # Asked for another selection: the open one gives way to one for that selection.
    select_rows(qtbot, window, shown_uids(window)[:2])
    window.exchange.actions["export_selected"].trigger()
    fresh = window.dialogs["export"]
    assert fresh is not dialog
    assert fresh.selected == tuple(shown_uids(window)[:2])
    assert fresh.scope_buttons["selected"].isChecked()
    fresh.close()


def test_results_menu_holds_the_bulk_actions(qtbot, window) -> None:
    window.home.show_list()
    table = window.results
    uid = shown_uids(window)[0]
    pos = table.visualRect(table.results.index(table.results.row_of(uid), 0)).center()
    texts = [a.text() for a in window.results_menu(pos).actions() if not a.isSeparator()]
    assert texts == [
        "開く",
        "記録を編集…",
        "変更履歴…",
        "選択した記録を書き出し…",
        "選択した記録にタグを付ける…",
        "選択した記録からタグを外す…",
        "記録を削除",
        "リンクをコピー",
    ]


def test_delete_several_twice_in_a_row(qtbot, window, demo_kb) -> None:
    window.home.show_list()
    for round_ in range(2):
        uids = shown_uids(window)[round_ : round_ + 2]
        select_rows(qtbot, window, uids)
        window.actions_by_name["delete"].trigger()
        qtbot.waitUntil(lambda u=uids: not set(u) & set(shown_uids(window)), timeout=10000)
        assert all(demo_kb.get(u)["deleted"] for u in uids)
        assert window.actions_by_name["undo"].text() == "削除を元に戻す"
        window.actions_by_name["undo"].trigger()
        qtbot.waitUntil(lambda u=uids: set(u) <= set(shown_uids(window)), timeout=10000)
        assert not any(demo_kb.get(u).get("deleted") for u in uids)
        wait_idle(qtbot, window)


def attachment_point(window: Any) -> QPoint:
    """Where the shown record's attachment link is in the record pane (scrolled into view)."""
    browser = window.detail.browser
    bar = browser.verticalScrollBar()
    step = max(1, browser.viewport().height() // 2)
    for value in [*range(0, bar.maximum(), step), bar.maximum()]:
        bar.setValue(value)
        for y in range(0, browser.viewport().height(), 6):
            for x in range(0, browser.viewport().width(), 12):
                target = parse_internal_url(browser.anchorAt(QPoint(x, y)))
                if target is not None and target[0] == "attachment":
                    return QPoint(x, y)
    raise AssertionError("no attachment link on the page")


def test_attachment_menu_opens_and_saves_a_copy(qtbot, window, demo_kb, tmp_path, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        detail_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    (att,) = demo_kb.require(SEIBU)["attachments"]
    stored = Path(demo_kb.attachment_path(att["sha256"]))
    window.home.show_list()
    select(qtbot, window, SEIBU)
    for round_ in range(2):
        out = tmp_path / f"copy{round_}" / att["filename"]
        out.parent.mkdir()
        asked: list[str] = []

        def save_name(_parent, _title, suggested, *_a, out=out, asked=asked, **_k):
            asked.append(suggested)
            return str(out), ""

        monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
        menu = window.detail.context_menu(attachment_point(window))
        texts = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert texts[:2] == ["開く", "名前を付けて保存…"]
        menu_action(menu, "開く").trigger()
        qtbot.waitUntil(lambda r=round_: len(opened) == r + 1, timeout=5000)
        assert opened[-1] == QUrl.fromLocalFile(str(stored)).toLocalFile()
        with qtbot.waitSignal(window.detail.notice, timeout=10000) as said:
            menu_action(menu, "名前を付けて保存…").trigger()
        assert Path(asked[0]).name == att["filename"]
        assert out.read_bytes() == stored.read_bytes()
        assert said.args[0] == f"保存しました: {out}"
        assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    # Elsewhere in the pane the menu is the usual one (copy, select all).
    plain = window.detail.context_menu(QPoint(2, 2))
    assert "名前を付けて保存…" not in [a.text() for a in plain.actions()]


def test_saving_an_attachment_into_a_missing_folder_says_so(qtbot, window, demo_kb, tmp_path):
    (att,) = demo_kb.require(SEIBU)["attachments"]
    window.home.show_list()
    select(qtbot, window, SEIBU)
    target = tmp_path / "no such folder" / "x.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        with qtbot.waitSignal(window.detail.notice, timeout=10000) as said:
            window.detail.save_attachment_as(att["sha256"])
    # One line naming the folder; nothing made.
    assert "no such folder" in said.args[0]
    assert "\n" not in said.args[0]
    assert not target.parent.exists()


def test_removing_a_tag_from_records_without_tags_says_so(qtbot, window, demo_kb, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from zebkb.ui.core.ops import CollectionOp

    asked: list[Any] = []
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: asked.append(a)))
    bare = case_record(title="タグのない事例", tags=[])
    CollectionOp(window, lambda: demo_kb.save(bare), runner=window.ctx.runner).run_in_background()
    window.home.show_list()
    qtbot.waitUntil(
        lambda: any(demo_kb.require(u)["title"] == "タグのない事例" for u in shown_uids(window)),
        timeout=10000,
    )
    uid = next(u for u in shown_uids(window) if demo_kb.require(u)["title"] == "タグのない事例")
    select(qtbot, window, uid)
    for _round in range(2):
        window.actions_by_name["remove_tag"].trigger()
        qtbot.waitUntil(lambda: not window.ctx.runner.busy, timeout=10000)
        assert window.statusBar().currentMessage() == "選択した記録にはタグがありません", (
            window.statusBar().currentMessage(),
            window.selected_uids(),
            demo_kb.require(uid).get("tags"),
        )
        window.statusBar().clearMessage()
    assert asked == []  # nothing to choose from: no question asked
    assert not window.undo_stack
