"""The optimised query path answers exactly as a plain, one-record-at-a-time search does.

For random queries (written and quoted terms, spelling variants, OR, NOT,
facility:, field filters, the window's filters, pages) on corpora with and
without deleted documents, the index's matches, their order, the page shown,
the total and the facets are compared with a reference written out here: every
record's text checked term by term, scored with the textbook BM25F and sorted
by score, then newest, then document number. The index's thresholds are
lowered so that its caches, counts from the index, text compaction and the
pruned ranking all run on a corpus this small.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seed_corpus import VARIANT_GROUPS, insert_variants, make_records

from zebkb.search import columns, engine
from zebkb.search.columns import BOOST_FACILITY, BOOST_TITLE, K1, B, area_bucket
from zebkb.search.documents import doc_from_record
from zebkb.search.engine import SearchFilters, SearchIndex
from zebkb.search.normalize import FIELD_SEP, normalize
from zebkb.search.query import parse_query, rank_key, tag_key
from zebkb.search.sidestore import DocInfo

WORDS = ["zeb", "省エネ", "清掃事務所", "エネルギー", "区", "の", "断熱", "2050", "co2", "図書館"]


def _build(folder: Path, seed: int, *, churn: bool) -> SearchIndex:
    records = make_records(160, seed=seed)
    insert_variants(records, seed=seed)
    docs = [doc_from_record(r) for r in records]
    index = SearchIndex(folder)
    index.rebuild(docs, total=len(docs), state=1)
    if churn:
        # Deleted documents and a second segment: the posting lists are then no longer exact.
        changed = [replace(d, title=d.title + " 改訂 zeb") for d in docs[:12]]
        index.update(changed, [d.uid for d in docs[20:26]], state=2)
    return index


@pytest.fixture(scope="module", params=[(3, False), (5, True)], ids=["clean", "churned"])
def index(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    seed, churn = request.param
    with pytest.MonkeyPatch.context() as mp:
        # Thresholds made for 10,000 records, lowered so that every fast path runs here.
        mp.setattr(engine, "COUNTS_MIN_DF", 3)
        mp.setattr(engine, "CACHE_MIN_DF", 3)
        mp.setattr(engine, "FEW_CANDIDATES", 4)
        mp.setattr(columns, "COMPACT_MIN", 8)
        mp.setattr(columns, "PRUNE_FACTOR", 1)
        ix = _build(tmp_path_factory.mktemp("equiv"), seed, churn=churn)
        yield ix
        ix.close()


# ----- the reference: one document at a time, as plainly as it can be written


def _holds(d: DocInfo, text: str, folded: str | None, facility_only: bool) -> bool:
    if facility_only:
        if text in d.facility:
            return True
        parts = d.folded.split(FIELD_SEP, 2)
        return folded is not None and len(parts) > 1 and folded in parts[1]
    return text in d.text or (folded is not None and folded in d.folded)


def _selected(d: DocInfo, parsed: Any, filters: SearchFilters, folds: dict[Any, Any]) -> bool:
    checks = [
        not filters.kinds or d.kind in filters.kinds,
        not parsed.kinds or d.kind in parsed.kinds,
        d.kind not in parsed.not_kinds,
        not filters.wards or d.ward in filters.wards,
        not parsed.wards or d.ward in parsed.wards,
        d.ward not in parsed.not_wards,
        not filters.ranks or d.rank_key in {rank_key(r) for r in filters.ranks},
        not parsed.ranks or d.rank_key in parsed.ranks,
        not (d.rank_key and d.rank_key in parsed.not_ranks),
        not filters.fiscal_years or d.fiscal_year in filters.fiscal_years,
        not parsed.fiscal_years or d.fiscal_year in parsed.fiscal_years,
        d.fiscal_year not in parsed.not_fiscal_years,
        {tag_key(t) for t in filters.tags} <= d.tag_keys,
        parsed.tags <= d.tag_keys,
        not (parsed.not_tags & d.tag_keys),
        filters.floor_area_min is None
        or (d.floor_area_m2 is not None and d.floor_area_m2 >= filters.floor_area_min),
        filters.floor_area_max is None
        or (d.floor_area_m2 is not None and d.floor_area_m2 <= filters.floor_area_max),
    ]
    if not all(checks):
        return False
    for group in parsed.groups:
        if not any(_holds(d, t.text, folds[t], t.facility_only) for t in group):
            return False
    return not any(_holds(d, t.text, folds[t], t.facility_only) for t in parsed.negatives)


def _score(
    d: DocInfo, terms: list[Any], idfs: list[float], folds: dict[Any, Any], cols: Any
) -> float:
    """BM25F (zebkb/search/columns.py bm25_reference); a term found through a variant
    counts as often as the text holds it either way."""
    lt, lf = len(d.title), len(d.facility)
    lr = max(0, len(d.text) - lt - lf)
    nt = 1.0 - B + B * lt / cols.avg_title
    nf = 1.0 - B + B * lf / cols.avg_facility
    nr = 1.0 - B + B * lr / cols.avg_rest
    score = 0.0
    for t, idf in zip(terms, idfs, strict=True):
        tf_all = d.text.count(t.text)
        folded = folds[t]
        if folded is not None and not t.facility_only:
            tf_all = max(tf_all, d.folded.count(folded))
        tf_t = d.title.count(t.text) if lt else 0
        tf_f = d.facility.count(t.text) if lf else 0
        tf_r = tf_all - tf_t - tf_f
        w = BOOST_TITLE * tf_t / nt + BOOST_FACILITY * tf_f / nf + tf_r / nr
        score += idf * w * (K1 + 1.0) / (K1 + w)
    return score


def _reference(
    ix: SearchIndex, query: str, filters: SearchFilters
) -> tuple[list[str], dict[str, Any]]:
    parsed = parse_query(query)
    snap = ix._read_snapshot()
    assert snap is not None
    live = list(snap.cols.live)
    snap.ensure(live, texts=True)
    folds = engine._folds(snap, parsed)
    docs = {n: snap.by_docnum[n] for n in live}
    matched = [n for n in live if _selected(docs[n], parsed, filters, folds)]
    terms = parsed.positive_terms
    idfs = engine._idfs(snap, terms, folds) if terms else []
    keyed = [
        (_score(docs[n], terms, idfs, folds, snap.cols) if terms else 0.0, docs[n].updated_at, -n)
        for n in matched
    ]
    order = [-negn for _s, _u, negn in sorted(keyed, reverse=True)]
    facets: dict[str, Counter[str]] = {k: Counter() for k in engine._no_facets()}
    for n in matched:
        d = docs[n]
        facets["kind"][d.kind] += 1
        facets["ward"][d.ward] += 1
        if d.rank:
            facets["rank"][d.rank] += 1
        if d.fiscal_year is not None:
            facets["fiscal_year"][str(d.fiscal_year)] += 1
        facets["tag"].update(dict.fromkeys(d.tags, 1))
        if (bucket := area_bucket(d.floor_area_m2)) is not None:
            facets["floor_area"][bucket] += 1
    return [docs[n].uid for n in order], {k: dict(v) for k, v in facets.items()}


# ----- random queries


@st.composite
def queries(draw: st.DrawFn, texts: list[str]) -> str:
    def term() -> str:
        kind = draw(st.sampled_from(["piece", "piece", "variant", "word"]))
        if kind == "variant":
            word = draw(st.sampled_from([f for g in VARIANT_GROUPS for f in g]))
        elif kind == "word":
            word = draw(st.sampled_from(WORDS))
        else:
            text = draw(st.sampled_from(texts))
            n = draw(st.integers(1, 8))
            start = draw(st.integers(0, max(0, len(text) - n)))
            word = text[start : start + n]
        word = "".join(c for c in word if not c.isspace() and c not in '"-:|')
        return word or "zeb"

    parts = []
    for _ in range(draw(st.integers(1, 3))):
        word = term()
        form = draw(st.sampled_from(["bare", "bare", "quoted", "or", "not", "facility"]))
        if form == "quoted":
            parts.append(f'"{word}"')
        elif form == "or":
            parts.append(f"{word} OR {term()}")
        elif form == "not" and parts:
            parts.append(f"-{word}")
        elif form == "facility":
            parts.append(f"facility:{word}")
        else:
            parts.append(word)
    for field in draw(
        st.lists(
            st.sampled_from(["type:case", "-type:visit", "fy:2020", "ward:葛飾区"]), max_size=2
        )
    ):
        parts.append(field)
    return " ".join(parts)


def filter_sets() -> st.SearchStrategy[SearchFilters]:
    return st.builds(
        SearchFilters,
        kinds=st.lists(st.sampled_from(["case", "visit", "session"]), max_size=2).map(tuple),
        wards=st.lists(st.sampled_from(["131229", "131016", "131130"]), max_size=2).map(tuple),
        fiscal_years=st.lists(st.integers(2015, 2025), max_size=2).map(tuple),
        floor_area_min=st.one_of(st.none(), st.floats(0, 10000)),
    )


def _texts(ix: SearchIndex) -> list[str]:
    snap = ix._read_snapshot()
    assert snap is not None
    uids = [u for u in snap.uids if u is not None][:40]
    return [normalize(f.get("body", "")) for f in snap.side.originals(uids).values()]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_search_equals_the_plain_search(index: SearchIndex, data: st.DataObject) -> None:
    query = data.draw(queries(_texts(index)), label="query")
    filters = data.draw(st.one_of(st.just(SearchFilters()), filter_sets()), label="filters")
    offset = data.draw(st.integers(0, 30), label="offset")
    limit = data.draw(st.integers(1, 25), label="limit")
    # The index first: its first queries read documents as a cold index does.
    result = index.search(query, filters=filters, limit=limit, offset=offset)
    uids = index.search_uids(query, filters=filters)
    expected, facets = _reference(index, query, filters)
    assert uids == expected
    assert result.total == len(expected)
    assert [h.uid for h in result.hits] == expected[offset : offset + limit]
    assert result.facets == facets


def test_common_queries_equal_the_plain_search(index: SearchIndex) -> None:
    """The benchmark's kinds of query, each written and quoted, on a warm and a cold index."""
    rng = random.Random(16)
    texts = _texts(index)
    words = list(WORDS)
    for _ in range(20):
        text = rng.choice(texts)
        n = rng.randint(2, 6)
        start = rng.randrange(max(1, len(text) - n))
        words.append(text[start : start + n].replace('"', "").replace(" ", "") or "zeb")
    for word in words:
        for query in (word, f'"{word}"'):
            result = index.search(query, limit=20)
            expected, facets = _reference(index, query, SearchFilters())
            assert [h.uid for h in result.hits] == expected[:20], query
            assert result.total == len(expected), query
            assert result.facets == facets, query


