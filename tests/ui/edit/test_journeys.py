"""Journeys: a person's whole task in the editor, by keyboard, with the language changed midway."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QTabBar, QWidget
from zebkb_edit_kit import QT_LOG_IGNORE, open_editor, settle, wait_idle

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


def visible_texts(root: QWidget) -> list[str]:
    """What the interface itself says (labels, buttons, tabs, title), not what was typed."""
    texts = [root.windowTitle()]
    for label in root.findChildren(QLabel):
        if label.isVisibleTo(root) and label.text():
            texts.append(label.text())
    for button in root.findChildren(QAbstractButton):
        if button.isVisibleTo(root) and button.text():
            texts.append(button.text())
    for bar in root.findChildren(QTabBar):
        texts.extend(bar.tabText(i) for i in range(bar.count()))
    return texts


def test_change_language_mid_task_then_save_by_keyboard(qtbot, ectx, kb) -> None:
    dialog = open_editor(qtbot, ectx, "visit")
    dialog.activateWindow()
    e = dialog.editors
    e["title"].edit.setFocus()
    qtbot.keyClicks(e["title"].edit, "Visit")
    e["visited_on"].edit.setText("R6.13.1")  # a 13th month: a problem beside the field
    assert not settle(qtbot, dialog)
    assert dialog.field_error("visited_on")
    ectx.tr.set_language("en")
    # What was typed stays; every text of the form speaks English now.
    assert e["title"].value() == "Visit"
    shown = visible_texts(dialog)
    assert "Save" in shown  # the scan sees the form (a blind scan would pass anything)
    assert len(shown) > 20
    leaks = [t for t in shown if JAPANESE.search(t)]
    assert leaks == [], leaks
    ectx.tr.set_language("ja")
    leaks = [t for t in visible_texts(dialog) if LATIN_WORD.search(t) and not JAPANESE.search(t)]
    # A few words are the same in both (ZEB, Markdown, Enter, BEI): allow only those.
    allowed = {"Markdown", "Enter", "Visit"}
    assert [t for t in leaks if not set(LATIN_WORD.findall(t)) <= allowed] == [], leaks
    # Fix the date by keyboard and save with Ctrl+S.
    e["visited_on"].edit.setFocus()
    e["visited_on"].edit.selectAll()
    qtbot.keyClicks(e["visited_on"].edit, "2024-10-21")
    assert settle(qtbot, dialog), dialog.message.text()
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.keyClick(e["visited_on"].edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, ectx)
    [saved] = kb.list_records()
    assert saved.title == "Visit"


def test_ctrl_e_puts_the_cursor_in_the_first_field(qtbot, window) -> None:
    """Edit by keyboard only: Ctrl+E, type, Ctrl+S; twice, on a case and a visit."""
    from PySide6.QtWidgets import QApplication
    from zebkb_main_kit import select, shown_uids

    window.home.show_list()
    for round_, kind in enumerate(("case", "visit")):
        uid = next(u for u in shown_uids(window) if window.ctx.kb.require(u)["type"] == kind)
        select(qtbot, window, uid)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        window.results.setFocus()
        qtbot.keyClick(window.results, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.dialogs.get("editor") is not None, timeout=5000)
        dialog = window.dialogs["editor"]
        title = dialog.editors["title"].focus_target()
        qtbot.waitUntil(lambda t=title: QApplication.focusWidget() is t, timeout=5000)
        qtbot.keyClick(title, Qt.Key.Key_End)
        qtbot.keyClicks(title, f" rev{round_}")
        with qtbot.waitSignal(dialog.saved, timeout=5000):
            qtbot.keyClick(title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        wait_idle(qtbot, window.ctx)
        assert window.ctx.kb.require(uid)["title"].endswith(f" rev{round_}")
        qtbot.waitUntil(lambda: window.dialogs.get("editor") is None, timeout=5000)
