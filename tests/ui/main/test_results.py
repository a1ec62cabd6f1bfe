"""Sorting the results table (zebkb/ui/main/results.py) and the collector policy for long ops.

Small tables sort at once; big ones on a reader thread, swapped in when the
order comes back, and an order computed for rows since replaced is dropped.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from zebkb_main_kit import QT_LOG_IGNORE, search, shown_uids

from zebkb.service import TableRow
from zebkb.ui.core import gcpolicy
from zebkb.ui.core.i18n import Translator
from zebkb.ui.core.ops import OpRunner, QueryOp
from zebkb.ui.core.settings import Settings
from zebkb.ui.main.results import COLUMNS, SORT_SLICE, SYNC_SORT_ROWS, ResultsPane, order_rows

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
WAIT_MS = 10_000


def row(n: int, title: str | None = "", date: str | None = None, kind: str = "case") -> TableRow:
    return TableRow(
        uid=f"{n:08x}-0000-4000-8000-000000000000",
        type=kind,
        title=title,
        ward="131229",
        updated_at=f"2025-04-01T09:{n % 60:02d}:00+09:00",
        record_date=date,
        fiscal_year=None if date is None else int(date[:4]),
        facility_name=None,
        zeb_rank=None,
        floor_area_m2=None,
        host=None,
        session_kind=None,
        organizer=None,
    )


def big_table(n: int) -> list[TableRow]:
    # Titles in a scrambled order (7919 is prime, so n values are all distinct).
    return [row(i, f"葛飾区清掃事務所 事例 {(i * 7919) % n:06d}") for i in range(n)]


@pytest.fixture
def runner(qapp) -> Iterator[OpRunner]:
    r = OpRunner(translator=Translator("ja"))
    yield r
    r.shutdown()


@pytest.fixture
def pane(qtbot, tmp_path: Path, runner: OpRunner) -> ResultsPane:
    view = ResultsPane(Translator("ja"), Settings(tmp_path / "s.ini"), runner=runner)
    qtbot.addWidget(view)
    return view


def titles(view: ResultsPane) -> list[str | None]:
    model = view.results
    return [model.row_data(r).title for r in range(model.rowCount())]


def test_japanese_titles_sort_by_reading_order_of_the_code_points_empties_last() -> None:
    rows = [row(1, "東京"), row(2, ""), row(3, "アイウ"), row(4, None), row(5, "ZEB"), row(6, "あ")]
    up = order_rows(rows, ("title", False))
    assert [r.title for r in up.rows] == ["ZEB", "あ", "アイウ", "東京", "", None]
    down = order_rows(rows, ("title", True))
    # Empty titles stay at the end, in the search's order, whichever way.
    assert [r.title for r in down.rows] == ["東京", "アイウ", "あ", "ZEB", "", None]
    assert down.row_of == {r.uid: i for i, r in enumerate(down.rows)}
    assert [r.uid for r in order_rows(rows, None).rows] == [r.uid for r in rows]


def test_equal_values_keep_the_search_order_both_ways() -> None:
    rows = [row(i, "同じ題名" if i % 2 else "別") for i in range(6)]
    for descending in (False, True):
        same = [
            r.uid for r in order_rows(rows, ("title", descending)).rows if r.title == "同じ題名"
        ]
        assert same == [r.uid for r in rows if r.title == "同じ題名"]


@pytest.mark.parametrize("descending", [False, True])
def test_big_tables_sort_like_a_stable_sort_with_empties_last(descending: bool) -> None:
    # Many ties, empties and mixed kinds across several slices of the merge.
    n = SORT_SLICE * 3 + 17
    rows = [
        TableRow(
            uid=f"{i:08x}-0000-4000-8000-000000000000",
            type=("case", "visit", "session")[i % 3],
            title=("" if i % 11 == 0 else f"事例{(i * 37) % 50}"),
            ward="131229" if i % 2 else "131016",
            updated_at=f"2025-04-{i % 28 + 1:02d}T09:00:00+09:00",
            record_date=None if i % 5 == 0 else f"2024-{i % 12 + 1:02d}-01",
            fiscal_year=None if i % 5 == 0 else 2024 + i % 3,
            facility_name=None,
            zeb_rank=None if i % 4 else "ZEB Ready",
            floor_area_m2=None if i % 7 == 0 else float(i % 13),
            host=None,
            session_kind=None,
            organizer=None,
        )
        for i in range(n)
    ]
    for key in ("kind", "title", "ward", "date", "fiscal_year", "rank", "floor_area", "updated"):
        value = COLUMNS[key].sort
        filled = [r for r in rows if value(r) not in (None, "")]
        expected = sorted(filled, key=value, reverse=descending)
        expected += [r for r in rows if value(r) in (None, "")]
        assert order_rows(rows, (key, descending)).rows == expected, key


def test_empty_dates_last_ascending_and_descending(qtbot, pane: ResultsPane) -> None:
    rows = [row(1, "a", "2024-10-21"), row(2, "b"), row(3, "c", "2023-04-01"), row(4, "d")]
    rows.append(row(5, "e", "2025-01-15"))
    pane.set_rows(rows, "visit")
    model = pane.results
    date_col = model.column_keys().index("date")
    with qtbot.waitSignal(model.sortFinished, timeout=WAIT_MS):
        pane.sortByColumn(date_col, ASC)
    assert titles(pane) == ["c", "a", "e", "b", "d"]
    with qtbot.waitSignal(model.sortFinished, timeout=WAIT_MS):
        pane.sortByColumn(date_col, DESC)
    assert titles(pane) == ["e", "a", "c", "b", "d"]
    # Back to the order the search gave.
    with qtbot.waitSignal(model.sortFinished, timeout=WAIT_MS):
        pane.sortByColumn(-1, ASC)
    assert titles(pane) == ["a", "b", "c", "d", "e"]


def test_a_big_table_sorts_off_the_gui_thread_and_keeps_the_selection(
    qtbot, pane: ResultsPane, runner: OpRunner
) -> None:
    n = SYNC_SORT_ROWS * 2
    rows = big_table(n)
    pane.set_rows(rows, None)
    model = pane.results
    picked = rows[n // 3].uid
    assert pane.select_uid(picked)
    title_col = model.column_keys().index("title")
    ops: list[int] = []
    runner.opFinished.connect(lambda: ops.append(1))
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        pane.sortByColumn(title_col, DESC)
        # Not sorted yet on return: the work went to a reader thread.
        assert model.sorting
        assert model.uids() == [r.uid for r in rows]
    # sortByColumn asks the model twice; the order was computed once.
    assert ops == [1]
    assert not model.sorting
    assert titles(pane) == sorted((r.title for r in rows), reverse=True)
    assert pane.current_uid() == picked
    assert model.row_of(picked) == titles(pane).index(rows[n // 3].title)


def test_an_order_for_replaced_rows_is_dropped(qtbot, pane: ResultsPane, runner) -> None:
    n = SYNC_SORT_ROWS + 1000
    first, second = big_table(n), [row(i + n, t.title) for i, t in enumerate(big_table(n))]
    pane.set_rows(first, None)
    model = pane.results
    title_col = model.column_keys().index("title")
    applied: list[list[str]] = []
    model.sortFinished.connect(lambda: applied.append(model.uids()))
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        pane.sortByColumn(title_col, ASC)  # for the first rows...
        pane.set_rows(second, None)  # ...which are replaced before it comes back
    # The first order never showed; the second rows were sorted on their own.
    assert len(applied) == 1
    assert {u for u in applied[0]} == {r.uid for r in second}
    assert titles(pane) == sorted(r.title for r in second)


def test_a_second_click_wins_over_a_sort_still_running(qtbot, pane: ResultsPane, runner) -> None:
    rows = big_table(SYNC_SORT_ROWS + 1000)
    pane.set_rows(rows, None)
    model = pane.results
    title_col = model.column_keys().index("title")
    applied: list[int] = []
    model.sortFinished.connect(lambda: applied.append(1))
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        pane.sortByColumn(title_col, ASC)
        pane.sortByColumn(title_col, DESC)
    assert applied == [1]
    assert titles(pane) == sorted((r.title for r in rows), reverse=True)


def test_new_search_results_arrive_sorted_by_the_sorted_column(qtbot, window, demo_kb) -> None:
    model = window.results.results
    title_col = model.column_keys().index("title")
    with qtbot.waitSignal(model.sortFinished, timeout=WAIT_MS):
        window.results.sortByColumn(title_col, DESC)
    search(qtbot, window, "区")
    shown = [model.row_data(r).title for r in range(model.rowCount())]
    assert len(shown) > 2
    assert shown == sorted(shown, reverse=True)
    assert model.sort_spec() == ("title", True)
    assert set(shown_uids(window)) == {r.uid for r in window.answer.rows}


class _Sink(QObject):
    got = Signal(object)


def test_long_ops_run_without_full_collections(qtbot, runner: OpRunner) -> None:
    before = gc.get_threshold()
    sink = _Sink()
    with qtbot.waitSignal(sink.got, timeout=WAIT_MS) as blocker:
        QueryOp(None, lambda rep: gc.get_threshold(), runner=runner).progress(
            lambda *_: None
        ).success(sink.got.emit).run_in_background()
    inside = blocker.args[0]
    assert inside[:2] == before[:2]
    assert inside[2] > 10**6
    qtbot.waitUntil(lambda: not runner.busy)
    assert gc.get_threshold() == before
    # A quick op without progress is left alone.
    with qtbot.waitSignal(sink.got, timeout=WAIT_MS) as blocker:
        QueryOp(None, gc.get_threshold, runner=runner).success(sink.got.emit).run_in_background()
    assert blocker.args[0] == before


def test_young_collections_only_nests_across_threads() -> None:
    before = gc.get_threshold()
    inside, release = threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def other() -> None:
        with gcpolicy.young_collections_only():
            inside.set()
            release.wait(5)
        seen.append(gc.get_threshold())

    thread = threading.Thread(target=other)
    with gcpolicy.young_collections_only():
        thread.start()
        assert inside.wait(5)
    # This thread left first: the other still holds it.
    assert gc.get_threshold()[2] > 10**6
    release.set()
    thread.join(5)
    assert seen == [before]
    assert gc.get_threshold() == before


def test_the_startup_heap_is_frozen_once(window) -> None:
    # The window froze what it holds after its first results.
    assert gc.get_freeze_count() > 0
    assert gcpolicy.freeze_startup_heap() is False
