"""What the side store (zebkb/search/sidestore.py) reads for a query's candidates:
rows counted, never timed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zebkb.search.documents import IndexDoc
from zebkb.search.sidestore import SideStore, info_from_doc, normalised_parts


def _store(path: Path, count: int) -> tuple[SideStore, list[str]]:
    side = SideStore(path, create=True)
    rows = []
    for i in range(count):
        doc = IndexDoc(
            uid=f"{i:032x}",
            kind="case",
            ward="131229",
            title=f"清掃事務所 {i}",
            fields={"body": "再生可能エネルギー"},
            rank=None,
            fiscal_year=2024,
            tags=("LED照明",) if i % 2 else (),
            floor_area_m2=None,
            updated_at="2024-10-21T00:00:00+00:00",
        )
        rows.append((doc, info_from_doc(doc, normalised_parts(doc)), ""))
    side.write_docs(rows)
    return side, [d.uid for d, _i, _s in rows]


def test_values_of_a_part_of_the_corpus_are_read_by_key(tmp_path: Path) -> None:
    """A broad query's candidates (more than 2,000, less than half of the records): only
    their rows are made into Python values, not every row of the table."""
    side, uids = _store(tmp_path / "docs.sqlite", 5000)
    try:
        wanted = uids[::3]  # 1,667: by key either way
        assert set(side.infos(wanted)) == set(wanted)
        assert side.rows_read == len(wanted)
        wanted = uids[1::2]  # 2,500 of 5,000
        side.rows_read = 0
        got = side.infos(wanted)
        assert set(got) == set(wanted)
        assert side.rows_read == len(wanted)
        assert got[uids[1]].tags == ("LED照明",)
        wanted = uids[:4000]  # most of the table: one pass over it
        side.rows_read = 0
        got = side.infos(wanted)
        assert set(got) == set(wanted)
        assert side.rows_read == len(uids)
        assert got[uids[0]].title == "清掃事務所0"  # normalised
    finally:
        side.close()


def test_texts_are_stored_in_two_bytes_a_character(tmp_path: Path) -> None:
    """UTF-16: Japanese decodes about four times faster than from UTF-8's three bytes."""
    side, uids = _store(tmp_path / "docs.sqlite", 3)
    try:
        (size,) = side.db.execute("SELECT length(text_n) FROM texts WHERE uid = ?", uids[1:2])
        text, _script, _pairs = side.texts(uids[1:2])[uids[1]]
        assert text.startswith("清掃事務所1\n")
        assert size[0] == 2 * len(text)
        assert [(u, t) for u, t, _s in side.all_texts() if u == uids[1]] == [(uids[1], text)]
    finally:
        side.close()


def test_tags_are_read_without_decoding_json(tmp_path: Path) -> None:
    """A broad query reads thousands of documents' tags: joined by a control character,
    they are split, not decoded as JSON; any tag comes back as it was given."""
    side = SideStore(tmp_path / "docs.sqlite", create=True)
    try:
        tags = ("LED照明", '["BEMS"]', "a, b")
        doc = IndexDoc(
            uid="0" * 32,
            kind="case",
            ward="131229",
            title="清掃事務所",
            fields={},
            rank=None,
            fiscal_year=None,
            tags=tags,
            floor_area_m2=None,
            updated_at="2024-10-21T00:00:00+00:00",
        )
        bare = replace(doc, uid="1" * 32, tags=())
        side.write_docs((d, info_from_doc(d, normalised_parts(d)), "") for d in (doc, bare))
        stored = dict(side.db.execute("SELECT uid, tags FROM docs"))
        assert stored == {doc.uid: 'LED照明\x1f["BEMS"]\x1fa, b', bare.uid: ""}
        infos = side.infos([doc.uid, bare.uid])
        assert (infos[doc.uid].tags, infos[bare.uid].tags) == (tags, ())
        assert {d.uid: d.tags for d in side.index_docs()} == {doc.uid: tags, bare.uid: ()}
    finally:
        side.close()


