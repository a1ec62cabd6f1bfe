"""Updates of every size leave the index answering exactly as a fresh build would.

Small batches go into a new segment, large ones rebuild aside from the index's
own copy of the other documents; both are checked against a brute-force scan
and against an index built from scratch with the same documents.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from seed_corpus import corpus_docs

from zebkb.search import engine, whooshfield
from zebkb.search.columns import Columns
from zebkb.search.documents import IndexDoc
from zebkb.search.engine import SearchIndex
from zebkb.search.sidestore import normalised_parts
from zebkb.search.whooshfield import add_document

QUERIES = ["の", "zeb", "清掃事務所", "図書館 改訂", "エネルギー", "版"]


def _expected(docs: dict[str, IndexDoc], query: str) -> set[str]:
    terms = query.split()
    return {u for u, d in docs.items() if all(t in normalised_parts(d)[2] for t in terms)}


def _check(ix: SearchIndex, docs: dict[str, IndexDoc], tmp_path: Path) -> None:
    fresh = SearchIndex(tmp_path / "fresh")
    try:
        fresh.rebuild(list(docs.values()), total=len(docs), state=1)
        for q in QUERIES:
            got = ix.search_uids(q)
            assert set(got) == _expected(docs, q), q
            assert len(got) == len(set(got)), q
            a, b = ix.search(q, limit=10), fresh.search(q, limit=10)
            assert a.total == b.total
            assert a.facets == b.facets
            assert [h.score for h in a.hits] == [h.score for h in b.hits]
            assert [h.snippet for h in a.hits] == [h.snippet for h in b.hits]
        assert ix.problems() == []
    finally:
        fresh.close()


def _edit(d: IndexDoc, n: int) -> IndexDoc:
    return replace(d, title=f"{d.title} 改訂{n}", fields={**d.fields, "body": f"第{n}版"})


@pytest.mark.parametrize("bulk", [False, True], ids=["in-place", "rebuild-aside"])
def test_batch_update_equals_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    # The switch point is lowered so that a small corpus takes either way.
    monkeypatch.setattr(engine, "BULK_MIN", 10 if bulk else 10**9)
    all_docs = corpus_docs(260, seed=9)
    docs = {d.uid: d for d in all_docs[:200]}
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(list(docs.values()), total=len(docs), state=1)
        gen = (tmp_path / "ix" / "CURRENT").read_text()
        changed = [_edit(d, 1) for d in all_docs[:120]]
        added = all_docs[200:]
        removed = [d.uid for d in all_docs[150:170]]
        normalised: list[str] = []

        def spy(doc: IndexDoc) -> tuple[str, str, str]:
            normalised.append(doc.uid)
            return normalised_parts(doc)

        monkeypatch.setattr(engine, "normalised_parts", spy)
        ix.update([*changed, *added], removed, state=2)
        monkeypatch.undo()
        # Only the documents given are normalised: a rebuild aside carries the others'
        # normalised texts over from the index's own copy.
        assert sorted(normalised) == sorted(d.uid for d in [*changed, *added])
        docs.update({d.uid: d for d in [*changed, *added]})
        for uid in removed:
            docs.pop(uid)
        assert ix.indexed_state() == 2
        swapped = (tmp_path / "ix" / "CURRENT").read_text() != gen
        assert swapped is bulk
        _check(ix, docs, tmp_path)
    finally:
        ix.close()


_PER_DOC = [
    "text",
    "updated",
    "title_end",
    "facility_len",
    "facility_start",
    "head_end",
    "rest_len",
    "kind",
    "ward",
    "rank",
    "year",
    "tags",
    "area",
]


def _same_columns(a: Columns, b: Columns) -> None:
    for name in _PER_DOC:
        assert getattr(a, name) == getattr(b, name), name
    assert [a.kind_wards[c] for c in a.kind_ward] == [b.kind_wards[c] for c in b.kind_ward]
    assert [a.rank_year_areas[c] for c in a.rank_year_area] == [
        b.rank_year_areas[c] for c in b.rank_year_area
    ]
    assert (a.live, a.n, a.avg_title, a.avg_facility, a.avg_rest) == (
        b.live,
        b.n,
        b.avg_title,
        b.avg_facility,
        b.avg_rest,
    )


def test_many_small_updates_then_reopen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments added and merged one update at a time keep docnums and uids aligned."""
    extended = []
    original = Columns.remapped

    def spy(self: Columns, moves: Any, *args: Any) -> Columns:
        moves = list(moves)
        extended.extend(moves)
        return original(self, moves, *args)

    monkeypatch.setattr(Columns, "remapped", spy)
    all_docs = corpus_docs(80, seed=4)
    docs = {d.uid: d for d in all_docs[:60]}
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(list(docs.values()), total=len(docs), state=1)
        for n in range(12):
            d = _edit(all_docs[n * 5], n)
            new = all_docs[60 + n]
            gone = all_docs[n * 5 + 1].uid
            ix.update([d, new], [gone], state=2 + n)
            docs[d.uid] = d
            docs[new.uid] = new
            docs.pop(gone, None)
            snap = ix._snapshot()
            # Columns carried over from the last update equal columns read afresh.
            ix.search("の")  # reads some documents, so that some are carried over
            snap.ensure(snap.cols.live, texts=True)
            _same_columns(snap.cols, Columns(snap.by_docnum))
        assert extended, "no update kept the old docnums"
        _check(ix, docs, tmp_path)
        ix.close()
        ix = SearchIndex(tmp_path / "ix")
        assert set(ix.search_uids("の")) == _expected(docs, "の")
    finally:
        ix.close()


