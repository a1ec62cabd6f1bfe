"""The fast query paths give exactly what the plain, one-record-at-a-time code gives.

Scores are compared bit for bit with the textbook BM25F, the ranking with a
full sort, facets with a per-record count, and the one-pass line
normalisation with `normalize` per line.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seed_corpus import make_records, seed_lines

from zebkb.search import engine
from zebkb.search.columns import Columns, area_bucket, bm25_reference
from zebkb.search.documents import doc_from_record
from zebkb.search.engine import SearchIndex
from zebkb.search.normalize import is_one_bigram, normalize, normalize_lines
from zebkb.search.sidestore import info_from_doc, normalised_parts
from zebkb.search.snippets import make_snippet

# Characters that exercise every normalisation rule: spaces next to Japanese and
# between letters, full-width forms, half-width kana marks, combining marks,
# radicals, invisible characters, Greek final sigma, and the line-join mark.
_ALPHABET = "ab 1２　ＡｶﾞゼロΣσ\u3099\u200b⻑長\t\x00区。"


@given(st.lists(st.text(alphabet=_ALPHABET, max_size=12), min_size=1, max_size=8))
@settings(max_examples=300, deadline=None)
def test_normalize_lines_equals_normalize_per_line(lines: list[str]) -> None:
    assert normalize_lines(lines) == [normalize(line) for line in lines]


def test_normalize_lines_on_real_pdf_lines() -> None:
    lines = seed_lines()
    assert normalize_lines(lines) == [normalize(line) for line in lines]


@pytest.fixture(scope="module")
def corpus() -> tuple[list, Columns]:
    infos = [
        info_from_doc(d, normalised_parts(d))
        for d in (doc_from_record(r) for r in make_records(300, seed=7))
    ]
    by_docnum = list(infos)
    by_docnum[5] = None  # a deleted docnum
    return by_docnum, Columns(by_docnum)


@pytest.mark.parametrize(
    "terms",
    [["zeb"], ["清掃事務所"], ["エネルギー", "の"], ["図書館", "zeb", "断熱"], ["区"]],
)
def test_bm25_is_bit_identical_to_the_reference(corpus, terms: list[str]) -> None:
    by_docnum, cols = corpus
    docnums = [i for i, d in enumerate(by_docnum) if d is not None and terms[0] in d.text]
    assert len(docnums) > 3
    idfs = [math.log(1.5 + i) for i in range(len(terms))]
    fast = cols.bm25(docnums, terms, idfs)
    slow = [bm25_reference(by_docnum[d], terms, idfs, cols) for d in docnums]
    assert fast == slow


@pytest.mark.parametrize(
    "terms", [["zeb"], ["エネルギー", "の"], ["図書館", "zeb", "断熱"], ["区", "清掃事務所"]]
)
def test_bound_scores_are_bm25_well_within_the_pruning_slack(corpus, terms: list[str]) -> None:
    # The page's bounds are scored by a shorter formula; pruning is exact only while it
    # stays within PRUNE_SLACK of bm25 (columns.py), here with counts given and not.
    by_docnum, cols = corpus
    docnums = [i for i, d in enumerate(by_docnum) if d is not None and terms[0] in d.text]
    assert len(docnums) > 3
    idfs = [math.log(1.5 + i) for i in range(len(terms))]
    counts = [cols.counts(docnums, t) if i % 2 else None for i, t in enumerate(terms)]
    exact = cols.bm25(docnums, terms, idfs, counts)
    bounds = cols.bound_scores(docnums, terms, idfs, counts, [None] * len(terms))
    assert len(bounds) == len(exact)
    assert max(abs(b - e) / e for b, e in zip(bounds, exact, strict=True)) < 1e-12


@pytest.mark.parametrize(
    ("term", "folded"),
    [
        ("zeb", None),
        ("zeb", "zeb"),
        ("サーバー", "サーバ"),
        ("サーバ", "サーバ"),
        ("無い語", "無い語"),
    ],
)
def test_holds_is_a_per_record_look_in_text_and_folded_text(term: str, folded: str | None) -> None:
    from zebkb.search.variants import load_variants

    table = load_variants(None)
    records = make_records(60, seed=9)
    docs = [doc_from_record(r) for r in records]
    # Variants written in, so that folding changes some texts and not others.
    docs = [
        replace(d, title=d.title + (" サーバー" if i % 3 == 0 else "")) for i, d in enumerate(docs)
    ]
    infos = []
    for d in docs:
        parts = normalised_parts(d)
        infos.append(info_from_doc(d, parts, table.fold(parts[2])))
    by_docnum: list = list(infos)
    by_docnum[4] = None
    cols = Columns(by_docnum)
    docnums = [i for i, d in enumerate(by_docnum) if d is not None]
    expected = [
        term in by_docnum[n].text or (folded is not None and folded in by_docnum[n].folded)
        for n in docnums
    ]
    assert cols.holds(docnums, term, folded) == expected
    assert any(expected) or term == "無い語"
    assert any(by_docnum[n].folded != by_docnum[n].text for n in docnums)


def test_title_and_facility_hits_weigh_more(corpus) -> None:
    by_docnum, cols = corpus
    # Facility names are in title, facility and text; compare with the same count in prose.
    d = next(i for i, x in enumerate(by_docnum) if x is not None and x.facility)
    term = by_docnum[d].facility
    [score] = cols.bm25([d], [term], [1.0])
    tf = by_docnum[d].text.count(term)
    w = tf / cols._norms([cols.rest_len[d]], cols.avg_rest)[0]
    assert score > w * 2.2 / (1.2 + w)


def test_best_orders_by_score_then_newest_then_docnum(corpus) -> None:
    by_docnum, cols = corpus
    docnums = [i for i, d in enumerate(by_docnum) if d is not None]
    scores = [float(i % 4) for i in range(len(docnums))]
    # A stable sort keeps the lower docnum first among equal (score, updated_at).
    expected = sorted(
        zip(scores, docnums, strict=True),
        key=lambda sd: (sd[0], by_docnum[sd[1]].updated_at),
        reverse=True,
    )
    assert cols.best(docnums, scores, 17) == expected[:17]
    assert cols.best(docnums, scores, len(docnums)) == expected
    newest = cols.best(docnums, None, 5)
    assert [by_docnum[d].updated_at for _s, d in newest] == sorted(
        (d.updated_at for d in by_docnum if d is not None), reverse=True
    )[:5]


@pytest.mark.parametrize("term", ["zeb", "清掃事務所", "区", "センター", "の"])
def test_where_a_term_first_occurs_says_whether_it_is_in_the_head(corpus, term: str) -> None:
    """Ranking learns whether a match holds a term in its title or facility name from where
    the term first occurs in its text (`_match` finds that), without scanning the heads."""
    by_docnum, cols = corpus
    docnums = [i for i, d in enumerate(by_docnum) if d is not None and term in d.text]
    firsts = cols.firsts(docnums, term)
    assert firsts == [by_docnum[i].text.find(term) for i in docnums]
    heads = cols.in_heads(docnums, firsts)
    assert heads == [term in by_docnum[i].title or term in by_docnum[i].facility for i in docnums]
    assert any(heads) or term == "の"
    known = cols.counts(docnums, term)
    assert cols.weights(docnums, term, known, heads) == cols.weights(docnums, term, known)


def test_facets_equal_a_per_record_count(corpus) -> None:
    by_docnum, cols = corpus
    docnums = [i for i, d in enumerate(by_docnum) if d is not None and "の" in d.text]
    facets = cols.facets(docnums)
    docs = [by_docnum[i] for i in docnums]
    # Same counts in the same order (most_common breaks ties by first appearance).
    assert list(facets["kind"].items()) == Counter(d.kind for d in docs).most_common()
    assert list(facets["ward"].items()) == Counter(d.ward for d in docs).most_common()
    assert list(facets["rank"].items()) == Counter(d.rank for d in docs if d.rank).most_common()
    assert facets["fiscal_year"] == dict(
        sorted(Counter(str(d.fiscal_year) for d in docs if d.fiscal_year is not None).items())
    )
    tags = Counter(t for d in docs for t in dict.fromkeys(d.tags)).most_common()
    assert list(facets["tag"].items()) == tags
    areas = Counter(area_bucket(d.floor_area_m2) for d in docs if d.floor_area_m2 is not None)
    assert facets["floor_area"] == {k: v for k, v in areas.items() if v}
    assert list(facets["kind"].values()) == sorted(facets["kind"].values(), reverse=True)


def test_facets_cover_all_matches_at_every_page(tmp_path: Path) -> None:
    docs = [doc_from_record(r) for r in make_records(400, seed=3)]
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(docs, total=len(docs), state=1)
        first = ix.search("の", limit=5)
        later = ix.search("の", limit=5, offset=200)
        assert first.total == later.total > 200
        assert first.facets == later.facets
        assert sum(first.facets["kind"].values()) == first.total
        uids = ix.search_uids("の")
        assert [h.uid for h in first.hits] == uids[:5]
        assert [h.uid for h in later.hits] == uids[200:205]
    finally:
        ix.close()


@pytest.mark.parametrize("terms", [["zeb"], ["ゼロカーボン"], ["断熱", "図書館"], ["存在しない語"]])
def test_snippet_with_known_normalised_fields_is_unchanged(terms: list[str]) -> None:
    for record in make_records(40, seed=5):
        doc = doc_from_record(record)
        fields = {"title": doc.title, **doc.fields}
        known = {k: normalize(v) for k, v in fields.items()}
        assert make_snippet(fields, terms, normalised=known) == make_snippet(fields, terms)


def test_is_one_bigram() -> None:
    assert is_one_bigram("ティ")
    assert is_one_bigram("co")
    assert not is_one_bigram("ああ")  # overlapping bigrams: counted twice in "あああ"
    assert is_one_bigram("」と")  # punctuation is indexed with its neighbours
    assert not is_one_bigram(" と")  # but never whitespace
    assert not is_one_bigram("zeb")
    assert not is_one_bigram("z")


@pytest.mark.parametrize(
    "query", ["の", "エネ", "ギー", "co", "ああ", "zeb", "清掃 事務", "エネ ルギー", "特別 の"]
)
def test_counts_from_the_index_give_the_same_ranking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """Term counts read from bigram postings equal str.count, so scores do not change."""
    records = make_records(150, seed=12)
    records[3]["body"] += "\nあああ ああ"
    docs = [doc_from_record(r) for r in records]
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(docs, total=len(docs), state=1)
        texts = {d.uid: normalised_parts(d)[2] for d in docs}
        expected = {u for u, t in texts.items() if all(q in t for q in query.split())}
        monkeypatch.setattr(engine, "COUNTS_MIN_DF", 10**9)
        plain = ix.search(query, limit=30)
        plain_uids = ix.search_uids(query)
        monkeypatch.setattr(engine, "COUNTS_MIN_DF", 1)
        monkeypatch.setattr(engine, "CACHE_MIN_DF", 1)
        fast = ix.search(query, limit=30)
        assert set(ix.search_uids(query)) == expected
        assert ix.search_uids(query) == plain_uids
        assert [(h.uid, h.score) for h in fast.hits] == [(h.uid, h.score) for h in plain.hits]
        assert fast.total == plain.total == len(expected)
    finally:
        ix.close()


def _segment_files(folder: Path) -> dict[str, bytes]:
    """The segment's files by extension (their names carry a random segment id)."""
    return {p.suffix: p.read_bytes() for p in folder.iterdir() if p.suffix != ".toc"}


