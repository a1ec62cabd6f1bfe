"""Generations left behind by killed builds are removed by the next build; one built
aside for a coming commit is left alone until it is adopted or dropped."""

from __future__ import annotations

from pathlib import Path

from seed_corpus import corpus_docs

from zebkb.search.engine import SearchIndex


def _generations(index_dir: Path) -> set[str]:
    return {p.name for p in index_dir.glob("gen-*")}


def test_a_build_removes_the_generation_a_killed_build_left(tmp_path: Path) -> None:
    docs = corpus_docs(40, seed=6)
    index_dir = tmp_path / "index"
    ix = SearchIndex(index_dir)
    ix.rebuild(docs[:20], total=20, state=1)
    # A build killed before its swap: the generation is written, never made current.
    with ix._mutex, ix._lock():
        built = ix._build(docs, total=40, state=2)
    assert built is not None
    left = built[0]
    assert left in _generations(index_dir)
    ix.rebuild(docs, total=40, state=3)
    assert left not in _generations(index_dir)
    assert len(_generations(index_dir)) == 1
    assert ix.search_uids(f'"{docs[30].title}"')[:1] == [docs[30].uid]
    ix.close()


def test_a_generation_built_aside_survives_another_writers_build_until_dropped(
    tmp_path: Path,
) -> None:
    docs = corpus_docs(40, seed=8)
    index_dir = tmp_path / "index"
    importer = SearchIndex(index_dir)
    importer.rebuild(docs[:20], total=20, state=1)
    aside = importer.build_aside(docs[20:], set(), state=2)
    other = SearchIndex(index_dir)
    # A cancelled rebuild leaves the index where it was, so the aside can still be shown.
    assert not other.rebuild(docs[:20], total=20, state=1, cancel=lambda: True)
    assert aside.name in _generations(index_dir)
    assert importer.adopt(aside, state=2)
    assert importer.search_uids(f'"{docs[35].title}"')[:1] == [docs[35].uid]

    aside = importer.build_aside(docs[:10], set(), state=3)
    other.rebuild(docs[:20], total=20, state=4)
    assert aside.name in _generations(index_dir)
    # Its process ended (or dropped it without a word): the next build sweeps it.
    assert aside.hold is not None
    aside.hold.release()
    other.rebuild(docs[:20], total=20, state=5)
    assert aside.name not in _generations(index_dir)
    assert not importer.adopt(aside)  # the index moved on
    importer.close()
    other.close()