def test_texts_read_are_compacted_and_shared_with_their_documents(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """Texts read are copied together, in docnum order, once as many were read as before;
    the documents hold the copies (so the scattered originals are freed)."""
    monkeypatch.setattr(columns, "COMPACT_MIN", 8)
    ix = _build(tmp_path / "ix", 7, churn=False)
    try:
        ix.close()
        ix = SearchIndex(tmp_path / "ix")
        snap = ix._read_snapshot()
        assert snap is not None
        cols = snap.cols
        ix.search('"清掃事務所"', limit=5)
        first = sum(map(bool, cols.text))
        assert 8 <= first < len(cols.live)
        assert cols.compacted_texts == first
        ix.search("の", limit=5)  # reads (nearly) every other text: more than before
        read = [d for d in cols.live if cols.text[d]]
        assert cols.compacted_texts == len(read) > 2 * first
        for d in read:
            info = snap.by_docnum[d]
            assert info is not None
            assert info.text is cols.text[d]
            # Folded when a query needed it (Columns.fold_waiting), the same object in both;
            # a document still waiting there may have been folded for its snippet.
            if info.fold_script:
                assert cols.fold_pending[d] is info
            if cols.fold_pending[d] is None:
                assert info.fold_cache is cols.folded[d]
                assert (cols.fold_extra[d] == "") == (info.fold_cache is info.text)
            assert info.text == normalised_text(snap, d)
    finally:
        ix.close()


def normalised_text(snap: Any, d: int) -> str:
    uid = snap.uids[d]
    return snap.side.texts([uid])[uid][0]


@pytest.mark.parametrize(
    "query", ['取組 "取組"', '"取組" 取組', 'zeb "zeb"', '"省エネ" 省エネ 省エネ']
)
def test_a_word_both_written_and_quoted_counts_each_way(index: SearchIndex, query: str) -> None:
    """The written word counts its variants, the quoted one only itself: one count per term,
    not one per text (the second overwrote the first, and both scored with it)."""
    got = index.search_uids(query)
    expected, _facets = _reference(index, query, SearchFilters())
    assert got == expected


def test_no_page_asked_ranks_nothing(index: SearchIndex, monkeypatch: Any) -> None:
    """The window asks for totals and facets alone (limit 0): they come without scoring."""
    expected = index.search("zeb", limit=5)

    def no_ranking(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("ranked for an empty page")

    monkeypatch.setattr(engine, "_rank", no_ranking)
    result = index.search("zeb", limit=0)
    assert result.hits == []
    assert result.total == expected.total
    assert result.facets == expected.facets


@pytest.mark.parametrize("word", ["エネルギー", "zeb"])
def test_a_page_counts_a_frequent_term_only_where_it_can_decide_the_page(
    index: SearchIndex, monkeypatch: Any, word: str
) -> None:
    """A page of a frequent quoted term checks each text for it (a scan that stops at its
    first occurrence) and counts it only where the bounds the postings give of its count
    can reach the page; the page is the plain search's."""
    counted = 0
    real = columns.Columns.counts

    def counting(self: columns.Columns, docnums: Any, term: str, folded: Any = None) -> Any:
        nonlocal counted
        counted += len(docnums)
        return real(self, docnums, term, folded)

    monkeypatch.setattr(columns.Columns, "counts", counting)
    query = f'"{word}"'
    result = index.search(query, limit=5, offset=2)
    expected, facets = _reference(index, query, SearchFilters())
    assert [h.uid for h in result.hits] == expected[2:7]
    assert result.total == len(expected) > 40
    assert result.facets == facets
    assert counted < result.total // 2


@pytest.mark.parametrize(
    "query",
    ['"エネルギー" OR "zeb"', '"zeb" OR "図書館"', '"エネルギー" type:case', '"zeb" -"断熱"'],
)
def test_a_page_of_an_or_or_filtered_query_counts_only_near_the_page(
    index: SearchIndex, monkeypatch: Any, query: str
) -> None:
    """The terms of an OR or of a query with field filters are not counted when matched;
    a page counts them only where the bounds the postings give can reach the page (an OR
    of two frequent words counted every text twice). The page is the plain search's."""
    scanned = 0
    real_counts = columns.Columns.counts
    real_weights = columns.Columns._weights

    def counting(self: columns.Columns, docnums: Any, term: str, folded: Any = None) -> Any:
        nonlocal scanned
        scanned += len(docnums)
        return real_counts(self, docnums, term, folded)

    def weighing(self: columns.Columns, docnums: Any, term: str, known: Any, *args: Any) -> Any:
        nonlocal scanned
        if known is None or len(known) != len(docnums):
            scanned += len(docnums)  # counted in the texts
        return real_weights(self, docnums, term, known, *args)

    monkeypatch.setattr(columns.Columns, "counts", counting)
    monkeypatch.setattr(columns.Columns, "_weights", weighing)
    result = index.search(query, limit=5, offset=2)
    expected, facets = _reference(index, query, SearchFilters())
    assert [h.uid for h in result.hits] == expected[2:7]
    assert result.total == len(expected) > 30
    assert result.facets == facets
    assert scanned < result.total // 2


@pytest.mark.parametrize("query", ['"zeb" -"図書館"', "zeb -断熱", '"の" "zeb" OR "図書館"'])
def test_an_or_or_a_not_looks_for_each_term_only_in_the_texts_with_its_bigrams(
    index: SearchIndex, monkeypatch: Any, query: str
) -> None:
    """A text without one of a term's bigrams cannot hold it: an excluded word or an OR's
    alternative is looked for only in the texts with all of its bigrams, not in every
    match (NOT and OR queries read every text once more per term). Same answer."""
    looked: dict[str, int] = {}
    real = columns.Columns.holds

    def holding(self: columns.Columns, docnums: Any, term: str, folded: Any = None) -> Any:
        looked[term] = looked.get(term, 0) + len(docnums)
        return real(self, docnums, term, folded)

    monkeypatch.setattr(columns.Columns, "holds", holding)
    result = index.search(query, limit=5)
    expected, facets = _reference(index, query, SearchFilters())
    assert [h.uid for h in result.hits] == expected[:5]
    assert result.total == len(expected)
    assert result.facets == facets
    rare = "図書館" if "図書館" in query else "断熱"
    assert 0 < looked[rare] < result.total * 3 // 4


@pytest.mark.parametrize("query", ["zeb", "ゼブ", "zeb -断熱", "省エネ type:case"])
def test_a_new_index_finds_variants_whose_folding_was_put_off(
    index: SearchIndex, query: str
) -> None:
    """A newly opened index folds a text only when a term needs it; looking whether texts
    hold a term (totals alone, NOT, filters) folds them first too, or a text holding only
    a variant (ゼブ for zeb) was missed."""
    fresh = SearchIndex(index.index_dir)
    try:
        alone = fresh.search(query, limit=0)
        expected, facets = _reference(index, query, SearchFilters())
        assert alone.total == len(expected)
        assert alone.facets == facets
    finally:
        fresh.close()
