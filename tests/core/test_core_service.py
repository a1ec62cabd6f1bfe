"""The KnowledgeBase service against real SQLite files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from zebkb_testing import case_record

from zebkb.domain.canonical import record_hash
from zebkb.errors import InputError, KnownError, NotFoundError
from zebkb.service import KnowledgeBase
from zebkb.store.db import SCHEMA_VERSION
from zebkb.store.state import DB_FILE


def test_create_assigns_identity_and_timestamps(kb, clock):
    record = kb.save(case_record())
    assert len(record["uid"]) == 36
    assert record["origin"] == "131229"
    assert record["revision"] == 1
    assert record["created_at"] == record["updated_at"] == "2025-03-18T09:00:00.000+09:00"
    assert kb.get(record["uid"]) == record


def test_update_bumps_revision_and_keeps_every_version(kb, clock):
    first = kb.save(case_record())
    clock.advance(minutes=5)
    second = kb.save({**first, "title": "改題"})
    assert second["revision"] == 2
    assert second["created_at"] == first["created_at"]
    assert second["updated_at"] > first["updated_at"]
    versions = kb.history(first["uid"])
    assert [v.revision for v in versions] == [1, 2]
    assert versions[0].record["title"] == first["title"]
    assert [v.current for v in versions] == [False, True]


def test_clock_going_backwards_still_orders_edits(kb, clock):
    first = kb.save(case_record())
    clock.advance(hours=-3)
    second = kb.save({**first, "title": "時計が戻った"})
    assert second["updated_at"] > first["updated_at"]


def test_stale_editor_cannot_overwrite(kb):
    first = kb.save(case_record())
    kb.save({**first, "title": "誰かが先に編集"})
    with pytest.raises(InputError, match="changed elsewhere"):
        kb.save({**first, "title": "古い画面から"}, expected_revision=1)


def test_delete_is_a_tombstone_and_restore_brings_it_back(kb, clock):
    rec = kb.save(case_record())
    clock.advance(minutes=1)
    tomb = kb.delete(rec["uid"])
    assert tomb["deleted"] is True
    assert set(tomb) == {"uid", "type", "origin", "created_at", "updated_at", "revision", "deleted"}
    assert [r.uid for r in kb.list_records()] == []
    clock.advance(minutes=1)
    back = kb.restore(rec["uid"], 1)
    assert back["revision"] == 3
    assert back["title"] == rec["title"]
    assert "deleted" not in back
    assert [r.uid for r in kb.list_records()] == [rec["uid"]]
    assert [v.source for v in kb.history(rec["uid"])] == ["create", "delete", "restore"]


def test_restore_unknown_revision(kb):
    rec = kb.save(case_record())
    with pytest.raises(NotFoundError):
        kb.restore(rec["uid"], 7)


def test_unknown_fields_survive_byte_for_byte(kb):
    rec = kb.save(case_record(x_future_field={"nested": [1, 2.5, None]}, zeb_rank=None))
    again = kb.get(rec["uid"])
    assert again["x_future_field"] == {"nested": [1, 2.5, None]}
    assert "zeb_rank" in again
    assert again["zeb_rank"] is None
    assert record_hash(again) == record_hash(rec)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ward": "中野"}, None),  # a name is accepted from users
        ({"ward": "999999"}, "ward"),
        ({"floor_area_m2": -5}, "floor_area_m2"),
        ({"completed_on": "2024-02-30"}, "completed_on"),
        ({"project_type": "rebuild"}, "project_type"),
        ({"title": ""}, "title"),
        ({"facility_name": None}, "facility_name"),
        ({"storeys_above": "three"}, "storeys_above"),
    ],
)
def test_invalid_input_is_refused_and_nothing_saved(kb, change, field):
    if field is None:
        saved = kb.save(case_record(**change))
        assert saved["ward"] == "131148"
        return
    with pytest.raises(InputError) as info:
        kb.save(case_record(**change))
    assert field in str(info.value)
    assert kb.count() == 0


def test_save_many_is_all_or_nothing(kb):
    with pytest.raises(InputError, match="record 2"):
        kb.save_many(
            [case_record(), case_record(floor_area_m2=0)], where=lambda i: f"record {i + 1}"
        )
    assert kb.count() == 0


def test_save_many_reads_and_writes_in_batches_not_per_record(kb, clock):
    """The records already here are read at once and all are written with a few
    statements: 45 records take fewer statements than records (per record: 8 or more)."""
    from sqlalchemy import event

    before = kb.save_many([case_record(title=f"既存{i}") for i in range(5)])
    clock.advance(minutes=1)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    items = [{**r, "title": r["title"] + "改"} for r in before]
    items += [case_record(title=f"新規{i}") for i in range(40)]
    event.listen(kb.engine, "before_cursor_execute", count)
    try:
        saved = kb.save_many(items, expected_revisions=[1] * 5 + [None] * 40)
    finally:
        event.remove(kb.engine, "before_cursor_execute", count)
    assert len(statements) < len(items)
    assert [r["revision"] for r in saved] == [2] * 5 + [1] * 40
    assert kb.count() == 45
    assert kb.get(before[0]["uid"])["title"] == "既存0改"
    assert [v.revision for v in kb.history(before[0]["uid"])] == [1, 2]
    assert {r["origin"] for r in saved} == {"131229"}
    # A stale revision is still refused, and nothing of the batch is saved.
    with pytest.raises(InputError, match="revision"):
        kb.save_many(
            [case_record(title="また新規"), {**saved[0], "title": "x"}],
            expected_revisions=[None, 1],
        )
    assert kb.count() == 45


def test_save_many_with_a_uid_twice_saves_each_after_the_one_before(kb, clock):
    first = kb.save(case_record())
    clock.advance(minutes=1)
    saved = kb.save_many([{**first, "title": "一回目"}, {**first, "title": "二回目"}])
    assert [r["revision"] for r in saved] == [2, 3]
    assert kb.get(first["uid"])["title"] == "二回目"


def _index_rows(kb) -> list[list[tuple]]:
    side = kb.index._snapshot().side
    return [
        side.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("docs", "texts")
    ]


def test_saved_records_are_indexed_as_written_not_read_back(kb, clock, tmp_path, monkeypatch):
    """The index update after a save takes the versions the save wrote: it reads none of
    them back from the database, and indexes what a rebuild from the database does."""
    memo = tmp_path / "memo.txt"
    memo.write_text("太陽光パネルの点検記録", encoding="utf-8")
    first = kb.save(case_record(title="添付あり"))
    first = kb.add_attachment(first["uid"], memo)
    clock.advance(minutes=1)
    read: list[str] = []
    original = kb.index_docs

    def spy(uids=None, **kwargs):
        uids = None if uids is None else list(uids)
        read.extend(["<all>"] if uids is None else uids)
        return original(uids, **kwargs)

    monkeypatch.setattr(kb, "index_docs", spy)
    items = [{**first, "title": "添付あり改"}]
    items += [
        case_record(title=f"新規{i}", floor_area_m2=1200.5 + i, tags=["清掃", f"t{i}"])
        for i in range(30)
    ]
    saved = kb.save_many(items, expected_revisions=[first["revision"]] + [None] * 30)
    kb.save({**saved[2], "title": "一件だけ直した"}, expected_revision=1)
    kb.delete(saved[1]["uid"])
    assert read == []
    assert kb.search("点検記録").total == 1
    assert kb.search("一件だけ直した").total == 1
    assert kb.search("新規0").total == 0
    monkeypatch.undo()
    rows = _index_rows(kb)
    assert len(rows[0]) == 30
    assert kb.reindex()
    assert _index_rows(kb) == rows


def test_new_record_needs_a_home_ward(tmp_path, clock):
    with (
        KnowledgeBase.open(tmp_path / "fresh", clock=clock) as kb,
        pytest.raises(KnownError, match="home ward"),
    ):
        kb.save(case_record())


def test_type_cannot_change(kb):
    rec = kb.save(case_record())
    with pytest.raises(InputError, match="type"):
        kb.save(
            {
                "uid": rec["uid"],
                "type": "visit",
                "title": "x",
                "ward": "131229",
                "visited_on": "2024-10-21",
            }
        )


def test_attachments_are_stored_once_by_hash(kb, tmp_path):
    photo = tmp_path / "外観.png"
    photo.write_bytes(b"\x89PNG fake but bytes" * 100)
    rec = kb.save(case_record())
    rec = kb.add_attachment(rec["uid"], photo, caption="外観")
    other = kb.save(case_record(title="別の事例"))
    other = kb.add_attachment(other["uid"], photo)
    digest = rec["attachments"][0]["sha256"]
    assert other["attachments"][0]["sha256"] == digest
    stored = list(kb.files.iter_files())
    assert [d for d, _ in stored] == [digest]
    assert kb.attachment_path(digest).read_bytes() == photo.read_bytes()
    assert rec["attachments"][0]["media_type"] == "image/png"
    assert rec["attachments"][0]["caption"] == "外観"
    rec = kb.remove_attachment(rec["uid"], digest)
    assert rec["attachments"] == []
    assert kb.attachment_path(digest) is not None  # older versions still refer to it


def test_save_attachment_as_copies_whole_or_refuses_in_words(kb, tmp_path):
    photo = tmp_path / "外観.png"
    photo.write_bytes(b"\x89PNG fake but bytes" * 100)
    digest, _size = kb.store_file(photo)
    out = tmp_path / "out" / "写真.png"
    out.parent.mkdir()
    assert kb.save_attachment_as(digest, out) == out
    assert out.read_bytes() == photo.read_bytes()
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)  # readable like any document
    with pytest.raises(KnownError, match="does not exist"):
        kb.save_attachment_as(digest, tmp_path / "no-such-folder" / "x.png")
    with pytest.raises(KnownError, match="missing from the data folder"):
        kb.save_attachment_as("b" * 64, tmp_path / "out" / "y.png")
    assert sorted(p.name for p in out.parent.iterdir()) == ["写真.png"]


def test_referring_to_a_missing_file_is_refused(kb):
    att = {"sha256": "a" * 64, "filename": "x.pdf", "media_type": "application/pdf", "size": 3}
    with pytest.raises(InputError, match="not in this knowledge base"):
        kb.save(case_record(attachments=[att]))
    kb.save(case_record(attachments=[{**att, "omitted": True}]))


def test_atomic_attachment_write_leaves_no_temp_on_mismatch(kb):
    import io

    with pytest.raises(InputError):
        kb.files.put_stream(io.BytesIO(b"abc"), "0" * 64, 3)
    assert list(kb.files.root.iterdir()) == []


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_sqlite_settings(kb):
    conn = sqlite3.connect(kb.data_dir / DB_FILE)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()
    with kb.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "newer"
    KnowledgeBase.open(path).close()
    conn = sqlite3.connect(path / DB_FILE)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(KnownError, match="newer zebkb"):
        KnowledgeBase.open(path)


def test_folder_with_other_files_is_not_a_knowledge_base(tmp_path):
    (tmp_path / "thesis.docx").write_text("mine")
    with pytest.raises(KnownError, match="not a zebkb knowledge base folder"):
        KnowledgeBase.open(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]


def test_file_instead_of_folder(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(KnownError, match="is a file"):
        KnowledgeBase.open(target)


def test_damaged_database_is_reported(tmp_path):
    path = tmp_path / "broken"
    path.mkdir()
    (path / DB_FILE).write_bytes(b"this is not sqlite at all" * 200)
    with pytest.raises(KnownError, match="damaged"):
        KnowledgeBase.open(path)


def test_list_filters(kb, clock):
    a = kb.save(case_record(completed_on="2024-06-01"))
    clock.advance(minutes=1)
    v = kb.save(
        {
            "type": "visit",
            "title": "清掃事務所視察",
            "ward": "131229",
            "visited_on": "2024-10-21",
            "participants": ["環境省", "杉並区"],
        }
    )
    clock.advance(minutes=1)
    kb.save(case_record(ward="131091", title="エコルとごし", completed_on="2022-05-01"))
    assert [r.uid for r in kb.list_records(kind="visit")] == [v["uid"]]
    assert {r.uid for r in kb.list_records(ward="131229")} == {a["uid"], v["uid"]}
    assert {r.uid for r in kb.list_records(fiscal_year=2024)} == {a["uid"], v["uid"]}
    assert kb.list_records()[0].title == "エコルとごし"  # newest first


def test_demo_loads_once(kb):
    first = kb.load_demo()
    assert first.added >= 16
    second = kb.load_demo()
    assert second.added == 0
    assert second.unchanged == first.added
    assert kb.check() == [] or all("search index" in p for p in kb.check())


# Team mode keeps each file in the shared database too: a PC's own copy going is not a loss.
@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_check_reports_missing_attachment(kb, tmp_path):
    f = tmp_path / "資料.pdf"
    f.write_bytes(b"%PDF-1.4 not really")
    rec = kb.add_attachment(kb.save(case_record())["uid"], f)
    kb.attachment_path(rec["attachments"][0]["sha256"]).unlink()
    assert any("資料.pdf" in p and "missing" in p for p in kb.check())


@pytest.mark.parametrize("engine_name", ["sqlite"])  # reads the SQLite file itself
def test_history_json_is_canonical(kb):
    rec = kb.save(case_record(floor_area_m2=1200.0))
    conn = sqlite3.connect(kb.data_dir / DB_FILE)
    try:
        text = conn.execute("SELECT record_json FROM history").fetchone()[0]
    finally:
        conn.close()
    assert json.loads(text)["floor_area_m2"] == 1200
    assert '"floor_area_m2":1200,' in text
    assert rec["uid"] in text


def test_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should go")
    with pytest.raises(KnownError, match="cannot create"):
        KnowledgeBase.open(blocker / "kb")


def test_paths_are_used_as_given(tmp_path):
    with KnowledgeBase.open(Path(tmp_path) / "a" / "b") as kb:
        assert kb.data_dir.is_dir()


def test_files_not_yet_received_are_not_problems_and_do_not_block_edits(kb):
    """A bundle may leave a file out ("omitted"); the record keeps the reference."""
    att = {"sha256": "b" * 64, "filename": "図面.pdf", "media_type": "application/pdf", "size": 9}
    record = case_record(
        attachments=[att],
        uid="6f1c2f0e-8a7e-4c55-9d8e-1b2a3c4d5e6f",
        origin="131091",
        created_at="2025-01-01T09:00:00+09:00",
        updated_at="2025-01-01T09:00:00+09:00",
        revision=1,
    )
    from zebkb.domain.validate import validate_record

    with kb.transaction() as txn:
        txn.put_current(validate_record(record, strict=True), source="import")
    assert not any("図面.pdf" in p for p in kb.check())
    edited = kb.save({**kb.get(record["uid"]), "title": "受信後に編集"})
    assert edited["attachments"] == [att]
    assert edited["revision"] == 2


def test_search_on_a_new_knowledge_base_has_no_notice(tmp_path, clock):
    with KnowledgeBase.open(tmp_path / "new", clock=clock) as kb:
        assert kb.search("ZEB").notice is None
        kb.set_home_ward("131229")
        kb.save(case_record())
        result = kb.search("清掃事務所")
        assert result.total == 1
        assert result.notice is None


def test_a_stale_index_answers_as_is_and_says_so(kb, monkeypatch):
    from zebkb.service import NOTICE_INDEX_STALE, Changes

    rec = kb.save(case_record())
    with kb.transaction() as txn:  # a change the index never heard of (as after a crash)
        txn.set_meta("change_seq", str(int(txn.meta("change_seq")) + 5))

    def no_writes(*args, **kwargs):
        raise AssertionError("a search wrote")

    monkeypatch.setattr(kb, "reindex", no_writes)
    monkeypatch.setattr(kb.index, "rebuild", no_writes)
    result = kb.search("清掃事務所")
    assert result.stale
    assert result.notice == NOTICE_INDEX_STALE
    assert [h.uid for h in result.hits] == [rec["uid"]]  # what the index has
    assert not kb.index_is_current()
    monkeypatch.undo()
    # Only the writer brings it up to date, when asked.
    assert kb.update_index()
    assert kb.last_changes == Changes(index=True)
    assert kb.index_is_current()
    fresh = kb.search("清掃事務所")
    assert (fresh.stale, fresh.notice) == (False, None)
    assert kb.update_index()  # already current: nothing to do
    assert kb.last_changes.empty


def test_a_damaged_index_answers_empty_and_stale(kb):
    import shutil

    kb.save(case_record())
    kb.close()
    from zebkb.service import KnowledgeBase

    index = kb.data_dir / "index"
    current = (index / "CURRENT").read_text().strip()
    shutil.rmtree(index / current)
    with KnowledgeBase.open(kb.data_dir, clock=kb.clock) as again:
        result = again.search("清掃事務所")
        assert result.stale
        assert again.update_index()
        assert again.search("清掃事務所").total == 1


def test_a_search_without_an_index_writes_nothing_the_writer_builds_it(kb):
    import shutil

    from zebkb.service import NOTICE_INDEX_STALE, KnowledgeBase

    kb.save(case_record())
    kb.close()
    shutil.rmtree(kb.data_dir / "index")
    with KnowledgeBase.open(kb.data_dir, clock=kb.clock) as again:
        result = again.search("清掃事務所")
        assert (result.total, result.stale, result.notice) == (0, True, NOTICE_INDEX_STALE)
        assert not again.index_is_current()
        assert not (again.data_dir / "index").exists()
        assert again.update_index()
        assert again.search("清掃事務所").total == 1
