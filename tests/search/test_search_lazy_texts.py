"""A newly opened index reads the values and texts of a query's candidates only, never the whole corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from seed_corpus import make_records

from zebkb.search.columns import COMPACT_MIN
from zebkb.search.documents import doc_from_record
from zebkb.search.engine import SearchIndex, _candidates, _folds
from zebkb.search.query import parse_query

RECORDS = 300


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Any:
    records = make_records(RECORDS, seed=5)
    folder = tmp_path_factory.mktemp("lazy") / "index"
    ix = SearchIndex(folder)
    ix.rebuild([doc_from_record(r) for r in records], total=RECORDS, state=1)
    yield folder, records, ix
    ix.close()


def test_opening_reads_no_text_and_a_query_reads_only_its_candidates(built: Any) -> None:
    folder, records, full = built
    facility = records[17].get("facility_name")
    query = facility or records[17]["title"].split()[0]
    ix = SearchIndex(folder)
    try:
        snap = ix._snapshot()
        assert (snap.side.docs_read, snap.side.texts_read) == (0, 0)
        parsed = parse_query(query)
        candidates = _candidates(snap, parsed, _folds(snap, parsed))
        assert candidates is not None
        assert snap.side.texts_read == 0
        result = ix.search(query)
        assert snap.side.texts_read == len(candidates)
        assert snap.side.docs_read == len(candidates)
        assert len(candidates) < RECORDS // 10
        # The same answer as an index that has read every text.
        assert [h.uid for h in result.hits] == [h.uid for h in full.search(query).hits]
        assert result.total >= 1
        # Read once: the same query again reads nothing more.
        ix.search(query)
        assert snap.side.texts_read == len(candidates)
        assert snap.side.docs_read == len(candidates)
    finally:
        ix.close()


@pytest.mark.parametrize("pattern", [r"\w・\w", r"\w。\w", r"」\w"])
def test_a_term_holding_punctuation_reads_only_the_texts_with_its_bigrams(
    built: Any, pattern: str
) -> None:
    """Punctuation is indexed with the characters beside it: a term such as 「定・コ」 is
    looked for in the texts holding its bigrams, not in every text."""
    import re

    from zebkb.search.sidestore import normalised_parts

    folder, records, _full = built
    texts = [normalised_parts(doc_from_record(r))[2] for r in records]
    found = sorted({m for t in texts for m in re.findall(pattern, t)})
    term = next(m for m in found if 0 < sum(m in t for t in texts) < RECORDS // 10)
    ix = SearchIndex(folder)
    try:
        result = ix.search(f'"{term}"')
        assert result.total == sum(term in t for t in texts)
        # Only texts holding its rarer bigram were read (every text, before).
        rarer = min(sum(g in t for t in texts) for g in (term[:2], term[1:]))
        assert ix._snapshot().side.texts_read <= rarer < RECORDS
    finally:
        ix.close()


def test_bigrams_of_one_word_are_not_all_intersected(built: Any, monkeypatch: Any) -> None:
    """The bigrams of a frequent word go together: once an intersection rules out almost
    nothing, the candidates are checked rather than intersected further (each
    intersection of thousands of documents costs as much as checking hundreds of texts)."""
    from zebkb.search import engine

    folder, _records, full = built
    ix = SearchIndex(folder)
    try:
        snap = ix._snapshot()
        read: list[str] = []
        real = snap.postings

        def counted(gram: str, df: int) -> frozenset[int]:
            read.append(gram)
            return real(gram, df)

        monkeypatch.setattr(snap, "postings", counted)
        monkeypatch.setattr(engine, "FEW_CANDIDATES", 4)
        query = '"ゼロカーボンシティ"'
        result = ix.search(query)
        assert result.total > 20
        assert result.total == full.search(query).total
        assert len(read) == 2  # of its 8 bigrams, up to 4 were intersected
    finally:
        ix.close()


def test_a_page_of_a_few_matches_reads_no_bigram_counts(built: Any, monkeypatch: Any) -> None:
    """Bounding a term's counts from its bigrams' postings pays only when ranking looks at
    a few of many matches; a rare term is counted in its few texts instead."""
    folder, records, _full = built
    query = f'"{records[17].get("facility_name") or records[17]["title"].split()[0]}"'
    ix = SearchIndex(folder)
    try:
        snap = ix._snapshot()
        read: list[str] = []
        real = snap.gram_counts

        def counted(gram: str, df: int) -> Any:
            read.append(gram)
            return real(gram, df)

        monkeypatch.setattr(snap, "gram_counts", counted)
        result = ix.search(query, limit=20)
        assert 0 < result.total < 80
        assert read == []
    finally:
        ix.close()


def test_filters_alone_read_no_text(built: Any) -> None:
    folder, _records, _full = built
    ix = SearchIndex(folder)
    try:
        result = ix.search("type:case")
        assert result.total > 0
        assert ix._snapshot().side.texts_read == 0
    finally:
        ix.close()


_PROBE = """
import json, sys
from zebkb.search.engine import SearchIndex
ix = SearchIndex(sys.argv[1])
result = ix.search(sys.argv[2])
side = ix._snapshot().side
print(json.dumps({"read": side.texts_read, "docs": side.docs_read, "total": result.total,
                  "orm_loaded": "sqlalchemy" in sys.modules,
                  "tls_loaded": "ssl" in sys.modules or "http.client" in sys.modules}))
