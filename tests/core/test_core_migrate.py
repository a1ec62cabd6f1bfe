"""``zebkb migrate``: a knowledge base moves to another engine with everything kept.

Every table is compared row for row between source and target (records,
every version, tombstones, conflicts, exchange logs, trusted keys,
settings), attachment files byte for byte, and the target passes ``check``.
A target that is not empty is refused; a failure half-way leaves no target.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import zebkb_bundle_kit as kit
from sqlalchemy import select
from zebkb_testing import case_record

from zebkb.cli.main import main
from zebkb.errors import InputError
from zebkb.service import KnowledgeBase
from zebkb.service.exchange import export_bundle, import_bundle, list_conflicts
from zebkb.service.keys import trust_key
from zebkb.service.move import move_to_postgres, move_to_sqlite
from zebkb.store import copy as store_copy
from zebkb.store.team import write_database_url


def edit(kb: KnowledgeBase, uid: str, **changes: Any) -> dict[str, Any]:
    record = kb.require(uid)
    return kb.save({**record, **changes}, expected_revision=record["revision"])


def fill(kb: KnowledgeBase, tmp_path: Path, clock: Any) -> None:
    """A knowledge base with something in every table: versions, tombstones, a conflict…"""
    clock.advance(days=400)  # past the demo records' own times, so bundles carry them
    kb.load_demo()
    case = kb.save(
        {
            "type": "case",
            "title": "清掃事務所のZEB化",
            "ward": kit.KATSUSHIKA,
            "facility_name": "清掃事務所",
            "project_type": "new",
        }
    )
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(os.urandom(30_000))
    kb.add_attachment(case["uid"], photo, caption="外観")
    with KnowledgeBase.open(tmp_path / "shinagawa", clock=clock) as other:
        other.set_home_ward(kit.SHINAGAWA)
        import_bundle(other, export_bundle(kb, tmp_path / "1.zebkb").paths[0])
        clock.advance(minutes=1)
        edit(kb, case["uid"], title="葛飾区の編集")
        clock.advance(minutes=1)
        edit(other, case["uid"], title="品川区の編集")
        import_bundle(kb, export_bundle(other, tmp_path / "2.zebkb").paths[0])
        trust_key(kb, other_key(other), kit.SHINAGAWA, note="電話で確認")
    assert len(list_conflicts(kb)) == 1
    gone = kb.list_records()[-1].uid  # an old demo record, not the conflicted case
    kb.delete(gone)


def other_key(other: KnowledgeBase) -> str:
    from zebkb.keys import own_key

    return own_key(other.data_dir).public_key


def dump(kb: KnowledgeBase) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (meta without the engine's own rows), in key order."""
    with kb.read_engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(store_copy._rows_query(table))]
            for table in store_copy.tables()
        }


def files(kb: KnowledgeBase) -> dict[str, bytes]:
    return {digest: path.read_bytes() for digest, path in kb.files.iter_files()}


def test_everything_moves_to_a_new_sqlite_folder(kb, tmp_path, clock) -> None:
    fill(kb, tmp_path, clock)
    (kb.data_dir / "search-variants.txt").write_text("ゼブ ZEB\n", encoding="utf-8")
    before = dump(kb)
    assert all(before[name] for name in ("record", "history", "conflict", "import_log", "tag"))
    seen: list[str] = []
    summary = move_to_sqlite(
        kb, tmp_path / "moved", progress=lambda step, _done, _total: seen.append(step)
    )
    assert summary.problems == []
    assert {"files", "rows", "index"} <= set(seen)
    assert summary.counts == {name: len(rows) for name, rows in before.items()}
    assert summary.live_records == kb.count()
    with KnowledgeBase.open(tmp_path / "moved") as moved:
        assert dump(moved) == before
        assert files(moved) == files(kb)
        assert moved.check() == []
        assert moved.home_ward == kb.home_ward
        assert [c.uid for c in list_conflicts(moved)] == [c.uid for c in list_conflicts(kb)]
        hit = moved.search("品川区の編集").hits
        assert [h.title for h in hit] == ["品川区の編集"]
        # The signing key and the user's own files came along.
        assert (tmp_path / "moved" / "search-variants.txt").read_text(encoding="utf-8")
        assert other_key(moved) == other_key(kb)
        # The target keeps working: a new version gets the next history id.
        uid = moved.list_records()[0].uid
        edit(moved, uid, title="移行後の編集")
        assert moved.history(uid)[-1].record["title"] == "移行後の編集"
    assert dump(kb) == before  # the source is left as it was


