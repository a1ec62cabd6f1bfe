"""Main window: delete and undo, editor and history wiring, reindex with progress, --open."""

from __future__ import annotations

import sys
import types

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QInputDialog
from zebkb_main_kit import QT_LOG_IGNORE, detail_text, open_window, select, shown_uids, wait_idle

from zebkb.service.changes import Changes

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

SEIBU = "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"
VISIT = "4851558e-3ce4-5145-81f4-50038ffd5cc2"


def test_delete_then_undo_from_keyboard_and_status_bar(qtbot, window, demo_kb) -> None:
    select(qtbot, window, SEIBU)
    row = window.results.currentIndex().row()
    window.results.setFocus()
    with qtbot.waitSignal(window.recordChanged, timeout=5000):
        window.actions_by_name["delete"].trigger()
    qtbot.waitUntil(lambda: SEIBU not in shown_uids(window))
    assert demo_kb.get(SEIBU)["deleted"] is True
    assert "葛飾区清掃事務所" in window.statusBar().currentMessage()
    assert window.undo_button.isVisibleTo(window)
    assert window.actions_by_name["undo"].isEnabled()
    # The next row is selected, so Delete again keeps working down the list.
    qtbot.waitUntil(lambda: window.results.current_uid() is not None)
    assert window.results.currentIndex().row() == min(row, len(shown_uids(window)) - 1)

    with qtbot.waitSignal(window.recordChanged, timeout=5000):
        qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.results.current_uid() == SEIBU)
    restored = demo_kb.get(SEIBU)
    assert not restored.get("deleted")
    assert restored["title"].startswith("葛飾区清掃事務所")
    assert restored["attachments"]
    assert not window.undo_button.isVisibleTo(window)
    assert not window.actions_by_name["undo"].isEnabled()


def test_ctrl_z_undoes_deletes_in_reverse_order(qtbot, window, demo_kb) -> None:
    for uid in (SEIBU, VISIT):
        select(qtbot, window, uid)
        with qtbot.waitSignal(window.recordChanged, timeout=5000):
            window.delete_current()
        qtbot.waitUntil(lambda uid=uid: uid not in shown_uids(window))
    undo = window.actions_by_name["undo"]
    assert undo.shortcut().toString() == "Ctrl+Z"
    with qtbot.waitSignal(window.recordChanged, timeout=5000):
        undo.trigger()
    wait_idle(qtbot, window)
    assert not demo_kb.get(VISIT).get("deleted")
    assert demo_kb.get(SEIBU)["deleted"] is True
    with qtbot.waitSignal(window.recordChanged, timeout=5000):
        undo.trigger()
    wait_idle(qtbot, window)
    assert not demo_kb.get(SEIBU).get("deleted")


def test_every_action_is_in_a_menu_with_its_shortcut(window) -> None:
    expected = {
        "new": "Ctrl+N",
        "find": "Ctrl+F",
        "delete": "Del",
        "undo": "Ctrl+Z",
        "clear": "Esc",
        "quit": "Ctrl+Q",
    }
    in_menus = {a for m in window.menus.values() for a in m.actions()}
    for name, action in window.actions_by_name.items():
        assert action in in_menus, name
        assert action.text(), name
    for name, keys in expected.items():
        assert window.actions_by_name[name].shortcut().toString() == keys


def _fake_module(name: str, cls_name: str, signal_name: str) -> tuple[types.ModuleType, list]:
    """A stand-in dialog module: records how the window opens it, never blocks."""
    opened: list = []

    class Fake(QDialog):
        locals()[signal_name] = Signal(dict)

        def __init__(self, ctx, *args, parent=None, **kwargs) -> None:
            super().__init__(parent)
            opened.append((args, kwargs, self))

        def open(self) -> None:
            pass

    Fake.__name__ = cls_name
    module = types.ModuleType(name)
    setattr(module, cls_name, Fake)
    return module, opened


def test_new_record_asks_the_kind_and_opens_the_editor(qtbot, window, demo_kb, monkeypatch) -> None:
    module, opened = _fake_module("zebkb.ui.edit.editor", "RecordEditorDialog", "saved")
    monkeypatch.setitem(sys.modules, "zebkb.ui.edit.editor", module)
    asked: list = []

    def get_item(*args):
        items = args[3]
        asked.append(list(items))
        return "視察記録", True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    assert window.actions_by_name["new"].shortcut().toString() == "Ctrl+N"
    window.actions_by_name["new"].trigger()
    assert asked == [["事例", "視察記録", "勉強会・研修", "課題", "ZEBリーディング・オーナー"]]
    (args, kwargs, dialog) = opened[0]
    assert args == ("visit",)
    assert kwargs["record"] is None
    # The editor saves; the window shows the new record selected.
    saved = demo_kb.save(
        {"type": "visit", "title": "新しい視察", "ward": "131229", "visited_on": "2025-05-01"}
    )
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        dialog.saved.emit(saved)
        # What the editor's write op makes the runner announce.
        window.ctx.runner.dataChanged.emit(Changes(records=frozenset({saved["uid"]})))
    qtbot.waitUntil(lambda: window.detail.uid == saved["uid"])
    assert window.results.current_uid() == saved["uid"]


