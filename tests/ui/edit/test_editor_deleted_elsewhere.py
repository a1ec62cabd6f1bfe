"""A record deleted on another PC while it is open in the editor: the question says so.

In team mode (or a second window) a colleague may delete a record someone is
editing. Saving is then refused as "changed elsewhere", and saving anyway
brings the record back: the person must be told it was deleted, not only that
it changed, before they answer.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from zebkb_edit_kit import QT_LOG_IGNORE, open_editor, settle, wait_idle
from zebkb_testing import case_record

from zebkb.ui.core.i18n import Translator

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def test_a_record_deleted_elsewhere_is_said_to_be_deleted(qtbot, ectx, kb, monkeypatch) -> None:
    original = kb.save(case_record())
    dialog = open_editor(qtbot, ectx, "case", original)
    kb.delete(original["uid"])  # another PC, meanwhile
    dialog.editors["title"].edit.setText("この画面での変更")
    assert settle(qtbot, dialog)
    asked: list[tuple[str, str]] = []

    def question(_parent, title, text, *_a, **_k):
        asked.append((title, text))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.save()
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    wait_idle(qtbot, ectx)
    ((title, text),) = asked
    assert title == "他の場所で削除されています"
    assert "他の場所で削除されました" in text
    assert "第2版" in text
    assert "削除されています" in dialog.message.text()
    assert kb.get(original["uid"])["deleted"] is True  # answered no: still deleted

    asked.clear()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    stored = kb.get(original["uid"])
    assert not stored.get("deleted")
    assert stored["title"] == "この画面での変更"
    assert stored["revision"] == 3


def test_both_languages_have_the_deleted_words() -> None:
    for lang in ("ja", "en"):
        tr = Translator(lang)
        for key in ("editor.deleted.title", "editor.deleted.text", "editor.deleted.kept"):
            assert tr.t(key, current=2, edited=1) != key
    assert "deleted elsewhere" in Translator("en").t("editor.deleted.text", current=2, edited=1)
