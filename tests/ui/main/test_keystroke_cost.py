"""What one keystroke costs the search engine (zebkb/ui/main/searchwork.py).

Every pane (results, the count, the navigation's per-kind and per-ward counts)
is fed from one answer; each engine query is one pass of the matcher
(``zebkb.search.engine._match``) over the index, so that is what is counted.
"""

from __future__ import annotations

from typing import Any

import pytest
from zebkb_main_kit import QT_LOG_IGNORE, search, shown_uids

from zebkb.search import engine
from zebkb.search.engine import SearchFilters
from zebkb.ui.main.searchwork import RowCache, run_search

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


@pytest.fixture
def matches(monkeypatch: pytest.MonkeyPatch) -> list[SearchFilters]:
    """The filters of every engine query run, in order."""
    seen: list[SearchFilters] = []
    real = engine._match

    def counted(snap: Any, parsed: Any, filters: SearchFilters, folds: Any) -> Any:
        seen.append(filters)
        return real(snap, parsed, filters, folds)

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
    assert window.answer.facets == fresh.facets
    assert shown_uids(window) == window.ctx.kb.index.search_uids("省")


def test_with_a_chip_the_rows_and_the_text_alone(demo_kb, matches) -> None:
    chip = SearchFilters(kinds=("case",))
    answer = run_search(demo_kb, "省", chip, RowCache())
    # The rows with every chip (their facets too) and the text alone (the total, and
    # the kind group counted without its own chip, the only chip): two, not four.
    assert len(matches) == 2
    assert [r.uid for r in answer.rows] == demo_kb.index.search_uids("省", filters=chip)
    assert answer.facet_total == demo_kb.search("省", limit=0).total
    with_chip = demo_kb.search("省", filters=chip, limit=0).facets
    assert answer.facets["ward"] == with_chip["ward"]
    assert answer.facets["kind"] == demo_kb.search("省", limit=0).facets["kind"]


def test_two_chip_groups_one_more_query_each(demo_kb, matches) -> None:
    chips = SearchFilters(kinds=("case",), wards=("131229",))
    answer = run_search(demo_kb, "", chips, RowCache())
    assert len(matches) == 4  # the rows, the text alone, each group without its chip
    assert [r.uid for r in answer.rows] == demo_kb.index.search_uids("", filters=chips)
    by_kind = demo_kb.search("", filters=SearchFilters(wards=("131229",)), limit=0).facets
    by_ward = demo_kb.search("", filters=SearchFilters(kinds=("case",)), limit=0).facets
    assert answer.facets["kind"] == by_kind["kind"]
    assert answer.facets["ward"] == by_ward["ward"]
    assert answer.facets["rank"] == demo_kb.search("", filters=chips, limit=0).facets["rank"]
