"""Attachments in the editor: by file dialog, by drop, refused files, captions, removal."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from zebkb_edit_kit import QT_LOG_IGNORE, open_editor, save, settle
from zebkb_testing import case_record

from zebkb.ui.edit import attachedit

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    photo = folder / "外観.png"
    Image.new("RGB", (64, 48), (30, 120, 200)).save(photo)
    note = folder / "memo.txt"
    note.write_text("視察メモ", encoding="utf-8")
    return {"photo": photo, "note": note, "folder": folder}


def add_through_dialog(qtbot, dialog, monkeypatch, paths):
    editor = dialog.editors["attachments"]
    monkeypatch.setattr(editor, "ask_for_files", lambda: list(paths))
    with qtbot.waitSignal(editor.filesAdded, timeout=5000) as blocker:
        editor.add_button.click()
    return editor, blocker.args


def test_add_by_file_dialog_caption_and_save(qtbot, ectx, kb, files, monkeypatch) -> None:
    record = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", record)
    editor, (added, refused) = add_through_dialog(
        qtbot, dialog, monkeypatch, [files["photo"], files["note"]]
    )
    assert (added, refused) == (2, 0)
    assert editor.table.rowCount() == 2
    editor.set_caption(0, "南側外観")
    assert settle(qtbot, dialog)
    saved = save(qtbot, dialog)
    atts = kb.get(saved["uid"])["attachments"]
    assert [a["filename"] for a in atts] == ["外観.png", "memo.txt"]
    assert atts[0]["caption"] == "南側外観"
    assert "caption" not in atts[1]
    assert atts[0]["media_type"] == "image/png"
    assert atts[1]["size"] == files["note"].stat().st_size
    digest = hashlib.sha256(files["photo"].read_bytes()).hexdigest()
    assert atts[0]["sha256"] == digest
    assert kb.attachment_path(digest).read_bytes() == files["photo"].read_bytes()


def test_thumbnail_arrives_for_an_image(qtbot, ectx, kb, files, monkeypatch) -> None:
    dialog = open_editor(qtbot, ectx, "case")
    with qtbot.waitSignal(ectx.thumbnailer.thumbnailReady, timeout=5000):
        add_through_dialog(qtbot, dialog, monkeypatch, [files["photo"]])
    editor = dialog.editors["attachments"]
    assert not editor.table.item(0, 0).icon().isNull()


def drag_enter(widget, mime: QMimeData) -> bool:
    # PySide6 flags QDragEnterEvent's only constructor as deprecated; Qt has no other.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
    QApplication.sendEvent(widget, enter)
    return enter.isAccepted()


def drop(widget, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(10, 10)
    assert drag_enter(widget, mime)
    event = QDropEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def test_add_by_drop(qtbot, ectx, kb, files) -> None:
    record = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", record)
    editor = dialog.editors["attachments"]
    with qtbot.waitSignal(editor.filesAdded, timeout=5000) as blocker:
        drop(editor, [files["photo"]])
    assert blocker.args == [1, 0]
    assert settle(qtbot, dialog)
    saved = save(qtbot, dialog)
    assert [a["filename"] for a in kb.get(saved["uid"])["attachments"]] == ["外観.png"]


def test_a_drop_without_files_is_refused(qtbot, ectx) -> None:
    dialog = open_editor(qtbot, ectx, "case")
    mime = QMimeData()
    mime.setText("not a file")
    assert not drag_enter(dialog.editors["attachments"], mime)


def test_refused_files_are_named_and_the_rest_added(
    qtbot, ectx, files, monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(attachedit, "MAX_ATTACHMENT_BYTES", 20)
    big = files["folder"] / "大きな図面.pdf"
    big.write_bytes(b"%PDF" + b"0" * 100)
    dialog = open_editor(qtbot, ectx, "visit")
    missing = tmp_path / "ない.jpg"
    editor, (added, refused) = add_through_dialog(
        qtbot, dialog, monkeypatch, [files["note"], missing, files["folder"], big]
    )
    assert (added, refused) == (1, 3)
    text = editor.message.text()
    assert "ない.jpg: ファイルが見つかりません" in text
    assert "フォルダは添付できません" in text
    assert "大きな図面.pdf: 大きすぎます" in text
    assert [a["filename"] for a in editor.value()] == ["memo.txt"]
    ectx.tr.set_language("en")
    assert "ない.jpg: the file does not exist" in editor.message.text()


def test_remove_an_attachment(qtbot, ectx, kb, files) -> None:
    first = kb.save(case_record())
    with_file = kb.add_attachment(first["uid"], files["photo"], caption="外観")
    dialog = open_editor(qtbot, ectx, "case", with_file)
    editor = dialog.editors["attachments"]
    assert editor.table.item(0, 2).text() == "外観"
    editor.table.selectRow(0)
    editor.remove_current()
    assert dialog.is_dirty()
    assert settle(qtbot, dialog)
    saved = save(qtbot, dialog)
    assert kb.get(saved["uid"])["attachments"] == []
    # The file stays stored: older versions still refer to it.
    assert kb.attachment_path(with_file["attachments"][0]["sha256"]) is not None


def test_save_pressed_while_a_file_is_still_being_added_keeps_the_file(
    qtbot, ectx, kb, files, monkeypatch
) -> None:
    """A person drops a file and presses 保存 at once, before it has been copied in: the
    record is saved once the file is in, with it, not without it."""
    import threading

    release = threading.Event()
    real = attachedit.store_files

    def slow(kb_, paths):  # a big file on a slow disk
        release.wait(10)
        return real(kb_, paths)

    monkeypatch.setattr(attachedit, "store_files", slow)
    for n in (1, 2):
        release.clear()
        record = kb.save(case_record(title=f"添付の途中で保存 {n}"))
        dialog = open_editor(qtbot, ectx, "case", record)
        editor = dialog.editors["attachments"]
        editor.add_files([files["note"]])
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert not dialog.save_button.isEnabled()  # waiting for the file, not saving twice
        with qtbot.waitSignal(dialog.saved, timeout=10000) as blocker:
            release.set()
        saved = blocker.args[0]
        assert [a["filename"] for a in kb.get(saved["uid"])["attachments"]] == ["memo.txt"]
        assert saved["revision"] == 2