def test_a_typical_text_is_read_from_one_page_without_its_original(tmp_path: Path) -> None:
    """A text of about a thousand characters (2 KB in UTF-16, the seed corpus's mean) lies
    whole in its row's page: the original fields (as long again, in UTF-8) are kept in
    their own table, so reading a query's thousands of texts follows no overflow pages."""
    side = SideStore(tmp_path / "docs.sqlite", create=True)
    try:
        rows = []
        for i in range(50):
            doc = IndexDoc(
                uid=f"{i:032x}",
                kind="case",
                ward="131229",
                title=f"清掃事務所 {i}",
                fields={"body": "再生可能エネルギーの導入と省エネルギー改修。" * 45},
                rank=None,
                fiscal_year=2024,
                tags=(),
                floor_area_m2=None,
                updated_at="2024-10-21T00:00:00+00:00",
            )
            rows.append((doc, info_from_doc(doc, normalised_parts(doc)), ""))
        side.write_docs(rows)
        assert 900 < rows[0][1].length < 1100
        pages = dict(
            side.db.execute(
                "SELECT name, sum(pagetype = 'overflow') FROM dbstat"
                " WHERE name IN ('texts', 'originals') GROUP BY name"
            ).fetchall()
        )
        assert pages["texts"] == 0
        assert "original" not in {c[1] for c in side.db.execute("PRAGMA table_info(texts)")}
        uid = rows[7][0].uid
        assert side.originals([uid])[uid]["body"] == rows[7][0].fields["body"]
        assert side.texts([uid])[uid][0] == rows[7][1].text
        assert [d.fields for d in side.index_docs() if d.uid == uid] == [rows[7][0].fields]
        side.delete_docs([uid])
        assert side.originals([uid]) == {}
        assert side.texts([uid]) == {}
    finally:
        side.close()


def test_originals_are_stored_compressed_and_read_back_whole(tmp_path: Path) -> None:
    """Originals, over half the side file before, are kept compressed: a page of hits and a
    rebuild read back the fields as given, and damaged bytes are refused as a damaged JSON
    text is (ValueError), not as zlib's own error."""
    side, uids = _store(tmp_path / "docs.sqlite", 3)
    try:
        body = "".join(
            f"第{i}回 勉強会では省エネルギー改修と再エネの導入を話し合った。" for i in range(60)
        )
        doc = replace(
            next(side.index_docs()), uid="f" * 32, fields={"body": body, "place": "区役所"}
        )
        side.write_docs([(doc, info_from_doc(doc, normalised_parts(doc)), "")])
        (stored,) = side.db.execute(
            "SELECT original FROM originals WHERE uid = ?", (doc.uid,)
        ).fetchone()
        assert isinstance(stored, bytes)
        as_json = json.dumps({"title": doc.title, **doc.fields}, ensure_ascii=False)
        assert len(stored) * 2 < len(as_json.encode("utf-8"))
        assert side.originals([doc.uid])[doc.uid] == {"title": doc.title, **doc.fields}
        again = {d.uid: d for d in side.index_docs()}
        assert again[doc.uid] == doc
        assert set(again) == {*uids, doc.uid}
        side.db.execute(
            "UPDATE originals SET original = ? WHERE uid = ?", (stored[:-9] + b"xx", doc.uid)
        )
        with pytest.raises(ValueError, match="damaged original"):
            side.originals([doc.uid])
    finally:
        side.close()


@given(st.binary(max_size=40))
def test_a_stored_text_decodes_as_bytes_decode_does_or_is_refused_alike(stored: bytes) -> None:
    """The side store's own UTF-16 decoding gives what `bytes.decode` gives, and refuses what
    it refuses (a damaged text: an odd byte at the end, a lone surrogate)."""
    from zebkb.search.sidestore import _decode_text

    try:
        expected: str | None = stored.decode("utf-16-le")
    except UnicodeDecodeError:
        expected = None
    if expected is None:
        with pytest.raises(UnicodeDecodeError):
            _decode_text(stored)
    else:
        assert _decode_text(stored) == expected
