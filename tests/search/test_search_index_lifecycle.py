"""Index lifecycle: updates, state, rebuild with progress and cancel, damage recovery, one writer."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zebkb.search.documents import doc_from_record
from zebkb.search.engine import SearchIndex
from zebkb.search.lock import IndexBusyError, WriteLock

Record = Callable[..., dict[str, Any]]


def test_new_index_is_empty_with_unknown_state(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix")
    assert ix.indexed_state() is None
    assert ix.search("").total == 0
    assert ix.notice is None
    ix.close()


def test_update_adds_changes_and_removes(tmp_path: Path, make_record: Record) -> None:
    ix = SearchIndex(tmp_path / "ix")
    a = make_record(title="地中熱の事例")
    b = make_record(title="太陽光発電の事例")
    ix.rebuild([doc_from_record(a)], total=1, state=5)
    assert ix.indexed_state() == 5
    ix.update([doc_from_record(b)], [], state=6)
    assert ix.indexed_state() == 6
    assert {h.uid for h in ix.search("事例").hits} == {a["uid"], b["uid"]}
    ix.update([doc_from_record({**a, "title": "高断熱の事例"})], [b["uid"]], state=7)
    assert ix.search("地中熱").total == 0
    assert [h.uid for h in ix.search("高断熱").hits] == [a["uid"]]
    assert ix.search("太陽光").total == 0
    assert ix.problems() == []
    ix.close()
    # Another process (a fresh object) sees the same state.
    again = SearchIndex(tmp_path / "ix")
    assert again.indexed_state() == 7
    assert [h.uid for h in again.search("高断熱").hits] == [a["uid"]]
    again.close()


def test_a_second_handle_sees_changes_made_through_the_first(
    tmp_path: Path, make_record: Record
) -> None:
    writer = SearchIndex(tmp_path / "ix")
    reader = SearchIndex(tmp_path / "ix")
    assert reader.search("ZEB化").total == 0
    writer.update([doc_from_record(make_record(title="ZEB化の検討"))], [], state=2)
    assert reader.search("ZEB化").total == 1
    writer.rebuild([], total=0, state=3)
    assert reader.search("ZEB化").total == 0
    assert reader.indexed_state() == 3
    writer.close()
    reader.close()


def test_rebuild_reports_progress_and_swaps(tmp_path: Path, make_record: Record) -> None:
    ix = SearchIndex(tmp_path / "ix")
    docs = [doc_from_record(make_record(title=f"事例{i}")) for i in range(250)]
    seen: list[tuple[int, int]] = []
    assert ix.rebuild(iter(docs), total=250, state=9, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (250, 250)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert ix.search("事例").total == 250
    gens = [p.name for p in (tmp_path / "ix").iterdir() if p.name.startswith("gen-")]
    assert len(gens) == 1, "the old generation is removed"
    ix.close()


def test_cancelled_rebuild_keeps_the_old_index(tmp_path: Path, make_record: Record) -> None:
    ix = SearchIndex(tmp_path / "ix")
    old = make_record(title="旧い索引")
    ix.rebuild([doc_from_record(old)], total=1, state=1)
    docs = [doc_from_record(make_record(title=f"新しい{i}")) for i in range(300)]
    calls = iter(range(10**6))
    assert not ix.rebuild(docs, total=300, state=2, cancel=lambda: next(calls) >= 3)
    assert ix.indexed_state() == 1
    assert [h.uid for h in ix.search("旧い").hits] == [old["uid"]]
    assert ix.search("新しい").total == 0
    gens = [p.name for p in (tmp_path / "ix").iterdir() if p.name.startswith("gen-")]
    assert len(gens) == 1, "the cancelled generation is cleaned up"
    ix.close()


def _current_gen(folder: Path) -> Path:
    return folder / (folder / "CURRENT").read_text().strip()


@pytest.mark.parametrize(
    "damage",
    ["whoosh toc garbage", "whoosh folder gone", "side file garbage", "current garbage"],
)
def test_damaged_index_is_reset_with_a_notice(
    tmp_path: Path, make_record: Record, damage: str
) -> None:
    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    ix.rebuild([doc_from_record(make_record(title="清掃事務所"))], total=1, state=4)
    ix.close()
    gen = _current_gen(folder)
    if damage == "whoosh toc garbage":
        for toc in (gen / "whoosh").glob("_MAIN_*.toc"):
            toc.write_bytes(b"\x80\x04garbage")
    elif damage == "whoosh folder gone":
        for f in (gen / "whoosh").iterdir():
            f.unlink()
    elif damage == "side file garbage":
        (gen / "docs.sqlite").write_bytes(b"this is not a database" * 100)
        for extra in gen.glob("docs.sqlite-*"):
            extra.unlink()
    else:
        (folder / "CURRENT").write_bytes(b"\xff\xfe../../etc")
    recovered = SearchIndex(folder)
    assert recovered.notice is not None
    assert recovered.indexed_state() is None
    assert any("damaged" in p for p in recovered.problems())
    result = recovered.search("清掃")
    assert result.total == 0
    assert result.notice is not None
    # A rebuild brings it back and clears the notice.
    recovered.rebuild([doc_from_record(make_record(title="清掃事務所"))], total=1, state=5)
    assert recovered.search("清掃").total == 1
    assert recovered.notice is None
    assert recovered.problems() == []
    recovered.close()


@pytest.mark.parametrize(("key", "older"), [("schema_version", "0"), ("side_version", "6")])
def test_an_index_from_another_version_is_rebuilt_not_called_damaged(
    tmp_path: Path, make_record: Record, key: str, older: str
) -> None:
    """After an upgrade the index is rebuilt for this version and said so; it is not damaged,
    so nothing is kept aside as damaged (it is rebuilt from the database, nothing is lost)."""
    from zebkb.search.notices import NOTICE_INDEX_OTHER_VERSION

    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    ix.rebuild([doc_from_record(make_record(title="清掃事務所"))], total=1, state=4)
    ix._snapshot().side.set_meta(key, older)
    ix.close()
    gen = _current_gen(folder)
    before = sorted(p.name for p in folder.iterdir())
    # A read says so and moves nothing.
    reader = SearchIndex(folder)
    assert reader.notice == NOTICE_INDEX_OTHER_VERSION
    assert reader.indexed_state() is None
    assert reader.search("清掃").notice == NOTICE_INDEX_OTHER_VERSION
    problems = reader.problems()
    assert any("another version of zebkb" in p for p in problems), problems
    assert not any("damaged" in p for p in problems), problems
    assert sorted(p.name for p in folder.iterdir()) == before
    # The writer rebuilds it: the old generation goes, none is kept as damaged.
    reader.rebuild([doc_from_record(make_record(title="清掃事務所"))], total=1, state=5)
    assert reader.search("清掃").total == 1
    assert reader.notice is None
    assert reader.problems() == []
    assert not gen.exists()
    assert not list(folder.glob("damaged-*"))
    reader.close()


def test_a_writer_meeting_an_index_from_another_version_replaces_it_with_the_upgrade_notice(
    tmp_path: Path, make_record: Record
) -> None:
    from zebkb.search.notices import NOTICE_INDEX_OTHER_VERSION

    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    ix.rebuild([doc_from_record(make_record(title="清掃事務所"))], total=1, state=4)
    ix._snapshot().side.set_meta("side_version", "1")
    ix.close()
    gen = _current_gen(folder)
    writer = SearchIndex(folder)
    writer.update([doc_from_record(make_record(title="地中熱の事例"))], [], state=5)
    assert writer.notice == NOTICE_INDEX_OTHER_VERSION
    assert not any("damaged" in p for p in writer.problems())
    assert writer.search("地中熱").total == 1
    assert not gen.exists()
    assert not list(folder.glob("damaged-*"))
    writer.close()


def test_a_damaged_index_is_still_set_aside_as_damaged(tmp_path: Path, make_record: Record) -> None:
    from zebkb.search.notices import NOTICE_INDEX_RESET

    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    ix.rebuild([doc_from_record(make_record(title="清掃事務所"))], total=1, state=4)
    ix.close()
    gen = _current_gen(folder)
    for toc in (gen / "whoosh").glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x80\x04garbage")
    writer = SearchIndex(folder)
    writer.update([], [], state=5)
    assert writer.notice == NOTICE_INDEX_RESET
    assert [p.name for p in folder.glob(f"damaged-*-{gen.name}")]
    writer.close()


def test_writer_killed_mid_update_leaves_a_stale_index(tmp_path: Path, make_record: Record) -> None:
    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    ix.rebuild([doc_from_record(make_record(title="既存"))], total=1, state=1)
    ix.close()
    # A child process marks the index dirty, holds the write lock, and dies.
    code = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from zebkb.search.engine import SearchIndex
        ix = SearchIndex(Path({str(folder)!r}))
        lock = ix._lock()
        lock.__enter__()
        ix._snapshot().side.set_meta("state", None)
        os._exit(9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert proc.returncode == 9
    ix = SearchIndex(folder)
    assert ix.indexed_state() is None
    assert any("out of date" in p for p in ix.problems())
    assert ix.search("既存").notice is not None
    # The dead process's lock does not block the repair.
    ix.rebuild([doc_from_record(make_record(title="既存"))], total=1, state=2)
    assert ix.indexed_state() == 2
    assert ix.problems() == []
    ix.close()


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "write.lock"
    with WriteLock(path):
        with pytest.raises(IndexBusyError, match="another zebkb process"):
            WriteLock(path, timeout=0.2).acquire()
        assert path.read_text() == str(os.getpid())
    with WriteLock(path, timeout=0.2):
        pass


def test_duplicate_uids_in_a_rebuild_are_indexed_once(tmp_path: Path, make_record: Record) -> None:
    ix = SearchIndex(tmp_path / "ix")
    r = make_record(title="重複")
    ix.rebuild([doc_from_record(r), doc_from_record(r)], total=2, state=1)
    assert ix.search("重複").total == 1
    ix.update([doc_from_record(r), doc_from_record(r)], [r["uid"]], state=2)
    assert ix.search("重複").total == 1
    ix.close()


def test_a_read_of_a_missing_index_writes_nothing(tmp_path: Path, make_record: Record) -> None:
    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    # Every read answers "nothing yet, needs building" without creating anything.
    assert ix.indexed_state() is None
    assert ix.search("清掃").total == 0
    assert ix.search_uids("清掃") == []
    assert any("out of date" in p for p in ix.problems())
    assert not folder.exists()
    # The writer builds it.
    ix.update([doc_from_record(make_record(title="清掃事務所"))], [], state=1)
    assert ix.indexed_state() == 1
    assert ix.search("清掃").total == 1
    ix.close()


def test_a_read_leaves_a_damaged_generation_where_it_is_the_writer_sets_it_aside(
    tmp_path: Path, make_record: Record
) -> None:
    folder = tmp_path / "ix"
    ix = SearchIndex(folder)
    ix.rebuild([doc_from_record(make_record(title="清掃事務所"))], total=1, state=4)
    ix.close()
    gen = _current_gen(folder)
    for toc in (gen / "whoosh").glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x80\x04garbage")
    before = sorted(p.name for p in folder.iterdir())
    reader = SearchIndex(folder)
    assert reader.search("清掃").total == 0
    assert reader.indexed_state() is None
    assert any("damaged" in p for p in reader.problems())
    assert sorted(p.name for p in folder.iterdir()) == before
    assert _current_gen(folder) == gen
    reader.rebuild([doc_from_record(make_record(title="清掃事務所"))], total=1, state=5)
    assert reader.search("清掃").total == 1
    assert reader.problems() == []
    assert not gen.exists()
    assert [p.name for p in folder.glob(f"damaged-*-{gen.name}")]
    reader.close()


def test_a_read_opening_a_generation_as_another_process_swaps_it_out_opens_the_new_one(
    tmp_path: Path, make_record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reader can read CURRENT just before another process's rebuild writes a new one
    # and removes the old generation, and then open the old one half removed: it called
    # the index damaged (9 of 7,608 opens beside back-to-back rebuilds of 20 records).
    from zebkb.search import engine

    folder = tmp_path / "index"
    docs = [doc_from_record(make_record(title=f"記録 {i}")) for i in range(3)]
    writer = SearchIndex(folder)
    writer.rebuild(iter(docs[:2]), total=2, state=1)
    old = (folder / "CURRENT").read_text(encoding="utf-8")
    real = engine._Snapshot
    swapped: list[str] = []

    def swap_first(gen_dir: Path, variants: Any) -> Any:
        if gen_dir.name == old and not swapped:
            swapped.append(old)
            writer.rebuild(iter(docs), total=3, state=2)  # the other process, just now
        return real(gen_dir, variants)

    monkeypatch.setattr(engine, "_Snapshot", swap_first)
    reader = SearchIndex(folder)
    assert swapped == [old]
    assert reader.notice is None
    assert reader.problems() == []
    assert (reader.doc_count(), reader.indexed_state()) == (3, 2)
    assert not list(folder.glob("damaged-*"))
    reader.close()
    writer.close()
