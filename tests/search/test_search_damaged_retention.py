"""A damaged generation set aside is kept for diagnosis, but only the newest one: each is
as large as the index, and keeping every one filled the disk of a PC that met damage often."""

from __future__ import annotations

from pathlib import Path

from seed_corpus import corpus_docs

from zebkb.search.engine import SearchIndex


def _damage_current(folder: Path) -> str:
    name = (folder / "CURRENT").read_text().strip()
    tocs = list((folder / name / "whoosh").glob("_MAIN_*.toc"))
    assert tocs
    for toc in tocs:
        toc.write_bytes(b"\x80\x04garbage")
    return name


def _damaged(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("damaged-*"))


def test_only_the_newest_damaged_generation_is_kept(tmp_path: Path) -> None:
    docs = corpus_docs(30, seed=3)
    folder = tmp_path / "index"
    ix = SearchIndex(folder)
    ix.rebuild(docs, total=30, state=1)
    ix.close()
    set_aside = []
    for state in (2, 3, 4):
        set_aside.append(_damage_current(folder))
        writer = SearchIndex(folder)
        writer.rebuild(docs, total=30, state=state)
        writer.close()
    damaged = _damaged(folder)
    assert len(damaged) == 1, damaged
    assert damaged[0].endswith(f"-{set_aside[-1]}")
    ix = SearchIndex(folder)
    assert ix.indexed_state() == 4
    assert ix.problems() == []
    assert ix.search_uids(f'"{docs[12].title}"')[:1] == [docs[12].uid]
    ix.close()


def test_an_update_setting_damage_aside_keeps_only_its_own(tmp_path: Path) -> None:
    docs = corpus_docs(20, seed=4)
    folder = tmp_path / "index"
    ix = SearchIndex(folder)
    ix.rebuild(docs[:10], total=10, state=1)
    ix.close()
    first = _damage_current(folder)
    writer = SearchIndex(folder)
    writer.update(docs[:10], [], state=2)
    writer.close()
    second = _damage_current(folder)
    writer = SearchIndex(folder)
    writer.update(docs[10:], [], state=3)
    damaged = _damaged(folder)
    assert len(damaged) == 1, (first, damaged)
    assert damaged[0].endswith(f"-{second}")
    assert writer.search_uids(f'"{docs[15].title}"')[:1] == [docs[15].uid]
    writer.close()


def test_older_damaged_folders_already_there_go_at_the_next_build(tmp_path: Path) -> None:
    docs = corpus_docs(10, seed=5)
    folder = tmp_path / "index"
    ix = SearchIndex(folder)
    ix.rebuild(docs, total=10, state=1)
    # Left by an earlier version, which kept them all.
    for name in (
        "damaged-20250101-090000-gen-1735700000000000000",
        "damaged-20250301-090000-gen-1740800000000000000",
        "damaged-20250201-090000-gen-1738400000000000000",
    ):
        (folder / name / "whoosh").mkdir(parents=True)
    ix.rebuild(docs, total=10, state=2)
    assert _damaged(folder) == ["damaged-20250301-090000-gen-1740800000000000000"]
    assert ix.search_uids(f'"{docs[3].title}"')[:1] == [docs[3].uid]
    ix.close()