def _build(folder: Path, texts: list[tuple[str, str]], *, fast: bool) -> dict[str, bytes]:
    from whoosh.filedb.filestore import FileStorage

    from zebkb.search.whooshfield import InvertedPool, NoLenW3Codec, add_document, make_schema

    folder.mkdir()
    ix = FileStorage(str(folder)).create_index(make_schema())
    # Separate files, not one compound file (whose table names them by segment id).
    # Small blocks, so that a term spans several with few documents.
    writer = ix.writer(codec=NoLenW3Codec(blocklimit=128), compound=False)
    writer.pool = InvertedPool()
    for uid, text in texts:
        if fast:
            add_document(writer, uid, text)
        else:
            writer.add_document(uid=uid, content=text)
    writer.commit()
    ix.close()
    return _segment_files(folder)


def test_block_writer_writes_the_segment_whoosh_would(tmp_path: Path, monkeypatch) -> None:
    """`BlockFieldWriter` and `add_document` bypass Whoosh's per-posting loop, byte for byte."""
    texts = [
        (d.uid, normalised_parts(d)[2])
        for d in (doc_from_record(r) for r in make_records(400, seed=11))
    ]
    # A term in more than one block (128 postings) and a one-character word.
    texts += [(f"extra-{i}", f"zeb化 {i} 清掃事務所 x") for i in range(300)]
    from zebkb.search import whooshfield

    # Whoosh compresses every block; ours leaves small ones as they are (the next test).
    monkeypatch.setattr(whooshfield, "COMPRESS_MIN", 0)
    fast = _build(tmp_path / "fast", texts, fast=True)
    with monkeypatch.context() as m:
        from whoosh.codec.base import FieldWriter

        from zebkb.search.whooshfield import BlockFieldWriter

        m.setattr(BlockFieldWriter, "add_postings", FieldWriter.add_postings)
        stock = _build(tmp_path / "stock", texts, fast=False)
    assert stock.keys() == fast.keys()
    assert {".pst", ".trm"} <= stock.keys()
    for ext in stock:
        assert fast[ext] == stock[ext], ext


