"""The search path's own reader of the word index (zebkb/search/segments.py) reads what
Whoosh's reader reads: every term's postings, counts and document frequency, each
segment's documents and deletions, through builds, updates, merges and deletions;
and a damaged file is refused as an index error, never read as something else."""

from __future__ import annotations

import pickle
import struct
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from seed_corpus import corpus_docs

from zebkb.search import engine, segments
from zebkb.search.documents import IndexDoc
from zebkb.search.engine import SearchIndex
from zebkb.search.segments import CONTENT, IndexFormatError, IndexReader


def _whoosh_dir(folder: Path) -> Path:
    return folder / (folder / "CURRENT").read_text().strip() / "whoosh"


def _whoosh_postings(leaf: Any, tbytes: bytes, fmt: Any) -> tuple[list[int], list[int]]:
    """A content term's docnums and counts as Whoosh's matcher reads them, one by one."""
    m = leaf._terms.matcher(CONTENT, tbytes, fmt)
    ids, counts = [], []
    while m.is_active():
        ids.append(m.id())
        counts.append(int(m.weight()))
        m.next()
    return ids, counts


def assert_reads_as_whoosh(folder: Path) -> int:
    """Compare our reader with Whoosh's on the index folder `folder`; the terms compared."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(folder))
    reader = ix.reader()
    ours = IndexReader(folder)
    compared = 0
    try:
        fmt = ix.schema[CONTENT].format
        assert ours.generation == reader.generation()
        assert ours.doc_count_all() == reader.doc_count_all()
        assert ours.doc_count() == reader.doc_count()
        leaves = list(reader.leaf_readers())
        assert len(ours.leaves) == len([leaf for leaf, _ in leaves if leaf.doc_count_all()])
        for (segment, base), (leaf, leaf_base) in zip(ours.leaves, leaves, strict=True):
            assert base == leaf_base
            assert segment.id == leaf.segment().segment_id()
            assert segment.doc_count_all == leaf.doc_count_all()
            assert segment.deleted == set(leaf.segment().deleted_docs())
            for field, tbytes in leaf.all_terms():
                if field != CONTENT:
                    continue
                ids, counts = _whoosh_postings(leaf, tbytes, fmt)
                assert segment.read(tbytes, counts=True) == (ids, counts), tbytes
                assert segment.read(tbytes, 5, counts=False) == ([d + 5 for d in ids], [])
                assert segment.doc_frequency(tbytes) == leaf.doc_frequency(field, tbytes)
                compared += 1
            # Terms it lacks, and another field's terms, are not content terms.
            assert segment.read("存在しない語".encode(), counts=True) == ([], [])
            assert segment.doc_frequency(b"") == 0
        for field, tbytes in reader.all_terms():
            if field == CONTENT:
                assert ours.doc_frequency(tbytes) == reader.doc_frequency(field, tbytes)
    finally:
        ours.close()
        reader.close()
    return compared


def _edit(d: IndexDoc, n: int) -> IndexDoc:
    return replace(d, title=f"{d.title} 改訂{n}", fields={**d.fields, "body": f"第{n}版 ZEB"})


@pytest.mark.slow
def test_reads_as_whoosh_through_builds_updates_merges_and_deletions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = corpus_docs(200, seed=5)
    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    try:
        ix.rebuild(docs[:80], total=80, state=1)
        assert assert_reads_as_whoosh(_whoosh_dir(folder)) > 1000
        # Small updates each add a segment, delete the old versions, and merge as they pile up.
        monkeypatch.setattr(engine, "BULK_MIN", 10**9)
        seen = set()
        for n in range(8):
            added = docs[80 + 10 * n : 90 + 10 * n]
            changed = [_edit(d, n) for d in docs[n * 7 : n * 7 + 3]]
            removed = [docs[70 + n].uid]
            ix.update(added + changed, removed, state=2 + n)
            snap = ix._snapshot()
            seen.add(len(snap.index.segments))
            assert snap.deleted  # old versions are deleted, not yet merged away
            if n in (1, 2, 5):  # (Whoosh's reader is slow to compare every term with)
                assert_reads_as_whoosh(_whoosh_dir(folder))
        assert max(seen) > 2  # several segments at once
        assert min(seen) < max(seen)  # and merged
        # A large update rebuilds aside: one segment again.
        monkeypatch.setattr(engine, "BULK_MIN", 10)
        ix.update([_edit(d, 99) for d in docs[:120]], [], state=20)
        assert len(ix._snapshot().index.segments) == 1
        assert_reads_as_whoosh(_whoosh_dir(folder))
    finally:
        ix.close()


def _write_with_whoosh(folder: Path, texts: list[str], **writer: Any) -> None:
    """An index written by Whoosh with other settings than zebkb's (a codec's block size,
    separate segment files)."""
    from whoosh import index as whoosh_index

    from zebkb.search.whooshfield import make_schema

    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    w = ix.writer(**writer)
    for i, text in enumerate(texts):
        w.add_document(uid=f"u{i}", content=text)
    w.commit(merge=False)
    ix.close()


@pytest.mark.parametrize(
    "settings",
    ["small blocks", "separate files"],
)
def test_reads_other_layouts_whoosh_writes(tmp_path: Path, settings: str) -> None:
    from zebkb.search.whooshfield import NoLenW3Codec

    texts = [d.title + d.fields.get("body", "")[:200] for d in corpus_docs(60, seed=3)]
    texts += ["ゼブゼブゼブ"] * 30  # weights other than 1, in many blocks
    folder = tmp_path / "w"
    if settings == "small blocks":
        _write_with_whoosh(folder, texts, codec=NoLenW3Codec(blocklimit=4))
    else:
        _write_with_whoosh(folder, texts, codec=NoLenW3Codec(blocklimit=8), compound=False)
    assert any(folder.glob("*.seg")) != (settings == "separate files")
    assert assert_reads_as_whoosh(folder) > 100
    ours = IndexReader(folder)
    try:
        [(segment, _base)] = ours.leaves
        docs, counts = segment.read("ゼブ".encode(), counts=True)
        assert docs == list(range(60, 90))
        assert set(counts) == {3}
    finally:
        ours.close()


# ----- damaged files


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A small index's Whoosh folder."""
    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    ix.rebuild(corpus_docs(30, seed=2), total=30, state=1)
    ix.close()
    return _whoosh_dir(folder)


