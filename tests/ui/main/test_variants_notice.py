"""A bad search-variants.txt is said in the window, naming the line; searches go on.

Only `zebkb check` used to report it: in the window, the folder's own variants
were silently left out of every search.
"""

from __future__ import annotations

from typing import Any

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, open_window, search, shown_uids

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def _bad_file(kb: Any) -> None:
    (kb.data_dir / "search-variants.txt").write_text(
        "# 自分の表記ゆれ\nサーバー サーバ\n一つだけ\n", encoding="utf-8"
    )


def test_a_bad_variants_file_is_said_once_naming_the_line(qtbot, ctx, demo_kb) -> None:
    _bad_file(demo_kb)
    window = open_window(qtbot, ctx)
    message = window.statusBar().currentMessage()
    assert "表記ゆれの辞書が使えない" in message
    assert "3 行目" in message
    assert "一つだけ" in message
    # Searching goes on, with the built-in table, and says it once only.
    search(qtbot, window, "清掃事務所")
    assert shown_uids(window)
    window.statusBar().clearMessage()
    search(qtbot, window, "ZEB")
    assert window.statusBar().currentMessage() == ""
    # The message follows a language switch while it shows.
    window._variants_said = None
    search(qtbot, window, "清掃")
    ctx.tr.set_language("en")
    message = window.statusBar().currentMessage()
    assert "spelling-variants file cannot be used" in message
    assert "line 3" in message
    assert "表記ゆれ" not in message


def test_a_good_variants_file_says_nothing(qtbot, ctx, demo_kb) -> None:
    (demo_kb.data_dir / "search-variants.txt").write_text("サーバー サーバ\n", encoding="utf-8")
    window = open_window(qtbot, ctx)
    search(qtbot, window, "清掃事務所")
    assert "表記ゆれ" not in window.statusBar().currentMessage()