import urllib.request
assert urllib.request.urlopen  # the real module, once someone asks for it
"""


def test_a_new_process_reads_a_bounded_number_of_texts(built: Any) -> None:
    folder, records, full = built
    query = records[3]["title"].split()[0]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(folder), query],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    out = json.loads(done.stdout)
    assert out["total"] == full.search(query).total
    assert 1 <= out["read"] < RECORDS // 10
    assert 1 <= out["docs"] < RECORDS // 10  # the ranking values of the candidates only
    assert out["orm_loaded"] is False  # no ORM for a search
    assert out["tls_loaded"] is False  # nor whoosh's unused HTTP import


def test_an_update_keeps_what_was_read_and_reads_nothing_more(built: Any, tmp_path: Path) -> None:
    folder, records, _full = built
    copy = tmp_path / "index"
    shutil.copytree(folder, copy)
    ix = SearchIndex(copy)
    try:
        query = records[17].get("facility_name") or records[17]["title"].split()[0]
        before = ix.search(query)
        side = ix._snapshot().side
        read = (side.docs_read, side.texts_read)
        doc = doc_from_record(records[40])
        ix.update([replace(doc, title=doc.title + " 改訂")], [], state=2)
        snap = ix._snapshot()
        assert (snap.side.docs_read, snap.side.texts_read) == read
        assert [h.uid for h in ix.search(query).hits] == [h.uid for h in before.hits]
        assert (snap.side.docs_read, snap.side.texts_read) == read
    finally:
        ix.close()


def test_a_bigrams_counts_by_docnum_are_its_counts_in_the_texts(built: Any) -> None:
    """The counts ranking bounds a term's counts with: by docnum, None where it is absent."""
    from zebkb.search.normalize import grams

    folder, _records, _full = built
    ix = SearchIndex(folder)
    try:
        ix.search('"の"')  # every text read
        snap = ix._snapshot()
        for gram in ("事務", "ze", "エネ"):
            counts = snap.gram_counts(gram, snap.doc_frequency(gram))
            assert counts is not None
            assert len(counts) == len(snap.uids)
            for d, info in enumerate(snap.by_docnum):
                assert info is not None
                n = grams(info.text).count(gram)
                assert counts[d] == (n or None)
    finally:
        ix.close()


def test_a_broad_query_folds_only_the_texts_a_variant_could_add_the_term_to(built: Any) -> None:
    """Texts are read with their fold edits and folded only where an edit touches one of
    the term's pairs; the answer is the one of an index that folded every text."""
    folder, _records, full = built
    ix = SearchIndex(folder)
    try:
        snap = ix._snapshot()
        result = ix.search("清掃事務所", limit=20)
        cols = snap.cols
        read = [d for d in cols.live if cols.text[d]]
        assert len(read) == snap.side.texts_read > RECORDS // 10
        waiting = [d for d in read if cols.fold_pending[d] is not None]
        # Nearly every text has fold edits (long vowel marks, 取組), few touch the term.
        assert len(waiting) > len(read) // 2
        expected = full.search("清掃事務所", limit=20)
        assert (result.total, result.facets) == (expected.total, expected.facets)
        assert [(h.uid, h.score, h.snippet) for h in result.hits] == [
            (h.uid, h.score, h.snippet) for h in expected.hits
        ]
        for d in waiting:
            assert cols.fold_pending[d] is snap.by_docnum[d]
        # A term a variant folds into needs those texts folded: 取組 (取り組み).
        result = ix.search("取組", limit=20)
        expected = full.search("取組", limit=20)
        assert (result.total, [(h.uid, h.score) for h in result.hits]) == (
            expected.total,
            [(h.uid, h.score) for h in expected.hits],
        )
    finally:
        ix.close()


def test_texts_first_read_in_docnum_order_are_kept_as_made_not_copied(built: Any) -> None:
    """A new process's first read makes its texts in docnum order (SideStore.texts), as
    Columns.compact_texts would lay copies out, so none is copied; texts read after
    others are still copied into one run."""
    folder, _records, _full = built

    def reading(first: int) -> tuple[Any, dict[str, str]]:
        ix = SearchIndex(folder)
        snap = ix._snapshot()
        made: dict[str, str] = {}
        read = snap.side.texts

        def texts(uids: list[str]) -> dict[str, tuple[str, str, str]]:
            got = read(uids)
            made.update({u: t for u, (t, _s, _p) in got.items()})
            return got

        snap.side.texts = texts
        if first:
            snap.ensure(snap.cols.live[:first], texts=True)
        snap.ensure(snap.cols.live, texts=True)
        return ix, made

    ix, made = reading(0)
    try:
        snap = ix._snapshot()
        cols = snap.cols
        assert len(made) == len(cols.live) > COMPACT_MIN
        assert cols.compacted_texts == len(made)
        assert all(cols.text[d] is made[snap.uids[d]] for d in cols.live)
    finally:
        ix.close()
    ix, made = reading(10)
    try:
        snap = ix._snapshot()
        cols = snap.cols
        assert cols.compacted_texts == len(made) == len(cols.live)
        assert not any(cols.text[d] is made[snap.uids[d]] for d in cols.live)
        assert all(cols.text[d] == made[snap.uids[d]] for d in cols.live)
    finally:
        ix.close()