def test_edit_opens_the_editor_with_the_shown_record(qtbot, window, monkeypatch) -> None:
    module, opened = _fake_module("zebkb.ui.edit.editor", "RecordEditorDialog", "saved")
    monkeypatch.setitem(sys.modules, "zebkb.ui.edit.editor", module)
    select(qtbot, window, VISIT)
    window.actions_by_name["edit"].trigger()
    (args, kwargs, _dialog) = opened[0]
    assert args == ("visit",)
    assert kwargs["record"]["uid"] == VISIT


def test_history_restore_refreshes(qtbot, window, demo_kb, monkeypatch) -> None:
    module, opened = _fake_module("zebkb.ui.edit.history", "HistoryDialog", "restored")
    monkeypatch.setitem(sys.modules, "zebkb.ui.edit.history", module)
    select(qtbot, window, VISIT)
    window.actions_by_name["history"].trigger()
    (args, _kwargs, dialog) = opened[0]
    assert args == (VISIT,)
    record = demo_kb.get(VISIT)
    changed = demo_kb.save(dict(record, title="視察（改題）"))
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        dialog.restored.emit(changed)
        # What the history dialog's restore op makes the runner announce.
        window.ctx.runner.dataChanged.emit(Changes(records=frozenset({VISIT})))
    qtbot.waitUntil(lambda: "視察（改題）" in detail_text(window))


def test_missing_dialog_module_is_a_status_message(qtbot, window, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "zebkb.ui.settings.settings_dialog", None)  # import fails
    window.actions_by_name["settings"].trigger()
    assert window.statusBar().currentMessage() == "この機能はまだ利用できません"


def test_reindex_reports_progress_and_finishes(qtbot, window, demo_kb) -> None:
    steps: list[tuple[int, int]] = []
    real = demo_kb.reindex

    def watched(progress=None, cancel=None):
        return real(lambda d, t, *_: (steps.append((d, t)), progress(d, t)), cancel)

    demo_kb.reindex = watched
    with qtbot.waitSignal(window.reindexFinished, timeout=20000) as blocker:
        window.actions_by_name["reindex"].trigger()
    assert blocker.args == [True]
    assert steps
    assert steps[-1][1] == len(demo_kb.list_records())
    assert window.statusBar().currentMessage() == "検索索引を作り直しました"
    assert demo_kb.index_is_current()


def test_reindex_can_be_cancelled(qtbot, window, demo_kb) -> None:
    import threading

    real = demo_kb.reindex
    started = threading.Event()

    def wait_for_cancel(progress=None, cancel=None):
        started.set()
        for _ in range(1000):  # the user presses cancel while the work runs
            if cancel():
                break
            threading.Event().wait(0.01)
        return real(progress, cancel)

    demo_kb.reindex = wait_for_cancel
    with qtbot.waitSignal(window.reindexFinished, timeout=20000) as blocker:
        window.actions_by_name["reindex"].trigger()
        qtbot.waitUntil(started.is_set)
        window.reindex_handle.cancel()
    assert blocker.args == [False]
    assert "中止" in window.statusBar().currentMessage()


def test_open_uid_before_and_after_the_first_search(qtbot, ctx, demo_kb) -> None:
    from zebkb.ui.app import make_main_window

    w = make_main_window(ctx)
    qtbot.addWidget(w)
    w.open_record(VISIT)  # before any results arrived: remembered
    qtbot.waitUntil(lambda: w.detail.uid == VISIT, timeout=5000)
    assert w.results.current_uid() == VISIT
    # A record the current results do not list is still shown.
    with qtbot.waitSignal(w.searchFinished):
        w.search_bar.set_query("シンポジウム")
    with qtbot.waitSignal(w.detail.shown):
        w.open_record(SEIBU)
    assert "葛飾区清掃事務所" in detail_text(w)


def test_window_parts_are_separate_classes(window) -> None:
    from zebkb.ui.main.detail import DetailPane
    from zebkb.ui.main.navigation import NavigationPane
    from zebkb.ui.main.results import ResultsPane
    from zebkb.ui.main.searchbar import SearchBar

    assert isinstance(window.search_bar, SearchBar)
    assert isinstance(window.navigation, NavigationPane)
    assert isinstance(window.results, ResultsPane)
    assert isinstance(window.detail, DetailPane)
    assert isinstance(window.results.model(), QObject)


def test_open_window_on_an_empty_knowledge_base(qtbot, ctx) -> None:
    w = open_window(qtbot, ctx)
    assert shown_uids(w) == []
    assert "左の一覧から記録を選ぶ" in detail_text(w)
