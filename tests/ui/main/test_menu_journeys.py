"""Journeys through the menus as a new employee walks them: each entry chosen from its menu
(a menu click hands the slot Qt's ``checked`` flag), twice, in Japanese and in English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from zebkb_main_kit import QT_LOG_IGNORE, search

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

# The ファイル/ツール entries that open a window of their own (no file chooser first).
DIALOG_ENTRIES = (
    "import",
    "export",
    "export_selected",
    "table_import",
    "exchange_log",
    "conflicts",
)


def shown_texts(root: QWidget) -> list[str]:
    texts = [root.windowTitle()]
    texts += [w.text() for w in root.findChildren(QLabel) if w.isVisibleTo(root) and w.text()]
    texts += [
        w.text() for w in root.findChildren(QAbstractButton) if w.isVisibleTo(root) and w.text()
    ]
    return texts


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_menu_entry_opens_its_window_twice(qtbot, window, lang) -> None:
    window.ctx.tr.set_language(lang)
    search(qtbot, window, "清掃事務所")
    assert window.results.select_uid(window.results.results.uids()[0])
    for name in DIALOG_ENTRIES:
        action = window.exchange.actions[name]
        for _ in range(2):
            action.trigger()  # as a click on the menu entry: triggered(checked=False)
            dialog: Any = window.dialogs.get(name.removesuffix("_selected"))
            assert dialog is not None, name
            assert dialog.isVisible(), name
            texts = shown_texts(dialog)
            assert "False" not in " ".join(texts), (name, texts)
            if lang == "en":
                assert [t for t in texts if JAPANESE.search(t)] == [], (name, texts)
            dialog.close()
            qtbot.waitUntil(lambda n=name: window.dialogs.get(n.removesuffix("_selected")) is None)


def test_history_is_titled_by_the_record_from_the_first_moment(qtbot, window) -> None:
    """編集 → 変更履歴…: the title names the record while its versions load, never its uid."""
    search(qtbot, window, "清掃事務所")
    uid = window.results.results.uids()[0]
    assert window.results.select_uid(uid)
    qtbot.waitUntil(lambda: window.detail.uid == uid)
    title = window.detail.record["title"]
    for _ in range(2):
        window.actions_by_name["history"].trigger()
        dialog: Any = window.dialogs.get("history")
        assert uid not in dialog.windowTitle()
        assert dialog.windowTitle() == window.ctx.tr.t("history.title", title=title)
        qtbot.waitUntil(lambda d=dialog: bool(d.versions))
        assert dialog.windowTitle() == window.ctx.tr.t("history.title", title=title)
        dialog.close()
        qtbot.waitUntil(lambda: window.dialogs.get("history") is None)
