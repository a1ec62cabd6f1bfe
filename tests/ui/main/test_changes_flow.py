"""Journey: after each write, every pane agrees with a fresh read of the knowledge base.

No pane is refreshed by hand: the op runner emits dataChanged once per write
and the panes listen. Each step below is a write a person makes from the
window; after it the list, the navigation counts, the home screen's numbers,
the conflict count and the detail pane must show what the database holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from zebkb_bundle_kit import SHINAGAWA, case, write
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx, open_window, select, shown_uids
from zebkb_peer_kit import make_conflicts

from zebkb.overview import overview
from zebkb.service import KnowledgeBase
from zebkb.service.exchange import open_conflict_count
from zebkb.ui.main.searchwork import RowCache, run_search

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def settle_down(qtbot: Any, window: Any) -> None:
    """Wait until no op runs and the overview has counted."""
    qtbot.waitUntil(lambda: not window.ctx.runner.busy, timeout=20000)
    qtbot.wait(50)  # ops started by the last dataChanged are queued by now
    qtbot.waitUntil(lambda: not window.ctx.runner.busy, timeout=20000)


def assert_in_step(qtbot: Any, window: Any, kb: Any) -> None:
    settle_down(qtbot, window)
    bar = window.search_bar
    fresh = run_search(kb, bar.query(), bar.filters(), RowCache())
    # The list and the navigation counts.
    assert sorted(shown_uids(window)) == sorted(r.uid for r in fresh.rows)
    assert window.answer.facets == fresh.facets
    assert window.answer.facet_total == fresh.facet_total
    # The home screen and the conflict count.
    pane = window.home.overview
    assert pane.data == overview(kb)
    assert window.home.conflict_count == open_conflict_count(kb)
    # The record shown.
    if window.detail.uid is not None:
        record = kb.get(window.detail.uid)
        assert record is not None
        assert window.detail.record["revision"] == record["revision"]
        assert bool(window.detail.record.get("deleted")) == bool(record.get("deleted"))


@pytest.fixture
def fresh(qtbot, tmp_path, clock):
    with KnowledgeBase.open(tmp_path / "fresh", clock=clock) as kb:
        context = make_ctx(kb, tmp_path / "s.ini")
        try:
            yield kb, context
        finally:
            context.runner.shutdown()


def test_every_pane_follows_every_write(qtbot, fresh, tmp_path, monkeypatch) -> None:
    from zebkb.service.backup import create_backup
    from zebkb.ui.app import start_first_run
    from zebkb.ui.main.backup_actions import restore

    kb, context = fresh
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = open_window(qtbot, context)
    settle_down(qtbot, window)
    assert window.home.overview.data.totals.get("case", 0) == 0

    # First run: the demo records arrive; the home screen counts them at once.
    dialog = start_first_run(window, context)
    assert dialog.chooser.select("131229")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: len(shown_uids(window)) == kb.count() > 0, timeout=20000)
    assert_in_step(qtbot, window, kb)
    assert window.home.overview.data.totals["case"] > 0
    backup = create_backup(kb)

    # Delete, with the record shown; then undo.
    window.home.show_list()
    uid = shown_uids(window)[0]
    select(qtbot, window, uid)
    window.delete_current()
    qtbot.waitUntil(lambda: uid not in shown_uids(window), timeout=10000)
    assert_in_step(qtbot, window, kb)
    window.undo_delete()
    qtbot.waitUntil(lambda: uid in shown_uids(window), timeout=10000)
    assert_in_step(qtbot, window, kb)

    # Save from the editor: the shown record and the list follow.
    qtbot.waitUntil(lambda: window.detail.uid == uid, timeout=5000)  # selected again on undo
    window.edit_current()
    qtbot.waitUntil(lambda: window.dialogs.get("editor") is not None, timeout=5000)
    editor = window.dialogs["editor"]
    editor.set_values({"title": "改題した記録"})
    editor.save()
    qtbot.waitUntil(lambda: "改題した記録" in window.detail.browser.toPlainText(), timeout=10000)
    assert_in_step(qtbot, window, kb)

    # Restore an earlier version from the history.
    window.open_history()
    qtbot.waitUntil(lambda: window.dialogs.get("history") is not None, timeout=5000)
    history = window.dialogs["history"]
    qtbot.waitUntil(lambda: len(history.versions) > 1, timeout=5000)
    assert history.select_revision(min(v.revision for v in history.versions))
    history.restore_selected()
    qtbot.waitUntil(
        lambda: "改題した記録" not in window.detail.browser.toPlainText(), timeout=10000
    )
    history.close()
    assert_in_step(qtbot, window, kb)

    # Reindex.
    with qtbot.waitSignal(window.reindexFinished, timeout=30000):
        window.reindex()
    assert_in_step(qtbot, window, kb)

    # Import a bundle from another ward, from the import dialog.
    incoming = case(origin=SHINAGAWA, ward=SHINAGAWA, title="品川区から届いた事例")
    bundle = write(
        tmp_path / "shinagawa.zebkb",
        records=[incoming],
        manifest={"origin": {"ward": SHINAGAWA, "name": "品川区"}},
    )
    importer = window.exchange.open_import([bundle])
    qtbot.waitUntil(importer.apply_button.isEnabled, timeout=20000)
    importer.apply_button.click()
    qtbot.waitUntil(lambda: incoming["uid"] in shown_uids(window), timeout=20000)
    assert_in_step(qtbot, window, kb)
    importer.close()

    # Undo that import from the exchange log.
    log = window.exchange.open_exchange_log()
    qtbot.waitUntil(lambda: log.received.rowCount() == 1, timeout=10000)
    log.received.selectRow(0)
    log.undo_selected()
    qtbot.waitUntil(lambda: incoming["uid"] not in shown_uids(window), timeout=20000)
    assert_in_step(qtbot, window, kb)
    log.close()

    # Restore the backup taken after the demo: the edit is gone everywhere.
    restore(window, context, Path(backup.path))
    qtbot.waitUntil(lambda: kb.get(uid)["revision"] == 1, timeout=30000)
    assert_in_step(qtbot, window, kb)


def test_settling_a_conflict_updates_every_pane(qtbot, ctx, kb, peer, tmp_path) -> None:
    make_conflicts(kb, peer, tmp_path)
    window = open_window(qtbot, ctx)
    qtbot.waitUntil(lambda: window.home.conflict_count == 1, timeout=10000)
    assert_in_step(qtbot, window, kb)

    dialog = window.exchange.open_conflicts()
    qtbot.waitUntil(dialog.keep_incoming.isEnabled, timeout=10000)
    dialog.keep_incoming.click()
    qtbot.waitUntil(lambda: window.home.conflict_count == 0, timeout=10000)
    qtbot.waitUntil(
        lambda: any(r.title == "品川区の件名" for r in window.answer.rows), timeout=10000
    )
    assert_in_step(qtbot, window, kb)


def write_on_runner(qtbot: Any, window: Any, work: Any) -> None:
    """A write the way the window makes one: on the runner, announced by dataChanged."""
    from zebkb.ui.core.ops import CollectionOp

    CollectionOp(window, work, runner=window.ctx.runner).run_in_background()
    settle_down(qtbot, window)


def test_a_tag_added_to_a_selection_is_one_change_and_one_undo(
    qtbot, window, demo_kb, monkeypatch
) -> None:
    """Twice in a row: tag three rows, undo; remove a tag from two, undo. Panes in step."""
    from PySide6.QtWidgets import QInputDialog

    asked: list[list[str]] = []
    answer = {"tag": ""}

    def get_item(_parent, _title, _prompt, items, _current, _editable):
        asked.append(list(items))
        return answer["tag"], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    signals: list[Any] = []
    window.ctx.runner.dataChanged.connect(signals.append)
    window.home.show_list()
    for round_ in range(2):
        uids = shown_uids(window)[round_ : round_ + 3]
        select(qtbot, window, uids[0])
        for uid in uids[1:]:
            window.results.selectionModel().select(
                window.results.results.index(window.results.results.row_of(uid), 0),
                window.results.selectionModel().SelectionFlag.Select
                | window.results.selectionModel().SelectionFlag.Rows,
            )
        assert sorted(window.selected_uids()) == sorted(uids)
        revisions = {u: demo_kb.require(u)["revision"] for u in uids}
        answer["tag"] = f"一括タグ{round_}"
        signals.clear()
        window.actions_by_name["add_tag"].trigger()
        qtbot.waitUntil(lambda: bool(window.undo_stack), timeout=10000)
        for uid in uids:
            record = demo_kb.require(uid)
            assert answer["tag"] in record["tags"]
            assert record["revision"] == revisions[uid] + 1
        assert len(signals) == 1  # one operation
        assert signals[0].records == frozenset(uids)
        assert_in_step(qtbot, window, demo_kb)
        assert window.answer.facets  # the tag is counted in the navigation
        assert f"3 件の記録にタグ「{answer['tag']}」を付けました" in (
            window.statusBar().currentMessage()
        )
        assert window.actions_by_name["undo"].text() == "タグの変更を元に戻す"
        assert answer["tag"] in window.detail.browser.toPlainText()
        # One undo brings back every record as it was.
        window.actions_by_name["undo"].trigger()
        qtbot.waitUntil(lambda: not window.undo_stack, timeout=10000)
        qtbot.waitUntil(
            lambda u=uids: all(answer["tag"] not in demo_kb.require(x).get("tags", []) for x in u),
            timeout=10000,
        )
        assert_in_step(qtbot, window, demo_kb)
        assert not window.actions_by_name["undo"].isEnabled()
        assert answer["tag"] not in window.detail.browser.toPlainText()

        # Removing offers only the selection's tags; records without it stay as they are.
        tagged = demo_kb.require(uids[0])
        write_on_runner(
            qtbot, window, lambda r=tagged: demo_kb.save(dict(r, tags=[*r["tags"], "外すタグ"]))
        )
        # The selection outlives the lists read again after each write.
        assert sorted(window.selected_uids()) == sorted(uids)
        answer["tag"] = "外すタグ"
        asked.clear()
        window.actions_by_name["remove_tag"].trigger()
        qtbot.waitUntil(lambda: bool(window.undo_stack), timeout=10000)
        assert asked[0] == sorted(
            {t for u in uids for t in demo_kb.require(u)["tags"]} | {"外すタグ"}
        )
        assert "外すタグ" not in demo_kb.require(uids[0])["tags"]
        assert [b.uid for b in window.undo_stack[-1].records] == [uids[0]]
        assert_in_step(qtbot, window, demo_kb)
        window.actions_by_name["undo"].trigger()
        qtbot.waitUntil(lambda u=uids[0]: "外すタグ" in demo_kb.require(u)["tags"], timeout=10000)
        assert_in_step(qtbot, window, demo_kb)
        write_on_runner(
            qtbot, window, lambda r=tagged: demo_kb.save(r)
        )  # as it was, for the next round


def test_a_day_by_keyboard_with_a_language_change_and_two_imports(
    qtbot, window, demo_kb, tmp_path, caplog
) -> None:
    """Create (Ctrl+N, ↓, Enter, typed fields, Ctrl+S), Del, Ctrl+Z, the language changed
    while the form is open, then two bundles imported in one sitting (Ctrl+I twice).

    After each step every pane agrees with a fresh read, and nothing is logged as an error.
    """
    import logging

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QComboBox
    from shiboken6 import isValid

    caplog.set_level(logging.WARNING)
    kb = demo_kb
    ctrl = Qt.KeyboardModifier.ControlModifier

    def front() -> None:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)

    def answer_chooser() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, answer_chooser)
            return
        # 事例 is first; one ↓ is 視察記録.
        qtbot.keyClick(box.findChild(QComboBox), Qt.Key.Key_Down)
        qtbot.keyClick(box, Qt.Key.Key_Return)

    window.home.show_list()
    assert_in_step(qtbot, window, kb)
    front()
    QTimer.singleShot(0, answer_chooser)
    qtbot.keyClick(window, Qt.Key.Key_N, ctrl)
    qtbot.waitUntil(lambda: window.dialogs.get("editor") is not None, timeout=5000)
    editor = window.dialogs["editor"]
    assert editor.kind == "visit"
    title = editor.editors["title"].focus_target()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is title, timeout=5000)
    qtbot.keyClicks(title, "Keyboard visit")
    window.set_language("en")  # mid-task: what was typed stays
    assert editor.editors["title"].value() == "Keyboard visit"
    day = editor.editors["visited_on"].focus_target()
    day.setFocus()
    qtbot.keyClicks(day, "2024-10-21")
    # The home ward is filled in once the background read answers (the form shows it);
    # a person sees 葛飾区 there before saving, and Save stays off (with its reason) until then.
    qtbot.waitUntil(lambda: editor.editors["ward"].value() == kb.home_ward, timeout=10000)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.keyClick(day, Qt.Key.Key_S, ctrl)
    qtbot.waitUntil(lambda: window.dialogs.get("editor") is None, timeout=5000)
    [made] = [r for r in kb.list_records() if r.title == "Keyboard visit"]
    qtbot.waitUntil(lambda: made.uid in shown_uids(window), timeout=10000)
    assert_in_step(qtbot, window, kb)

    if window.results.current_uid() != made.uid:  # a new record may be chosen already
        select(qtbot, window, made.uid)
    front()
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: made.uid not in shown_uids(window), timeout=10000)
    assert kb.get(made.uid)["deleted"]
    assert_in_step(qtbot, window, kb)
    qtbot.keyClick(window.results, Qt.Key.Key_Z, ctrl)
    qtbot.waitUntil(lambda: made.uid in shown_uids(window), timeout=10000)
    assert_in_step(qtbot, window, kb)
    window.set_language("ja")
    assert_in_step(qtbot, window, kb)

    for n in range(2):
        incoming = case(origin=SHINAGAWA, ward=SHINAGAWA, title=f"品川区から届いた事例 {n}")
        bundle = write(
            tmp_path / f"shinagawa-{n}.zebkb",
            records=[incoming],
            manifest={"origin": {"ward": SHINAGAWA, "name": "品川区"}},
        )
        front()
        qtbot.keyClick(window, Qt.Key.Key_I, ctrl)
        qtbot.waitUntil(lambda: window.dialogs.get("import") is not None, timeout=5000)
        importer = window.dialogs["import"]
        importer.add_files([bundle])  # what the file chooser or a drop hands over
        qtbot.waitUntil(importer.apply_button.isEnabled, timeout=20000)
        importer.apply_button.click()
        qtbot.waitUntil(lambda i=incoming: i["uid"] in shown_uids(window), timeout=20000)
        assert_in_step(qtbot, window, kb)
        qtbot.keyClick(importer, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda i=importer: not isValid(i), timeout=5000)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