def test_a_target_that_is_not_empty_is_refused_and_left_alone(kb, tmp_path) -> None:
    kb.load_demo()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "家計簿.xlsx").write_bytes(b"x")
    with pytest.raises(InputError, match="not empty"):
        move_to_sqlite(kb, busy)
    assert [p.name for p in busy.iterdir()] == ["家計簿.xlsx"]
    with pytest.raises(InputError, match="this knowledge base itself"):
        move_to_sqlite(kb, kb.data_dir)


def test_a_failure_half_way_leaves_no_target(kb, tmp_path, monkeypatch) -> None:
    kb.load_demo()
    real = store_copy.copy_tables

    def failing(source, target, *, progress=None):
        def once_halfway(done: int, total: int) -> None:
            if done and done < total:
                raise OSError(28, "No space left on device")

        return real(source, target, progress=once_halfway)

    monkeypatch.setattr(store_copy, "copy_tables", failing)
    monkeypatch.setattr(store_copy, "BATCH", 50)
    with pytest.raises(OSError, match="No space"):
        move_to_sqlite(kb, tmp_path / "moved")
    assert not (tmp_path / "moved").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(OSError, match="No space"):
        move_to_sqlite(kb, empty)
    assert list(empty.iterdir()) == []


def test_the_command_prints_a_summary_and_exit_3_for_a_busy_target(tmp_path, capsys) -> None:
    data, target = tmp_path / "kb", tmp_path / "moved"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    assert main(["--data-dir", str(data), "demo"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "migrate", "--to-sqlite", str(target), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["records"] == 28
    assert report["rows"]["history"] == 28
    assert main(["--data-dir", str(target), "check"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "migrate", "--to-sqlite", str(target)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not empty" in err
    with pytest.raises(SystemExit) as usage:
        main(["--data-dir", str(data), "migrate"])
    assert usage.value.code == 2


def test_copy_reads_in_batches(kb, monkeypatch) -> None:
    kb.load_demo()
    monkeypatch.setattr(store_copy, "BATCH", 7)
    with kb.read_engine.connect() as conn:
        record = next(t for t in store_copy.tables() if t.name == "record")
        sizes = [len(part) for part in store_copy._batches(conn, record)]
        assert sizes == [7, 7, 7, 7]
        assert conn.execute(select(record.c.uid)).all()


@pytest.mark.parametrize("engine_name", ["sqlite"])  # a folder of its own moves in
def test_a_round_trip_through_postgresql_keeps_every_row_and_file(
    kb, tmp_path, clock, pg_url
) -> None:
    fill(kb, tmp_path, clock)
    before, stored = dump(kb), files(kb)
    folder = kb.data_dir
    there = move_to_postgres(kb, pg_url)
    assert there.problems == []
    assert there.counts == {name: len(rows) for name, rows in before.items()}
    # The folder now uses the team database; its own SQLite file is kept aside.
    assert there.kept_sqlite is not None
    assert there.kept_sqlite.is_file()
    assert not (folder / "zebkb.sqlite3").exists()
    with KnowledgeBase.open(folder) as here:
        assert here.team
        assert dump(here) == before
        assert files(here) == stored
        assert here.check() == []
        # Its index was current for the same change counter: no rebuild needed.
        assert here.index_is_current()
        assert [h.title for h in here.search("品川区の編集").hits] == ["品川区の編集"]
        back = move_to_sqlite(here, tmp_path / "back")
        assert back.problems == []
    other = tmp_path / "pc2"
    other.mkdir()
    write_database_url(other, pg_url)
    with KnowledgeBase.open(other) as pc2:
        assert dump(pc2) == before
        # The files went into the team database: another PC reads them from there.
        assert files(pc2) == {}
        pc2.catch_up_index()  # a new PC's index takes in the whole change log
        assert pc2.check() == []
        assert {d: pc2.attachment_path(d).read_bytes() for d in stored} == stored
        # And a team's knowledge base moved out from a PC that had none of them yet.
        for path in (other / "attachments").rglob("*"):
            if path.is_file():
                path.unlink()
        assert move_to_sqlite(pc2, tmp_path / "back2").problems == []
    with KnowledgeBase.open(tmp_path / "back2") as home2:
        assert files(home2) == stored
    with KnowledgeBase.open(tmp_path / "back") as home:
        assert dump(home) == before
        assert files(home) == stored
        assert home.check() == []


def test_a_postgresql_database_that_is_not_empty_is_refused(kb, tmp_path, pg_url) -> None:
    kb.save(case_record())
    assert move_to_postgres(kb, pg_url).problems == []
    with KnowledgeBase.open(tmp_path / "another") as another:
        another.set_home_ward("131229")
        another.save(case_record(title="別の事例"))
        with pytest.raises(InputError, match="not empty") as refused:
            move_to_postgres(another, pg_url)
        assert "空ではありません" in refused.value.message_ja
        # Refused before anything changed: the folder still has its own database.
        assert not another.team
        assert (tmp_path / "another" / "zebkb.sqlite3").is_file()
        assert another.count() == 1


def test_the_command_moves_a_folder_into_team_mode(tmp_path, capsys, pg_url) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    assert main(["--data-dir", str(data), "demo"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "migrate", "--to", pg_url]) == 0
    shown = capsys.readouterr().out
    assert "28 records" in shown
    assert "check ok, counts match" in shown
    assert "init --ward WARD --database postgresql://" in shown
    assert "?host" not in shown  # the address as people read it, options left out
    assert main(["--data-dir", str(data), "check"]) == 0
    assert main(["--data-dir", str(data), "search", "清掃事務所", "--json"]) == 0
    capsys.readouterr()
    # Again: the database is no longer empty.
    assert main(["--data-dir", str(data), "migrate", "--to", pg_url]) == 3
    assert "is this knowledge base itself" in capsys.readouterr().err


@pytest.mark.parametrize("engine_name", ["sqlite"])  # a folder of its own moves in
def test_an_unreachable_server_is_one_line_and_the_folder_stays(kb, tmp_path) -> None:
    from zebkb.errors import KnownError

    kb.save(case_record())
    nowhere = f"postgresql://zebkb@/zebkb?host={tmp_path / 'no-server'}"
    with pytest.raises(KnownError) as failed:
        move_to_postgres(kb, nowhere)
    assert "cannot reach" in str(failed.value)
    assert "\n" not in str(failed.value)
    assert not kb.team
    assert kb.count() == 1


def test_a_count_that_differs_after_a_move_is_said_in_either_language() -> None:
    """`zebkb --lang ja migrate` printed the table comparison in English."""
    from zebkb.cli.records import problem_text
    from zebkb.service.move import _compare

    (problem,) = _compare({"record": 28, "revision": 40}, {"record": 27, "revision": 40})
    assert problem_text(problem, "ja") == "表 record: 移行元 28 行、移行先 27 行"
    assert problem_text(problem, "en") == "table record: 28 rows in the source, 27 in the target"
    assert problem == "table record: 28 rows in the source, 27 in the target"  # --json unchanged
