"""What the side store (zebkb/search/sidestore.py) reads for a query's candidates:
rows counted, never timed."""

from __future__ import annotations

from pathlib import Path

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
        text, _folded = side.texts(uids[1:2])[uids[1]]
        assert text.startswith("清掃事務所1\n")
        assert size[0] == 2 * len(text)
        assert [(u, t) for u, t, _s in side.all_texts() if u == uids[1]] == [(uids[1], text)]
    finally:
        side.close()