def test_a_large_update_seen_by_a_second_handle(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "BULK_MIN", 10)
    all_docs = corpus_docs(60, seed=2)
    first = SearchIndex(tmp_path / "ix")
    second = SearchIndex(tmp_path / "ix")
    try:
        first.rebuild(all_docs[:20], total=20, state=1)
        assert second.search("の").total == len(_expected({d.uid: d for d in all_docs[:20]}, "の"))
        first.update(all_docs[20:], [all_docs[0].uid], state=2)
        expected = _expected({d.uid: d for d in all_docs[1:]}, "の")
        assert set(second.search_uids("の")) == expected
        assert second.indexed_state() == 2
    finally:
        first.close()
        second.close()


def test_a_build_in_several_segments_answers_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build writes a segment whenever its pool is full; the answers stay the same."""
    docs = {d.uid: d for d in corpus_docs(150, seed=12)}
    monkeypatch.setattr(engine, "SEGMENT_POSTINGS", 5_000)
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(list(docs.values()), total=len(docs), state=1)
        snap = ix._snapshot()
        assert len(snap.leaves) > 3
        # Every segment's uids were stored while it was written: opening reads no stored fields.
        assert set(snap.side.segment_uids()) == {key for key, _base in snap.layout}
        monkeypatch.setattr(engine, "SEGMENT_POSTINGS", 10**9)
        _check(ix, docs, tmp_path)
    finally:
        ix.close()


def test_many_new_documents_go_into_a_new_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of new records (saving many) adds a segment, however large: rebuilding
    aside would add every document already indexed again."""
    monkeypatch.setattr(engine, "BULK_MIN", 10)
    all_docs = corpus_docs(90, seed=5)
    docs = {d.uid: d for d in all_docs[:30]}
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(list(docs.values()), total=len(docs), state=1)
        gen = (tmp_path / "ix" / "CURRENT").read_text()
        added: list[str] = []

        def spy(writer: Any, uid: str, text: str, *folding: Any) -> None:
            added.append(uid)
            add_document(writer, uid, text, *folding)

        monkeypatch.setattr(whooshfield, "add_document", spy)
        new = all_docs[30:]
        ix.update(new, [], state=2)
        assert (tmp_path / "ix" / "CURRENT").read_text() == gen
        assert sorted(added) == sorted(d.uid for d in new)
        monkeypatch.setattr(whooshfield, "add_document", add_document)
        docs.update({d.uid: d for d in new})
        assert ix.indexed_state() == 2
        _check(ix, docs, tmp_path)
    finally:
        ix.close()


