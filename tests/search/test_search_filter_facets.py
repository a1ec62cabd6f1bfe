"""The window's counts under its chips come from one pass of the matcher (``search_all``).

Each navigation group is counted with every chip but its own, so the other
values of a chosen group stay choosable. That used to be one search per group
with a chip; ``SearchIndex.search_all`` now checks the text once and sorts its
matches by which chips they fail. These tests hold it to the searches it
replaced, on the seed corpus (every kind, many wards, ranks, years, tags and
floor areas), and count the matcher's passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seed_corpus import RANKS, TAGS, make_records

from zebkb.search import engine
from zebkb.search.documents import doc_from_record
from zebkb.search.engine import FILTER_FIELDS, SearchFilters, SearchIndex

WORDS = ["", "", "zeb", "省エネ", "清掃事務所", "断熱", "区", "の", "-の", "type:case", "fy:2020"]
WARDS = ("131016", "131130", "131229", "131181", "131091")
RECORDS = make_records(240, seed=11)
UIDS = [r["uid"] for r in RECORDS]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    records = [dict(r) for r in RECORDS]
    # A few wards hold most records, so that ward chips meet many matches.
    for i, r in enumerate(records):
        if i % 4:
            r["ward"] = WARDS[i % len(WARDS)]
    docs = [doc_from_record(r) for r in records]
    ix = SearchIndex(tmp_path_factory.mktemp("chips"))
    ix.rebuild(docs, total=len(docs), state=1)
    # A second segment with deleted documents, as a knowledge base in use has.
    ix.update([replace(d, title=d.title + " 改修") for d in docs[:10]], [docs[20].uid], state=2)
    yield ix
    ix.close()


def filter_sets() -> st.SearchStrategy[SearchFilters]:
    some = {"max_size": 2, "unique": True}
    return st.builds(
        SearchFilters,
        # The records with an overdue follow-up are the service's to give: any set here.
        overdue=st.booleans(),
        overdue_uids=st.sets(st.sampled_from("0123456789abcdef"), max_size=12).map(
            lambda digits: frozenset(u for u in UIDS if u[-1] in digits)
        ),
        kinds=st.lists(st.sampled_from(["case", "visit", "session"]), **some).map(tuple),
        wards=st.lists(st.sampled_from(WARDS), **some).map(tuple),
        ranks=st.lists(st.sampled_from([r for r in RANKS if r]), **some).map(tuple),
        fiscal_years=st.lists(st.integers(2015, 2025), max_size=3).map(tuple),
        tags=st.lists(st.sampled_from(TAGS), max_size=1).map(tuple),
        floor_area_min=st.one_of(st.none(), st.floats(0, 15000)),
        floor_area_max=st.one_of(st.none(), st.floats(2000, 25000)),
    )


def _by_searches(ix: SearchIndex, query: str, filters: SearchFilters) -> dict[str, Any]:
    """What the window asked before: the text alone, every chip, each group without its own."""
    with_all = ix.search(query, filters=filters, limit=0)
    facets = {}
    for group, counts in with_all.facets.items():
        names = FILTER_FIELDS[group]
        own = counts
        if any(getattr(filters, n) not in ((), None, False) for n in names):
            cleared = replace(filters, **{n: getattr(SearchFilters(), n) for n in names})
            own = ix.search(query, filters=cleared, limit=0).facets[group]
        # In order too: the navigation lists the values as counted.
        facets[group] = list(own.items())
    # The overdue group: its count under every other filter (one search says it too).
    others = ix.search(query, filters=replace(filters, overdue=False), limit=0)
    facets["overdue"] = list(others.facets["overdue"].items())
    return {
        "uids": ix.search_uids(query, filters=filters),
        "total": with_all.total,
        "text_total": ix.search(query, limit=0).total,
        "facets": facets,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.sampled_from(WORDS), filters=filter_sets())
def test_one_pass_counts_equal_a_search_per_group(
    index: SearchIndex, query: str, filters: SearchFilters
) -> None:
    result, uids = index.search_all(query, filters=filters)
    got = {
        "uids": uids,
        "total": result.total,
        "text_total": result.text_total,
        "facets": {g: list(c.items()) for g, c in result.facets.items()},
    }
    assert got == _by_searches(index, query, filters)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.sampled_from(WORDS), filters=filter_sets())
def test_a_search_counts_the_overdue_among_its_matches(
    index: SearchIndex, query: str, filters: SearchFilters
) -> None:
    """``search`` gives the overdue chip's count from its own pass, as a separate search
    with the chip finds them; without the records it cannot count, and says nothing."""
    result = index.search(query, filters=filters, limit=0)
    late = filters.overdue_uids or frozenset()
    with_chip = index.search_uids(query, filters=replace(filters, overdue=True))
    assert set(with_chip) <= late
    n = len(with_chip)
    assert result.facets["overdue"] == ({"overdue": n} if n else {})
    if not filters.overdue:
        unknown = replace(filters, overdue_uids=None)
        assert "overdue" not in index.search(query, filters=unknown, limit=0).facets


def test_the_counts_of_a_known_choice(index: SearchIndex) -> None:
    """Not only equal to the old searches: the numbers a person expects, counted by hand."""
    snap = index._read_snapshot()
    assert snap is not None
    snap.ensure(snap.cols.live, texts=False)
    docs = [d for n in snap.cols.live if (d := snap.by_docnum[n]) is not None]
    chips = SearchFilters(kinds=("case",), wards=("131229",))
    result, uids = index.search_all("", filters=chips)
    cases = [d for d in docs if d.kind == "case"]
    in_ward = [d for d in docs if d.ward == "131229"]
    assert len(uids) == result.total == sum(d.ward == "131229" for d in cases) > 0
    assert result.text_total == len(docs)
    assert result.facets["ward"]["131016"] == sum(d.ward == "131016" for d in cases) > 0
    assert result.facets["kind"]["visit"] == sum(d.kind == "visit" for d in in_ward) > 0


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[SearchFilters]:
    """The filters of each pass of the matcher over the candidates."""
    seen: list[SearchFilters] = []
    real = engine._match

    def counted(snap: Any, parsed: Any, filters: SearchFilters, folds: Any) -> Any:
        seen.append(filters)
        return real(snap, parsed, filters, folds)

    monkeypatch.setattr(engine, "_match", counted)
    return seen


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(),
        SearchFilters(kinds=("case",)),
        SearchFilters(kinds=("case",), wards=("131229",), fiscal_years=(2020, 2021)),
        SearchFilters(
            kinds=("case",),
            wards=WARDS,
            ranks=("ZEB",),
            fiscal_years=(2020,),
            tags=("断熱",),
            floor_area_min=500.0,
        ),
    ],
    ids=["no chip", "one", "three groups", "every group"],
)
def test_any_number_of_chip_groups_is_one_pass(
    index: SearchIndex, passes: list[SearchFilters], filters: SearchFilters
) -> None:
    index.search_all("省エネ", filters=filters)
    assert len(passes) == 1


def test_an_empty_index_counts_nothing(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "empty")
    try:
        result, uids = ix.search_all("zeb", filters=SearchFilters(kinds=("case",)))
        assert (uids, result.total, result.text_total) == ([], 0, 0)
    finally:
        ix.close()
