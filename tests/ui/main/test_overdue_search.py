"""Overdue follow-ups in the window's search: the navigation's 後日対応 › 期限切れ, its chip,
and the query word, by the knowledge base's clock (the tests' FakeClock, 2025-03-18).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from zebkb_main_kit import QT_LOG_IGNORE, make_ctx, open_window, search, shown_uids
from zebkb_overdue_kit import save_overdue
from zebkb_testing import JST

from zebkb.search.engine import SearchFilters
from zebkb.ui.main.queryhelp import query_help_html
from zebkb.ui.main.searchbar import OVERDUE

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def _entry(window: Any) -> Any:
    group = window.navigation.groups[OVERDUE]
    return None if group.isHidden() or not group.childCount() else group.child(0)


@pytest.fixture
def late(demo_kb: Any) -> dict[str, str]:
    return save_overdue(demo_kb)


def test_the_navigation_offers_them_and_the_chip_shows_them(qtbot, ctx, late, clock) -> None:
    window = open_window(qtbot, ctx)
    nav = window.navigation
    qtbot.waitUntil(lambda: _entry(window) is not None)
    assert nav.groups[OVERDUE].text(0) == "後日対応"
    assert _entry(window).text(0) == "期限切れ（1）"
    with qtbot.waitSignal(window.searchFinished):
        nav.itemClicked.emit(_entry(window), 0)
    assert window.search_bar.filters() == SearchFilters(overdue=True)
    assert [c.text() for c in window.search_bar.chips] == ["後日対応: 期限切れ  ✕"]
    assert shown_uids(window) == [late["late"]]
    # Counted under the chips, as every group is: still 1 with its own chip on.
    assert _entry(window).text(0) == "期限切れ（1）"
    # Text narrows it further; nothing overdue matches this word.
    search(qtbot, window, "断熱")
    assert shown_uids(window) == []
    search(qtbot, window, "")
    # The day passes March: the month's follow-up is overdue too, with no save.
    clock.now = datetime(2025, 4, 1, 9, 0, tzinfo=JST)
    search(qtbot, window, "ZEB")
    assert shown_uids(window) == [late["month"]]
    search(qtbot, window, "")
    assert sorted(shown_uids(window)) == sorted(late.values())
    with qtbot.waitSignal(window.searchFinished):
        qtbot.mouseClick(window.search_bar.chips[0], Qt.MouseButton.LeftButton)
    assert window.search_bar.filters() == SearchFilters()
    assert len(shown_uids(window)) > 2


def test_the_query_word_and_the_help(qtbot, ctx, late) -> None:
    window = open_window(qtbot, ctx)
    search(qtbot, window, "後日対応:期限切れ")
    assert shown_uids(window) == [late["late"]]
    window.search_bar.edit.setText("後日対応:済み")  # refused: the rows stay as they were
    qtbot.waitUntil(window.search_bar.error_label.isVisible)
    assert shown_uids(window) == [late["late"]]
    assert "後日対応: に指定できるのは 期限切れ だけです" in window.search_bar.error_label.text()
    page = query_help_html(ctx.tr)
    assert "後日対応:期限切れ" in page
    assert "期限を過ぎても終わっていない後日対応のある記録" in page


def test_in_english(qtbot, kb, late, tmp_path) -> None:
    context = make_ctx(kb, tmp_path / "en.ini", lang="en")
    try:
        window = open_window(qtbot, context)
        qtbot.waitUntil(lambda: _entry(window) is not None)
        assert window.navigation.groups[OVERDUE].text(0) == "Follow-ups"
        assert _entry(window).text(0).startswith("Overdue")
        with qtbot.waitSignal(window.searchFinished):
            window.navigation.itemClicked.emit(_entry(window), 0)
        assert [c.text() for c in window.search_bar.chips] == ["Follow-ups: Overdue  ✕"]
        assert "followup:overdue" in query_help_html(context.tr)
        assert "past its due date" in query_help_html(context.tr)
    finally:
        context.runner.shutdown()


def test_nothing_overdue_no_entry(qtbot, window) -> None:
    """The demo's follow-ups are all done or not yet due on the test's day: no entry."""
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    assert _entry(window) is None


def test_the_home_list_opens_them_in_the_list(qtbot, ctx, late) -> None:
    window = open_window(qtbot, ctx)
    pane = window.home.overview
    qtbot.waitUntil(lambda: pane.data is not None and pane.data.overdue_count == 1)
    assert pane.overdue_button.isVisibleTo(pane)
    assert pane.overdue_button.text() == "一覧で見る"
    with qtbot.waitSignal(window.searchFinished):
        qtbot.mouseClick(pane.overdue_button, Qt.MouseButton.LeftButton)
    assert window.search_bar.filters() == SearchFilters(overdue=True)
    assert shown_uids(window) == [late["late"]]
    ctx.tr.set_language("en")
    assert pane.overdue_button.text() == "Show in the list"


def test_nothing_overdue_no_button(qtbot, window) -> None:
    pane = window.home.overview
    qtbot.waitUntil(lambda: pane.data is not None)
    assert not pane.overdue_button.isVisibleTo(pane)


def test_at_midnight_the_open_window_counts_again(qtbot, ctx, late, clock) -> None:
    """Whether a follow-up is overdue depends on the day: a window left open overnight
    kept yesterday's count in the navigation, the home screen and the list until the
    next search or save."""
    window = open_window(qtbot, ctx)
    pane = window.home.overview
    qtbot.waitUntil(lambda: _entry(window) is not None and pane.data is not None)
    assert _entry(window).text(0) == "期限切れ（1）"
    assert pane.data.overdue_count == 1
    # Due a second after the knowledge base's midnight (the tests' clock: 09:00).
    remaining = window.new_day_timer.remainingTime()
    assert 15 * 3600_000 < remaining <= 15 * 3600_000 + 2000
    with qtbot.waitSignal(window.searchFinished):
        window.search_bar.add_filter(OVERDUE, True)
    assert shown_uids(window) == [late["late"]]
    clock.now = datetime(2025, 4, 1, 0, 0, 1, tzinfo=JST)
    with qtbot.waitSignal(window.searchFinished):
        window.new_day_timer.timeout.emit()
    assert sorted(shown_uids(window)) == sorted(late.values())
    assert _entry(window).text(0) == "期限切れ（2）"
    qtbot.waitUntil(lambda: pane.data.overdue_count == 2)
    # And the next midnight is waited for.
    assert window.new_day_timer.isActive()
    assert window.new_day_timer.remainingTime() > 23 * 3600_000