def test_an_update_finds_old_versions_without_a_query_per_uid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open snapshot's docnums are the writer's: an update deletes the old versions it
    finds in its uid list, and asks Whoosh nothing per uid (a new uid has none to find)."""
    from whoosh.searching import Searcher

    all_docs = corpus_docs(50, seed=6)
    docs = {d.uid: d for d in all_docs[:40]}
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(list(docs.values()), total=len(docs), state=1)
        ix.search("の")
        asked: list[str] = []

        def spy(self: Any, **kw: Any) -> Any:
            asked.append(kw.get("uid", ""))
            return original(self, **kw)

        original = Searcher.document_numbers
        monkeypatch.setattr(Searcher, "document_numbers", spy)
        changed = [_edit(d, 1) for d in all_docs[:3]]
        gone = all_docs[5].uid
        ix.update([*changed, *all_docs[40:]], [gone], state=2)
        assert asked == []
        monkeypatch.undo()
        docs.update({d.uid: d for d in [*changed, *all_docs[40:]]})
        docs.pop(gone)
        _check(ix, docs, tmp_path)
    finally:
        ix.close()


@pytest.mark.parametrize(
    ("sizes", "added", "merged"),
    [
        ([], 5, 0),
        ([10, 10], 10, 0),  # fewer than MERGE_FANIN - 1 to merge
        ([10, 10, 10], 10, 3),
        ([40, 10, 10, 10], 10, 3),  # the 40 stays: four times what is written
        ([40, 40, 40, 10, 10, 10], 10, 6),  # the 40s join once the 10s made a 40
        ([10000, 10, 10, 10], 10, 3),
        ([10, 10, 10], 0, 0),  # an update that only removes merges nothing
        ([10, 20, 10], 10, 0),  # a larger one than is being written stops the merge
        # From MERGE_SMALL documents written, MERGE_TIER - 1 at a time: batches of 1,000
        # copy nothing until ten of them wait, and the eleventh merges them.
        ([300, 300, 300], 300, 0),
        ([1000] * 9, 1000, 0),
        ([1000] * 10, 1000, 10),
        ([5000] + [1000] * 10, 1000, 10),
        ([64, 64, 64, 16, 16, 16], 16, 6),  # 16 -> 64 -> 256: then ten at a time
        ([256] * 10 + [64] * 3, 64, 13),
        ([255] * 3, 255, 3),
    ],
)
def test_merge_policy(sizes: list[int], added: int, merged: int) -> None:
    assert (engine.MERGE_FANIN, engine.MERGE_SMALL, engine.MERGE_TIER) == (4, 256, 11)
    assert engine._merge_count(sizes, added) == merged


def test_read_counts_reads_what_whoosh_reads(tmp_path: Path) -> None:
    """A segment's content postings read a block at a time are the ones Whoosh's matcher reads."""
    docs = corpus_docs(120, seed=8)
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(docs, total=len(docs), state=1)
        snap = ix._snapshot()
        [(leaf, _base)] = snap.leaves
        terms = leaf._terms
        seen = 0
        for (field, tbytes), info in terms.items():
            if field != whooshfield.CONTENT:
                continue
            ids, counts = whooshfield.read_counts(terms, tbytes, info)
            m = leaf.postings(field, tbytes)
            assert list(ids) == list(m.all_ids())
            m = leaf.postings(field, tbytes)
            assert list(counts) == [int(w) for _d, w in m.items_as("weight")]
            shifted, _counts = whooshfield.read_counts(terms, tbytes, info, 7)
            assert list(shifted) == [d + 7 for d in ids]
            seen += 1
        assert seen > 1000
        # The merge's own pass over the term table finds the same terms and postings.
        raw = list(whooshfield._content_terms(terms))
        assert len(raw) == seen
        for tbytes, found in raw[:: max(1, seen // 200)]:
            assert isinstance(found, bytes)
            ids, counts = whooshfield._read_blocks(found, 0)
            info = terms.term_info(whooshfield.CONTENT, tbytes)
            assert (ids, counts) == whooshfield.read_counts(terms, tbytes, info)
    finally:
        ix.close()


def test_batches_of_new_records_are_merged_as_they_come(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving many records in batches merges the newest segments as they pile up (ten
    batches leave four, not ten), drops the deleted documents from those it merges,
    and answers as a fresh build; the merged segment's uids are stored with it."""
    monkeypatch.setattr(engine, "BULK_MIN", 10**9)
    all_docs = corpus_docs(230, seed=10)
    docs: dict[str, IndexDoc] = {}
    ix = SearchIndex(tmp_path / "ix")
    try:
        counts = []
        for n in range(10):
            batch = all_docs[n * 20 : (n + 1) * 20]
            # Each batch also changes one record of the one before and removes another.
            edited = [_edit(all_docs[n * 20 - 20], n)] if n else []
            gone = [all_docs[n * 20 - 19].uid] if n else []
            ix.update([*batch, *edited], gone, state=n + 1)
            docs.update({d.uid: d for d in [*batch, *edited]})
            for uid in gone:
                docs.pop(uid)
            snap = ix._snapshot()
            counts.append(len(snap.leaves))
            assert sorted(u for u in snap.uids if u is not None) == sorted(docs)
        assert counts[-1] <= 4
        assert max(counts) <= 5
        snap = ix._snapshot()
        # Merged segments keep no deleted documents: only the newest ones hold any.
        assert len(snap.deleted) < 9
        assert set(snap.side.segment_uids()) == {key for key, _base in snap.layout}
        _check(ix, docs, tmp_path)
        ix.close()
        reopened = SearchIndex(tmp_path / "ix")
        try:
            assert set(reopened.search_uids("の")) == _expected(docs, "の")
            assert reopened._snapshot().side.segment_uids() == snap.segment_uids
        finally:
            reopened.close()
    finally:
        ix.close()


