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


def test_both_counts_follow_a_due_date_and_an_unrelated_save_reads_no_follow_ups(
    qtbot: Any, ctx: Any, demo_kb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The navigation's 後日対応 › 期限切れ (n) and the home screen's count, after each
    change: the follow-ups are read whole once, then only the records a change names."""
    from zebkb_testing import case_record

    from zebkb.store import overview as overview_store
    from zebkb.ui.main.searchbar import OVERDUE

    reads: list[frozenset[str] | None] = []
    real = overview_store.follow_up_rows

    def counted(session: Any, uids: Any = None) -> Any:
        reads.append(None if uids is None else frozenset(uids))
        return real(session, uids)

    monkeypatch.setattr(overview_store, "follow_up_rows", counted)
    window = open_window(qtbot, ctx)
    pane, nav = window.home.overview, window.navigation

    def counts() -> tuple[int | None, int | None]:
        shown = nav.count_of(OVERDUE, True) if not nav.groups[OVERDUE].isHidden() else 0
        return shown, None if pane.data is None else pane.data.overdue_count

    visit = _save(qtbot, window, {**VISIT, "follow_up_items": [{"what": "礼状", "due": "2099-01"}]})
    qtbot.waitUntil(lambda: counts() == (0, 0), timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.runner.busy, timeout=10_000)
    assert None in reads
    reads.clear()

    case = _save(qtbot, window, case_record(title="別の事例"))
    qtbot.waitUntil(
        lambda: window.answer is not None and case["uid"] in window.results.results.uids()
    )
    qtbot.waitUntil(lambda: not window.ctx.runner.busy, timeout=10_000)
    assert None not in reads  # no whole read: the case alone, which has no follow-ups
    assert set(reads) <= {frozenset({case["uid"]})}

    late = [{"what": "礼状", "due": "2025-01-10"}]
    _save(qtbot, window, {**visit, "follow_up_items": late}, visit["revision"])
    qtbot.waitUntil(lambda: counts() == (1, 1), timeout=10_000)
    visit = window.ctx.kb.get(visit["uid"])
    done = [{**late[0], "done": True}]
    _save(qtbot, window, {**visit, "follow_up_items": done}, visit["revision"])
    qtbot.waitUntil(lambda: counts() == (0, 0), timeout=10_000)
    qtbot.waitUntil(lambda: not window.ctx.runner.busy, timeout=10_000)
    assert None not in reads