def _toc(folder: Path) -> Path:
    [toc] = folder.glob("_MAIN_*.toc")
    return toc


def _seg(folder: Path) -> Path:
    [seg] = folder.glob("*.seg")
    return seg


def _cut(path: Path, size: int) -> None:
    path.write_bytes(path.read_bytes()[:size])


def _after_schema(data: bytes) -> int:
    """Where a table of contents' schema ends: after 3 varints, 2 ints, 3 varints and the
    schema itself (a varint length and its bytes)."""
    pos = 3 + 8 + 3
    length = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    return pos + length


def _toc_with_segments(toc: Path, segments_pickle: bytes) -> None:
    """The table of contents with its pickled segment list replaced."""
    data = toc.read_bytes()
    pos = _after_schema(data) + 8  # the generation and an unused int
    toc.write_bytes(data[:pos] + segments_pickle)


class _Evil:
    def __reduce__(self) -> tuple[Any, ...]:
        import os

        return (os.system, ("touch pwned",))


DAMAGE = {
    "toc garbage": lambda f: _toc(f).write_bytes(b"\x80\x04garbage"),
    "toc empty": lambda f: _toc(f).write_bytes(b""),
    "toc cut short": lambda f: _cut(_toc(f), 40),
    "toc cut in its segments": lambda f: _cut(_toc(f), len(_toc(f).read_bytes()) - 30),
    "toc from another byte order": lambda f: _toc(f).write_bytes(
        _toc(f).read_bytes()[:3] + struct.pack("<i", -12345) + _toc(f).read_bytes()[7:]
    ),
    "toc of another format": lambda f: _toc(f).write_bytes(
        _toc(f).read_bytes()[:7] + struct.pack(">i", -110) + _toc(f).read_bytes()[11:]
    ),
    "toc renamed to another generation": lambda f: _toc(f).rename(f / "_MAIN_7.toc"),
    "toc naming a class to run": lambda f: _toc_with_segments(_toc(f), pickle.dumps([_Evil()])),
    "toc listing no segments": lambda f: _toc_with_segments(_toc(f), pickle.dumps({"a": 1})),
    "toc with damaged deletions": lambda f: _toc_with_segments(
        _toc(f), _toc(f).read_bytes().split(b"_deleted")[0]
    ),
    "no toc": lambda f: _toc(f).unlink(),
    "segment file gone": lambda f: _seg(f).unlink(),
    "segment file empty": lambda f: _cut(_seg(f), 0),
    "segment file cut short": lambda f: _cut(_seg(f), len(_seg(f).read_bytes()) // 2),
    "segment file cut in its directory": lambda f: _cut(_seg(f), len(_seg(f).read_bytes()) - 20),
    "segment directory garbage": lambda f: _seg(f).write_bytes(
        struct.pack(">qi", 12, 5) + b"garbage" * 20
    ),
    "segment directory beyond the end": lambda f: _seg(f).write_bytes(
        struct.pack(">qi", 10**9, 5) + _seg(f).read_bytes()[12:]
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_index_is_refused_as_such(
    built: Path, damage: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    DAMAGE[damage](built)
    with pytest.raises((IndexFormatError, OSError)):
        IndexReader(built).close()
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("damage", ["toc garbage", "segment file cut short", "no toc"])
def test_a_damaged_word_index_is_a_damaged_notice_not_a_traceback(
    tmp_path: Path, damage: str
) -> None:
    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    ix.rebuild(corpus_docs(30, seed=2), total=30, state=1)
    ix.close()
    DAMAGE[damage](_whoosh_dir(folder))
    opened = SearchIndex(folder)
    try:
        assert opened.notice is not None
        [damaged] = [p for p in opened.problems() if "damaged" in p]
        # Said in words, not as an exception's name, in both languages.
        assert "Error" not in damaged.text("en")
        assert "壊れています" in damaged.text("ja")
        assert opened.search("清掃").total == 0
    finally:
        opened.close()


def _term_table(folder: Path) -> tuple[Path, int, int]:
    """The compound file, and where its term table starts and ends."""
    seg = _seg(folder)
    data = seg.read_bytes()
    (dirpos,) = struct.unpack(">q", data[:8])
    directory = pickle.loads(data[dirpos:])
    [entry] = [v for k, v in directory.items() if k.endswith(".trm")]
    return seg, entry["offset"], entry["offset"] + entry["length"]


def _overwrite(path: Path, at: int, data: bytes) -> None:
    whole = bytearray(path.read_bytes())
    whole[at : at + len(data)] = data
    path.write_bytes(bytes(whole))


def test_a_damaged_term_table_is_refused(built: Path) -> None:
    seg, start, end = _term_table(built)
    _overwrite(seg, start, b"XXXX")  # its header
    with pytest.raises(IndexFormatError):
        IndexReader(built).close()
    _overwrite(seg, start, b"HSH3\x07")  # an unknown hash
    with pytest.raises(IndexFormatError):
        IndexReader(built).close()
    _overwrite(seg, start, b"HSH3\x00")
    _overwrite(seg, end - 4, struct.pack(">i", 10**8))  # extras longer than the table
    with pytest.raises(IndexFormatError):
        IndexReader(built).close()


def test_damaged_postings_are_refused_when_read(built: Path) -> None:
    ours = IndexReader(built)
    [(segment, _base)] = ours.leaves
    term = "清掃".encode()
    docs, _counts = segment.read(term, counts=True)
    assert docs
    ours.close()
    # Every byte of the term's posting list, in turn, changed: read as it was, or refused.
    seg = _seg(built)
    original = seg.read_bytes()
    pst = next(
        v
        for k, v in pickle.loads(original[struct.unpack(">q", original[:8])[0] :]).items()
        if k.endswith(".pst")
    )
    ours = IndexReader(built)
    info = ours.segments[0]._info(term)
    ours.close()
    assert info is not None
    offset, length = struct.unpack_from(">qi", original, pst["offset"] + info[1] + 23)
    at = pst["offset"] + offset
    for i in range(length):
        for value in (0x00, 0xFF, original[at + i] ^ 0x01):
            damaged = bytearray(original)
            damaged[at + i] = value
            seg.write_bytes(bytes(damaged))
            ours = IndexReader(built)
            try:
                got = ours.segments[0].read(term, counts=True)
            except IndexFormatError:
                continue
            finally:
                ours.close()
            assert all(isinstance(d, int) for d in got[0])
    seg.write_bytes(original)


def test_a_segment_removed_by_a_writer_meanwhile_is_read_from_the_newer_contents(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seg, toc = _seg(built), _toc(built)
    away = seg.with_suffix(".away")
    read_toc = segments.read_toc
    calls = []

    def racing(folder: Path, generation: int) -> list[Any]:
        calls.append(generation)
        if len(calls) == 1:
            # Between our reading the table of contents and the segment, a writer writes a
            # newer one and removes the segment the older one lists.
            listed = read_toc(folder, generation)
            newer = built / "_MAIN_9.toc"
            newer.write_bytes(toc.read_bytes())
            _renumber(newer, generation, 9)
            toc.unlink()
            seg.rename(away)
            return listed
        away.rename(seg)  # (the newer table's segment)
        return read_toc(folder, generation)

    monkeypatch.setattr(segments, "read_toc", racing)
    ours = IndexReader(built)
    try:
        assert calls == [1, 9]
        assert ours.generation == 9
        assert ours.doc_count() == 30
    finally:
        ours.close()


def _renumber(toc: Path, old: int, new: int) -> None:
    """Give a table of contents another generation number (the int after the schema)."""
    data = toc.read_bytes()
    pos = _after_schema(data)
    assert struct.unpack(">i", data[pos : pos + 4]) == (old,)
    toc.write_bytes(data[:pos] + struct.pack(">i", new) + data[pos + 4 :])


def test_an_update_keeps_the_segments_it_left_unchanged_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BULK_MIN", 10**9)
    docs = corpus_docs(50, seed=14)
    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.update(docs[:20], [], state=1)
        ix.update(docs[20:40], [], state=2)
        first, second = ix._snapshot().index.segments
        ix.update(docs[40:45], [], state=3)  # new records only
        segments = ix._snapshot().index.segments
        assert len(segments) == 3
        assert segments[0] is first
        assert segments[1] is second
        ix.update([_edit(docs[0], 1)], [], state=4)  # its old version is in the first
        segments = ix._snapshot().index.segments
        assert len(segments) == 4
        assert segments[0] is not first
        assert not first._maps  # closed
        assert segments[1] is second
        assert second._maps
        assert ix.search_uids("改訂1") == [docs[0].uid]
        assert_reads_as_whoosh(_whoosh_dir(tmp_path / "ix"))
    finally:
        ix.close()
