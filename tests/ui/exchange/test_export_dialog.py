"""Export dialog: scopes, expected size before writing, e-mail cap, progress/cancel, show folder, sent log."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QDesktopServices
from zebkb_main_kit import QT_LOG_IGNORE
from zebkb_testing import SHINAGAWA, case_record

from zebkb.bundle.reader import open_bundle
from zebkb.service.exchange import exchange_history
from zebkb.ui.exchange.exchange_log import ExchangeLogDialog
from zebkb.ui.exchange.export_dialog import ExportDialog

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def open_dialog(qtbot: Any, context: Any, dest: Path, selected: tuple[str, ...] = ()) -> Any:
    dialog = ExportDialog(context, selected)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.estimated, timeout=5000):
        dialog.show()
    dialog.dest.setText(str(dest))
    dialog.dest.setModified(True)
    return dialog


def choose(qtbot: Any, dialog: ExportDialog, scope: str) -> Any:
    with qtbot.waitSignal(dialog.estimated, timeout=5000) as blocker:
        dialog.scope_buttons[scope].setChecked(True)
    return blocker.args[0]


def write(qtbot: Any, dialog: ExportDialog) -> Any:
    with qtbot.waitSignal(dialog.exported, timeout=20000) as blocker:
        dialog.export_button.click()
    return blocker.args[0]


def bundle_uids(path: Path) -> set[str]:
    bundle = open_bundle(path)
    try:
        return {r["uid"] for r in bundle.records}
    finally:
        bundle.close()


def test_everything_with_size_shown_first_and_show_folder(qtbot, ctx, kb, tmp_path, monkeypatch):
    kb.load_demo()
    dialog = open_dialog(qtbot, ctx, tmp_path / "out" / "all.zebkb")
    (tmp_path / "out").mkdir()
    est = dialog.estimate
    assert est.records == kb.count(include_deleted=True)
    assert est.attachments > 0
    assert f"記録 {est.records} 件" in dialog.size_label.text()
    assert "kB" in dialog.size_label.text()
    result = write(qtbot, dialog)
    assert result.records == est.records
    assert bundle_uids(result.paths[0]) == {r.uid for r in kb.list_records(include_deleted=True)}
    # The estimate is close to what was written (within a fifth, the manifest aside).
    assert abs(result.parts[0].size - est.size) < est.size * 0.2
    assert "書き出しました" in dialog.result_label.text()
    assert "all.zebkb" in dialog.result_label.text()
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    assert dialog.show_folder.isVisibleTo(dialog)
    dialog.show_folder.click()
    assert opened == [str(tmp_path / "out")]


def test_attachments_left_out_and_size_cap_splits(qtbot, ctx, kb, tmp_path) -> None:
    kb.load_demo()
    dialog = open_dialog(qtbot, ctx, tmp_path / "parts.zebkb")
    full = dialog.estimate
    with qtbot.waitSignal(dialog.estimated, timeout=5000):
        dialog.attachments.setChecked(False)
    assert dialog.estimate.attachments == 0
    assert dialog.estimate.size < full.size
    with qtbot.waitSignal(dialog.estimated, timeout=5000):
        dialog.cap.setChecked(True)
    with qtbot.waitSignal(dialog.estimated, timeout=5000):
        dialog.cap_mb.setValue(0.01)  # 10 kB, smaller than the records alone: several parts
    assert dialog.estimate.parts > 1
    assert "分割" in dialog.size_label.text()
    result = write(qtbot, dialog)
    assert len(result.parts) > 1
    assert all(p.size <= 10_000 for p in result.parts)
    assert result.omitted  # references kept, files left out
    uids = set().union(*(bundle_uids(p) for p in result.paths))
    assert len(uids) == result.records


def test_since_a_date_and_selected_records(qtbot, ctx, kb, tmp_path, clock) -> None:
    old = kb.save(case_record(title="古い事例"))
    clock.advance(days=10)
    new = kb.save(case_record(title="新しい事例"))
    dialog = open_dialog(qtbot, ctx, tmp_path / "since.zebkb")
    with qtbot.waitSignal(dialog.estimated, timeout=5000):
        dialog.scope_buttons["since"].setChecked(True)
    day = clock.now.date()
    with qtbot.waitSignal(dialog.estimated, timeout=5000):
        dialog.since.setDate(QDate(day.year, day.month, day.day))
    assert dialog.estimate.records == 1
    result = write(qtbot, dialog)
    assert bundle_uids(result.paths[0]) == {new["uid"]}

    picked = open_dialog(qtbot, ctx, tmp_path / "picked.zebkb", selected=(old["uid"],))
    # A selected record is offered, but everything stays the default.
    assert picked.scope() == "all"
    with qtbot.waitSignal(picked.estimated, timeout=5000):
        picked.scope_buttons["selected"].setChecked(True)
    assert picked.scope() == "selected"
    assert "（1 件）" in picked.scope_buttons["selected"].text()
    assert picked.estimate.records == 1
    result = write(qtbot, picked)
    assert bundle_uids(result.paths[0]) == {old["uid"]}
    # Without a selection the choice is not offered.
    plain = open_dialog(qtbot, ctx, tmp_path / "x.zebkb")
    assert not plain.scope_buttons["selected"].isEnabled()


def test_since_the_last_export_to_a_ward_and_the_sent_log(qtbot, ctx, kb, tmp_path, clock) -> None:
    first = kb.save(case_record(title="一回目"))
    dialog = open_dialog(qtbot, ctx, tmp_path / "to-shinagawa-1.zebkb")
    choose(qtbot, dialog, "peer")
    with qtbot.waitSignal(dialog.estimated, timeout=5000):
        dialog.peer.setCurrentIndex(dialog.peer.findData(SHINAGAWA))
    assert dialog.recipient.currentData() == SHINAGAWA
    assert dialog.estimate.records == 1  # nothing was sent to Shinagawa yet: everything
    write(qtbot, dialog)
    clock.advance(minutes=30)
    second = kb.save(case_record(title="二回目"))
    again = open_dialog(qtbot, ctx, tmp_path / "to-shinagawa-2.zebkb")
    choose(qtbot, again, "peer")
    with qtbot.waitSignal(again.estimated, timeout=5000):
        again.peer.setCurrentIndex(again.peer.findData(SHINAGAWA))
    assert again.estimate.records == 1
    result = write(qtbot, again)
    assert bundle_uids(result.paths[0]) == {second["uid"]}
    assert first["uid"] not in bundle_uids(result.paths[0])

    history = exchange_history(kb)
    assert [s.files for s in history.sent] == [["to-shinagawa-2.zebkb"], ["to-shinagawa-1.zebkb"]]
    assert {s.peer for s in history.sent} == {SHINAGAWA}
    log = ExchangeLogDialog(ctx)
    qtbot.addWidget(log)
    with qtbot.waitSignal(log.loaded, timeout=5000):
        log.show()
    assert log.sent.rowCount() == 2
    assert log.sent.item(0, 1).text() == "品川区（131091）"
    assert log.sent.item(0, 2).text() == "前回の送付以降"
    assert log.sent.item(0, 5).text() == "to-shinagawa-2.zebkb"
    # Only the wards something was exchanged with are offered as filters.
    assert [log.ward.itemData(i) for i in range(log.ward.count())] == [None, SHINAGAWA]


def test_cancel_writes_nothing(qtbot, ctx, kb, tmp_path) -> None:
    kb.load_demo()
    dest = tmp_path / "cancelled.zebkb"
    dialog = open_dialog(qtbot, ctx, dest)
    gate = threading.Event()
    ctx.runner.submit(gate.wait, write=True)
    with qtbot.waitSignal(dialog.exported, timeout=10000) as blocker:
        dialog.export_button.click()
        assert not dialog.export_button.isEnabled()
        dialog.export_handle.reporter.cancel()
        gate.set()
    assert blocker.args[0] is None
    assert not dest.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb", "zebkb.ini"]
    assert "中止" in dialog.result_label.text()
    assert exchange_history(kb).sent == []


def test_nothing_to_export_disables_writing_and_english_texts(qtbot, kb, tmp_path) -> None:
    from zebkb_main_kit import make_ctx

    context = make_ctx(kb, tmp_path / "en.ini", "en")
    try:
        dialog = open_dialog(qtbot, context, tmp_path / "empty.zebkb")
        assert dialog.estimate.records == 0
        assert "nothing to export" in dialog.size_label.text()
        assert not dialog.export_button.isEnabled()
        assert dialog.windowTitle() == "Export a bundle"
    finally:
        context.runner.shutdown()


def test_replaces_a_file_the_save_dialog_confirmed_and_refuses_a_pipe(
    qtbot, ctx, kb, tmp_path, monkeypatch
):
    import os

    from PySide6.QtWidgets import QFileDialog

    kb.load_demo()
    existing = tmp_path / "old.zebkb"
    existing.write_bytes(b"last week's bundle")
    dialog = open_dialog(qtbot, ctx, tmp_path / "other.zebkb")
    # The save dialog asks about replacing the file itself: nothing more is asked here.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(existing), ""))
    dialog.browse.click()
    result = write(qtbot, dialog)
    assert result.paths == [existing]
    assert bundle_uids(existing)

    pipe = tmp_path / "pipe.zebkb"
    os.mkfifo(pipe)
    dialog = open_dialog(qtbot, ctx, pipe)
    with qtbot.waitSignal(dialog.failed, timeout=20000) as blocker:
        dialog.export_button.click()
    assert "名前付きパイプ" in blocker.args[0]
    assert "\n" not in blocker.args[0]
    assert pipe.is_fifo()


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_a_typed_or_suggested_name_that_exists_is_replaced_only_when_confirmed(
    qtbot, ctx, kb, tmp_path, monkeypatch, answer
):
    """The suggested name (ward and day) is the same for a second export that day."""
    from PySide6.QtWidgets import QMessageBox

    kb.load_demo()
    existing = tmp_path / "131229-20250318.zebkb"
    existing.write_bytes(b"this morning's bundle")
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes if answer == "yes" else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = open_dialog(qtbot, ctx, existing)
    if answer == "yes":
        assert write(qtbot, dialog).paths == [existing]
        assert bundle_uids(existing)
    else:
        dialog.export_button.click()
        qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=5000)
        assert existing.read_bytes() == b"this morning's bundle"
        assert dialog.export_button.isEnabled()
    assert len(asked) == 1
    assert existing.name in asked[0]
