"""A full build's side store is written once, without a log growing beside it, and
ends durable and in WAL mode like every other write's."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from seed_corpus import corpus_docs

from zebkb.search import engine
from zebkb.search.engine import SIDE_FILE, SearchIndex
from zebkb.search.sidestore import SideStore


def test_a_build_grows_no_log_beside_its_side_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = corpus_docs(1200, seed=3)
    logs: list[int] = []
    write_docs = SideStore.write_docs

    def watched(self: SideStore, rows: object) -> None:
        write_docs(self, rows)  # type: ignore[arg-type]
        for suffix in ("-wal", "-journal"):
            extra = self.path.with_name(self.path.name + suffix)
            logs.append(extra.stat().st_size if extra.exists() else 0)

    monkeypatch.setattr(SideStore, "write_docs", watched)
    ix = SearchIndex(tmp_path / "index")
    ix.rebuild(docs, total=len(docs), state=1)
    assert len(logs) >= 6  # three batches of rows, each looked at
    assert max(logs) == 0, logs
    assert ix.search_uids(f'"{docs[700].title}"')[:1] == [docs[700].uid]
    ix.close()


def test_a_built_side_store_is_synced_and_in_wal_mode_before_it_is_swapped_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = corpus_docs(30, seed=4)
    synced: list[int] = []  # the inodes of the files synced so far
    before_current: list[list[int]] = []
    fsync = os.fsync

    def noted_fsync(fd: int) -> None:
        synced.append(os.fstat(fd).st_ino)
        fsync(fd)

    write_current = engine._write_current

    def noted_current(index_dir: Path, name: str) -> None:
        before_current.append(list(synced))
        write_current(index_dir, name)

    monkeypatch.setattr(os, "fsync", noted_fsync)
    monkeypatch.setattr(engine, "_write_current", noted_current)
    ix = SearchIndex(tmp_path / "index")
    ix.rebuild(docs, total=len(docs), state=1)
    ix.close()
    (gen,) = (tmp_path / "index").glob("gen-*")
    assert (gen / SIDE_FILE).stat().st_ino in before_current[-1]
    db = sqlite3.connect(gen / SIDE_FILE)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 30
    finally:
        db.close()
