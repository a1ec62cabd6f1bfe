"""Journey: open, close and reopen every dialog the main window keeps, twice.

Each dialog is deleted by Qt when it closes; the window must not keep a
reference to it past that (the import dialog opened a second time raised
RuntimeError until the window was restarted).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QWidget
from shiboken6 import isValid
from zebkb_main_kit import open_window, select

from zebkb.ui.app import start_first_run

# The offscreen platform cannot resize hints nor raise a window; raising an open dialog is
# part of what is tested here.
OFFSCREEN = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)
pytestmark = [pytest.mark.gui, OFFSCREEN]

OPENERS: dict[str, Callable[[Any], Any]] = {
    "import": lambda w: w.exchange.open_import(),
    "export": lambda w: w.exchange.open_export(),
    "exchange_log": lambda w: w.exchange.open_exchange_log(),
    "table_import": lambda w: w.exchange.open_table_import(),
    "conflicts": lambda w: w.exchange.open_conflicts(),
    "editor": lambda w: w.edit_current(),
    "history": lambda w: w.open_history(),
    "settings": lambda w: w.open_settings(),
    "query_help": lambda w: w.show_query_help(),
    "about": lambda w: w.show_about(),
    "print_year": lambda w: w.print_fiscal_year(),
    "first_run": lambda w: start_first_run(w, w.ctx),
}


def close(qtbot: Any, dialog: QWidget, how: str) -> None:
    """Close as a person would, and wait until Qt has deleted the dialog."""
    if how == "reject" and isinstance(dialog, QDialog):
        dialog.reject()
    else:
        dialog.close()
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=5000)


@pytest.mark.parametrize("name", sorted(OPENERS))
def test_each_dialog_opens_closes_and_reopens_twice(qtbot, window, caplog, name) -> None:
    select(qtbot, window, window.results.results.uid_at(0))
    for round_ in range(2):
        for how in ("reject", "close"):
            OPENERS[name](window)
            qtbot.waitUntil(lambda: window.dialogs.get(name) is not None, timeout=5000)
            dialog = window.dialogs[name]
            qtbot.waitExposed(dialog)
            assert dialog.isVisible(), (name, round_, how)
            # Asked again while open: the same dialog comes to the front, no second one.
            OPENERS[name](window)
            assert window.dialogs[name] is dialog
            close(qtbot, dialog, how)
            assert window.dialogs.get(name) is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_import_twice_in_one_sitting_after_escape(qtbot, ctx, demo_kb) -> None:
    """Ctrl+I, Esc, Ctrl+I: the second dialog opens and works."""
    from PySide6.QtCore import Qt

    window = open_window(qtbot, ctx)
    for _ in range(2):
        window.actions_by_name["import"].trigger()
        dialog = window.dialogs["import"]
        qtbot.waitExposed(dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda d=dialog: not isValid(d), timeout=5000)
    window.actions_by_name["import"].trigger()
    assert window.dialogs["import"].isVisible()