def _postings(folder: Path, field: str = "content") -> dict[bytes, list[tuple[int, float]]]:
    """Every term's (docnum, weight) postings in `field`, as Whoosh's own reader reads them."""
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(folder)).open_index()
    with ix.reader() as reader:
        return {
            term: [(d, w) for d, w in reader.postings(field, term).items_as("weight")]
            for term in reader.lexicon(field)
        }


def test_small_blocks_are_written_uncompressed_and_read_alike(tmp_path: Path, monkeypatch) -> None:
    """A block whose pickle is short is stored as it is: Whoosh reads it as it reads a
    compressed one (its info tuple says which), so the postings read back are the same."""
    import zlib

    from zebkb.search import whooshfield

    texts = [
        (d.uid, normalised_parts(d)[2])
        for d in (doc_from_record(r) for r in make_records(200, seed=12))
    ]
    texts += [(f"extra-{i}", f"zeb化 {i} 清掃事務所 x") for i in range(300)]
    calls: list[int] = []

    def counting(data: bytes, level: int = -1) -> bytes:
        calls.append(len(data))
        return zlib.compress(data, level)

    with monkeypatch.context() as m:
        m.setattr(whooshfield, "compress", counting)
        mixed = _build(tmp_path / "mixed", texts, fast=True)
    assert calls
    assert min(calls) >= whooshfield.COMPRESS_MIN
    with monkeypatch.context() as m:
        m.setattr(whooshfield, "COMPRESS_MIN", 0)
        every = _build(tmp_path / "every", texts, fast=True)
    assert len(mixed[".pst"]) > len(every[".pst"])  # some blocks were left uncompressed
    got = _postings(tmp_path / "mixed")
    assert len(got) > 1000
    assert got == _postings(tmp_path / "every")
    # Each uid's one-posting block is small too (`BlockFieldWriter._write_one`).
    uids = _postings(tmp_path / "mixed", "uid")
    assert uids == {uid.encode(): [(d, 1.0)] for d, (uid, _text) in enumerate(texts)}
    assert uids == _postings(tmp_path / "every", "uid")