def test_an_update_that_cannot_merge_still_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merging is optional: when the open snapshot does not know a segment's uids, the
    update adds its own segment and merges nothing."""
    monkeypatch.setattr(engine, "BULK_MIN", 10**9)
    all_docs = corpus_docs(80, seed=13)
    docs: dict[str, IndexDoc] = {}
    ix = SearchIndex(tmp_path / "ix")
    try:
        for n in range(3):
            batch = all_docs[n * 20 : (n + 1) * 20]
            ix.update(batch, [], state=n + 1)
            docs.update({d.uid: d for d in batch})
        snap = ix._snapshot()
        assert len(snap.leaves) == 3
        snap.segment_uids.clear()
        ix.update(all_docs[60:], [], state=4)
        docs.update({d.uid: d for d in all_docs[60:]})
        assert len(ix._snapshot().leaves) == 4
        _check(ix, docs, tmp_path)
    finally:
        ix.close()


def test_an_update_reopens_only_the_segments_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an update the snapshot keeps its readers of the segments the update left as
    they were; a segment that gained a deleted document (an edited record's old version)
    is read anew, and the readers no longer used are closed."""
    monkeypatch.setattr(engine, "BULK_MIN", 10**9)
    all_docs = corpus_docs(60, seed=14)
    docs: dict[str, IndexDoc] = {}
    ix = SearchIndex(tmp_path / "ix")
    try:
        for n in range(2):
            batch = all_docs[n * 20 : (n + 1) * 20]
            ix.update(batch, [], state=n + 1)
            docs.update({d.uid: d for d in batch})
        first, second = [leaf for leaf, _base in ix._snapshot().leaves]
        ix.update(all_docs[40:50], [], state=3)  # new records only
        docs.update({d.uid: d for d in all_docs[40:50]})
        leaves = [leaf for leaf, _base in ix._snapshot().leaves]
        assert len(leaves) == 3
        assert leaves[0] is first
        assert leaves[1] is second
        assert ix._snapshot().reader.generation() == 3
        edited = _edit(all_docs[0], 1)  # its old version is in the first segment
        ix.update([edited], [], state=4)
        docs[edited.uid] = edited
        leaves = [leaf for leaf, _base in ix._snapshot().leaves]
        assert len(leaves) == 4
        assert leaves[0] is not first
        assert first.is_closed
        assert leaves[1] is second
        assert not second.is_closed
        assert set(ix.search_uids("改訂1")) == {edited.uid}
        _check(ix, docs, tmp_path)
    finally:
        ix.close()
