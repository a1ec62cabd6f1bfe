"""What one keystroke costs the search engine (zebkb/ui/main/searchwork.py).

Every pane (results, the count, the navigation's per-kind and per-ward counts)
is fed from one answer; each engine query is one pass of the matcher
(``zebkb.search.engine._match``) over the index, so that is what is counted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, search, shown_uids

from zebkb.search import engine
from zebkb.search.engine import FILTER_FIELDS, SearchFilters
from zebkb.ui.main.searchwork import RowCache, run_search

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


@pytest.fixture
def matches(monkeypatch: pytest.MonkeyPatch) -> list[SearchFilters]:
    """The filters of every engine query run, in order."""
    seen: list[SearchFilters] = []
    real = engine._match

    def counted(snap: Any, parsed: Any, filters: SearchFilters, folds: Any, **options: Any) -> Any:
        seen.append(filters)
        return real(snap, parsed, filters, folds, **options)  # (the engine's own options)

    monkeypatch.setattr(engine, "_match", counted)
    return seen


def test_one_keystroke_is_one_engine_query(qtbot, window, matches) -> None:
    search(qtbot, window, "")
    matches.clear()
    window.search_bar.edit.setText("省")
    qtbot.waitUntil(lambda: window.answer.query == "省" and not window.search_bar.timer.isActive())
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    assert len(matches) == 1
    # And the panes agree with a fresh read of their own.
    fresh = window.ctx.kb.search("省", limit=0)
    assert window.answer.facet_total == fresh.total == len(shown_uids(window))
    # (The window's counts also say how many have an overdue follow-up: none in the demo.)
    assert window.answer.facets == {**fresh.facets, "overdue": {}}
    assert shown_uids(window) == window.ctx.kb.index.search_uids("省")


@pytest.fixture
def asked(window: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each call a keystroke makes of the service's searches and of its database check."""
    seen: list[str] = []
    kb = window.ctx.kb
    for name in ("search", "search_all", "change_state"):
        real = getattr(kb, name)

        def counted(*a: Any, _name: str = name, _real: Any = real, **k: Any) -> Any:
            seen.append(_name)
            return _real(*a, **k)

        monkeypatch.setattr(kb, name, counted)
    return seen


def test_with_chips_a_keystroke_is_one_service_call(qtbot, window, matches, asked) -> None:
    """With chips of three groups: one search of the service, one engine pass and one
    look at the database (whether the index is current, and whether the rows are)."""
    chips = SearchFilters(kinds=("case",), wards=("131229",), fiscal_years=(2023, 2024))
    window.search_bar.set_filters(chips)
    search(qtbot, window, "")
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    matches.clear()
    asked.clear()
    window.search_bar.edit.setText("省")
    qtbot.waitUntil(lambda: window.answer.query == "省" and not window.search_bar.timer.isActive())
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    assert asked == ["search_all", "change_state"]
    assert len(matches) == 1
    # The panes agree with fresh searches of their own.
    kb = window.ctx.kb
    assert shown_uids(window) == kb.index.search_uids("省", filters=chips)
    assert window.answer.facet_total == kb.search("省", limit=0).total
    without_ward = replace(chips, wards=())
    assert window.answer.facets["ward"] == kb.search("省", filters=without_ward).facets["ward"]
    assert window.answer.facets["rank"] == kb.search("省", filters=chips).facets["rank"]


@pytest.mark.parametrize(
    "chips",
    [
        SearchFilters(kinds=("case",)),
        SearchFilters(kinds=("case",), wards=("131229",)),
        SearchFilters(kinds=("case",), wards=("131229",), ranks=("ZEB",), tags=("見学会",)),
    ],
    ids=["one group", "two groups", "four groups"],
)
def test_any_chips_one_engine_pass(demo_kb, matches, chips) -> None:
    answer = run_search(demo_kb, "省", chips, RowCache())
    # Before: the rows with every chip, the text alone, and each group without its chip.
    assert len(matches) == 1
    assert [r.uid for r in answer.rows] == demo_kb.index.search_uids("省", filters=chips)
    assert answer.facet_total == demo_kb.search("省", limit=0).total
    assert answer.facets["overdue"] == {}  # the demo has no overdue follow-up that day
    for group, names in FILTER_FIELDS.items():
        if group == "overdue":
            continue
        own = {n: getattr(SearchFilters(), n) for n in names}
        expected = demo_kb.search("省", filters=replace(chips, **own), limit=0).facets[group]
        assert answer.facets[group] == expected, group