def test_pool_orders_postings_merged_out_of_order() -> None:
    """Postings merged in from other segments arrive out of docnum order; the pool sorts them."""
    from zebkb.search.whooshfield import CONTENT, InvertedPool

    pool = InvertedPool()
    pool.add_text(5, "ab")
    pool.add((CONTENT, b"ab", 2, 1.0, None))
    pool.add_text(9, "ab ab")
    [(field, term, docs, weights, values)] = list(pool.by_term())
    assert (field, term) == (CONTENT, b"ab")
    assert list(docs) == [2, 5, 9]
    assert list(weights) == [1.0, 1.0, 2.0]
    assert [tuple(p[2:4]) for p in pool.iter_postings()] == [(2, 1.0), (5, 1.0), (9, 2.0)]
    assert len(values) == 3


def test_pool_counts_variant_bigrams_as_the_whole_folded_text_has_them() -> None:
    """`add_text` counts only the folded text's new words; the postings are those of
    counting every bigram of the folded text and keeping the ones the text lacks."""
    from seed_corpus import insert_variants

    from zebkb.search.normalize import grams
    from zebkb.search.variants import load_variants
    from zebkb.search.whooshfield import CONTENT, VARIANT, InvertedPool

    records = make_records(150, seed=16)
    insert_variants(records, seed=16)
    table = load_variants(None)
    texts = [normalised_parts(doc_from_record(r))[2] for r in records]
    # Words that fold to one character, or to a word the text already has.
    texts += ["x サーバー サーバ", "ヴァ ー", "第三回と第3回 3ヶ所", "ab\nエレベーター"]
    pool = InvertedPool()
    expected: dict[tuple[int, str], int] = {}
    folded_any = 0
    for docnum, text in enumerate(texts):
        folded, script = table.fold_script(text)
        folded_any += folded != text
        # Every other text with the fold's edits (the build's way), the others without.
        pool.add_text(docnum, text, folded, script if docnum % 2 else None)
        counts = Counter(grams(text))
        in_folded = Counter(grams(folded))
        for g in in_folded.keys() - counts.keys():
            counts[VARIANT + g] = in_folded[g]
        expected.update(((docnum, g), f) for g, f in counts.items())
    assert folded_any > 100
    got = {
        (d, term.decode()): c
        for field, term, docs, weights, _v in pool.by_term()
        if field == CONTENT
        for d, c in zip(docs, weights, strict=True)
    }
    assert any(g.startswith(VARIANT) for _d, g in got)
    assert got == expected


@pytest.mark.parametrize("query", ['"zeb"', "zeb", "zeb 断熱", '"の" "図書館"', "ゼロカーボン"])
def test_totals_alone_look_for_the_terms_without_counting_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """The window's totals and facets (limit 0) rank nothing: whether each text holds a
    term is enough, not how often (a scan that stops at the first occurrence)."""
    docs = [doc_from_record(r) for r in make_records(300, seed=5)]
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild(docs, total=len(docs), state=1)
        page = ix.search(query, limit=20)
        counted = 0
        real = Columns.counts

        def counts(self: Columns, *args: object, **kwargs: object) -> list[int]:
            nonlocal counted
            counted += 1
            return real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Columns, "counts", counts)
        for offset in (0, 100):
            alone = ix.search(query, limit=0, offset=offset)
            assert (alone.total, alone.facets) == (page.total, page.facets)
            assert alone.hits == []
        assert page.total > 0
        assert counted == 0
    finally:
        ix.close()
