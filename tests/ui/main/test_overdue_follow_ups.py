"""Follow-ups (後日対応) past their due date: counted on the home screen, marked in the record.

Overdue by the knowledge base's clock (the tests' FakeClock, 2025-03-18), never the
wall clock; every pane follows a save through the runner's change signal.
"""

from __future__ import annotations

from typing import Any

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, open_window
from zebkb_overdue_kit import OVERDUE_VISIT as VISIT

from zebkb.service.changes import Changes
from zebkb.ui.core.ops import CollectionOp

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def _save(qtbot: Any, window: Any, record: dict, expected: int | None = None) -> dict:
    """Save as the window does: through the runner, whose change signal redraws the panes."""
    saved: list[Any] = []
    CollectionOp(
        window,
        lambda: window.ctx.kb.save(record, expected_revision=expected),
        runner=window.ctx.runner,
    ).changes(lambda rec: Changes(records=frozenset({rec["uid"]}))).success(
        saved.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(saved), timeout=10_000)
    return dict(saved[0])


def test_home_counts_them_the_record_marks_them_and_both_follow_a_save(
    qtbot: Any, ctx: Any, demo_kb: Any
) -> None:
    ctx.settings.date_style = "japanese"
    window = open_window(qtbot, ctx)
    pane = window.home.overview
    qtbot.waitUntil(lambda: pane.data is not None, timeout=10_000)
    assert pane.overdue_label.text() == "期限切れの後日対応（0件）"
    assert pane.overdue.item(0).text() == "期限を過ぎた後日対応はありません"

    visit = _save(qtbot, window, VISIT)
    qtbot.waitUntil(lambda: pane.overdue_label.text() == "期限切れの後日対応（1件）")
    item = pane.overdue.item(0)
    assert item.text() == "清掃事務所視察の受入（視察記録・1件、期限 令和7年2月）"
    # The due month follows the date style when it changes, as the recent changes do.
    ctx.settings.date_style = "western"
    assert pane.overdue.item(0).text() == "清掃事務所視察の受入（視察記録・1件、期限 2025年2月）"
    ctx.settings.date_style = "japanese"
    item = pane.overdue.item(0)
    with qtbot.waitSignal(window.detail.shown, timeout=5000):
        pane.overdue.itemClicked.emit(item)
    assert window.detail.uid == visit["uid"]
    page = window.detail.browser.toHtml()
    assert "期限切れ" in page
    assert page.count("⚠ 期限切れ") == 1  # the done one is not marked

    rows = [{**VISIT["follow_up_items"][0], "done": True}, VISIT["follow_up_items"][1]]
    _save(qtbot, window, {**visit, "follow_up_items": rows}, visit["revision"])
    qtbot.waitUntil(lambda: pane.overdue_label.text() == "期限切れの後日対応（0件）")
    qtbot.waitUntil(lambda: "期限切れ" not in window.detail.browser.toHtml())
    assert "完了" in window.detail.browser.toHtml()


def test_in_english_the_mark_and_the_count_are_english(qtbot: Any, ctx: Any, demo_kb: Any) -> None:
    ctx.tr.set_language("en")
    window = open_window(qtbot, ctx)
    pane = window.home.overview
    qtbot.waitUntil(lambda: pane.data is not None, timeout=10_000)
    visit = _save(qtbot, window, VISIT)
    qtbot.waitUntil(lambda: pane.overdue_label.text() == "Overdue follow-ups (1)")
    assert pane.overdue.item(0).text().endswith("(Site visit, 1 follow-up, due 2025-02)")
    with qtbot.waitSignal(window.detail.shown, timeout=5000):
        pane.overdue.itemClicked.emit(pane.overdue.item(0))
    assert window.detail.uid == visit["uid"]
    page = window.detail.browser.toHtml()
    assert "⚠ Overdue" in page
    assert "期限切れ" not in page
