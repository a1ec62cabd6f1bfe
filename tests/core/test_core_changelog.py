"""The change log and each PC's search index catching up from it, on both engines.

"Another PC" is a second KnowledgeBase on the same database with a search index
of its own: on PostgreSQL a second data folder naming the same database (team
mode); on SQLite, whose database lives in its one folder, the same folder with
its index elsewhere. Being woken by PostgreSQL: tests/core/test_core_team_sync.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session
from zebkb_pg_kit import ENGINES
from zebkb_testing import case_record

from zebkb.search.engine import SearchIndex
from zebkb.service import REBUILD_PRUNED, KnowledgeBase
from zebkb.service.exchange import undo_import
from zebkb.service.tables import apply_table, preview_table
from zebkb.store import changelog
from zebkb.store.team import write_database_url


def entries(kb: KnowledgeBase) -> list[tuple[int, str, str]]:
    with Session(kb.read_engine) as session:
        return changelog.entries_between(session, 0, changelog.current(session))


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def open_other_pc(kb: KnowledgeBase, folder: Path) -> KnowledgeBase:
    """The same knowledge base as another PC sees it: its own search index (and folder)."""
    if kb.database_url is not None:
        folder.mkdir(parents=True)
        write_database_url(folder, kb.database_url)
        return KnowledgeBase.open(folder, clock=kb.clock)
    pc = KnowledgeBase.open(kb.data_dir, clock=kb.clock)
    pc._index = SearchIndex(folder / "index")
    return pc


@pytest.fixture
def other_pc(kb: KnowledgeBase, tmp_path: Path):
    with open_other_pc(kb, tmp_path / "other-pc") as pc:
        yield pc


def test_every_change_is_logged_in_order_with_its_kind(kb, tmp_path) -> None:
    a = kb.save(case_record())
    kb.save({**a, "title": "改題"})
    kb.delete(a["uid"])
    kb.restore(a["uid"], 1)
    kb.load_demo()
    log = entries(kb)
    assert [seq for seq, _uid, _kind in log] == list(range(1, len(log) + 1))
    assert [(uid, kind) for _seq, uid, kind in log[:4]] == [
        (a["uid"], "create"),
        (a["uid"], "edit"),
        (a["uid"], "delete"),
        (a["uid"], "restore"),
    ]
    assert {kind for _seq, _uid, kind in log[4:]} == {"demo"}
    assert kb.change_state() == len(log)
    # A list import and its undo.
    path = tmp_path / "list.csv"
    path.write_text("区,施設名,新築・改修\n葛飾区,区立水元小学校,新築\n", encoding="utf-8")
    result = apply_table(kb, preview_table(kb, path).plan)
    (added,) = result.added
    assert entries(kb)[-1][1:] == (added, "table-import")
    undo_import(kb, result.import_id)
    assert entries(kb)[-1][1:] == (added, "undo-import")
    assert kb.get(added) is None


def test_a_change_that_fails_logs_nothing(kb) -> None:
    kb.save(case_record())
    before = (kb.change_state(), entries(kb))

    def stopped_before_the_commit() -> None:
        with kb.transaction() as txn:
            kb.save_in(txn, case_record(title="途中で止まる"), None)
            raise RuntimeError("stopped before the commit")

    with pytest.raises(RuntimeError):
        stopped_before_the_commit()
    assert (kb.change_state(), entries(kb)) == before


def test_another_pc_finds_a_saved_record_after_catching_up(kb, other_pc, monkeypatch) -> None:
    assert other_pc.search("清掃事務所").total == 0
    rec = kb.save(case_record())
    # A search on the other PC answers from what its index has, says so, and writes nothing.
    answer = other_pc.search("清掃事務所")
    assert (answer.total, answer.stale) == (0, True)
    rebuilt: list[object] = []
    monkeypatch.setattr(other_pc.index, "rebuild", lambda *a, **k: rebuilt.append(a))
    caught = other_pc.catch_up_index()
    assert caught.applied == {rec["uid"]}
    assert not caught.rebuilt
    assert rebuilt == []  # just that record, not the whole index
    assert other_pc.last_changes.records == {rec["uid"]}  # so the window shows it
    answer = other_pc.search("清掃事務所")
    assert ([h.uid for h in answer.hits], answer.stale) == ([rec["uid"]], False)
    assert other_pc.catch_up_index().applied == frozenset()  # nothing more to do
    kb.delete(rec["uid"])
    assert other_pc.catch_up_index().applied == {rec["uid"]}
    assert other_pc.search("清掃事務所").total == 0


def test_undo_import_on_one_pc_reaches_the_other(kb, other_pc, tmp_path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("区,施設名,新築・改修\n葛飾区,区立水元小学校,新築\n", encoding="utf-8")
    result = apply_table(kb, preview_table(kb, path).plan)
    other_pc.catch_up_index()
    assert [h.uid for h in other_pc.search("水元小学校").hits] == result.added
    assert other_pc.last_changes.exchange_log  # its exchange log shows the import too
    undo_import(kb, result.import_id)
    assert other_pc.catch_up_index().applied == set(result.added)
    assert other_pc.last_changes.exchange_log
    assert other_pc.search("水元小学校").total == 0


def test_a_write_on_one_pc_takes_in_what_the_other_committed(kb, other_pc) -> None:
    theirs = kb.save(case_record(title="向こうの記録"))
    ours = other_pc.save(case_record(title="こちらの記録", facility_name="区立図書館"))
    # The other PC's own commit brought its index up to the log's end, the record saved
    # elsewhere included, and said so (the window shows both).
    assert other_pc.last_changes.records == {theirs["uid"], ours["uid"]}
    assert other_pc.index_is_current()
    assert [h.uid for h in other_pc.search("向こうの記録").hits] == [theirs["uid"]]


def test_a_log_pruned_past_the_index_rebuilds_it_whole_and_says_why(kb, other_pc) -> None:
    other_pc.catch_up_index()
    rec = kb.save(case_record())
    with kb.transaction() as txn:
        changelog.prune(txn.session, keep=0)
    caught = other_pc.catch_up_index()
    assert (caught.rebuilt, caught.reason) == (True, REBUILD_PRUNED)
    assert [h.uid for h in other_pc.search("清掃事務所").hits] == [rec["uid"]]
    assert other_pc.index_is_current()


def test_the_log_keeps_its_newest_entries(kb, monkeypatch) -> None:
    monkeypatch.setattr(changelog, "KEEP", 3)
    monkeypatch.setattr(changelog, "PRUNE_EVERY", 2)
    for n in range(9):
        kb.save(case_record(title=f"施設{n}"))
    seqs = [seq for seq, _uid, _kind in entries(kb)]
    assert seqs == list(range(9 - len(seqs) + 1, 10))
    assert 3 <= len(seqs) < 3 + 2


def test_a_new_index_takes_a_whole_log_one_record_at_a_time(kb, tmp_path, monkeypatch) -> None:
    recs = [kb.save(case_record(title=f"清掃事務所{n}")) for n in range(3)]
    with open_other_pc(kb, tmp_path / "new-pc") as pc:
        monkeypatch.setattr(pc.index, "rebuild", lambda *a, **k: pytest.fail("rebuilt whole"))
        assert pc.catch_up_index().applied == {r["uid"] for r in recs}
        assert pc.search("清掃事務所").total == 3


def test_files_added_on_one_pc_are_read_on_the_other(kb, other_pc, tmp_path) -> None:
    rec = kb.save(case_record())
    source = tmp_path / "点検記録.txt"
    source.write_bytes("空調設備の点検記録\n".encode() * 50_000)  # several pieces of 1 MiB
    saved = kb.add_attachment(rec["uid"], source)
    (att,) = saved["attachments"]
    path = other_pc.attachment_path(att["sha256"])
    assert path is not None
    assert path.read_bytes() == source.read_bytes()
    assert path.is_relative_to(other_pc.data_dir)  # this PC's own copy
    # Its text is searched on the other PC too.
    other_pc.catch_up_index()
    assert other_pc.check() == []
    assert [h.uid for h in other_pc.search("空調設備の点検記録").hits] == [rec["uid"]]


def test_the_command_line_catches_up_quietly_and_says_why_it_rebuilt(kb, tmp_path) -> None:
    from zebkb_testing import run_zebkb

    index = SearchIndex(kb.data_dir / "index")
    rec = kb.save(case_record())
    index.update([], [rec["uid"]], state=0)  # as if this folder's index missed the save
    index.close()
    kb.close()
    found = run_zebkb(kb.data_dir, "search", "清掃事務所", "--json")
    assert found.returncode == 0, found.stderr
    assert [h["uid"] for h in json.loads(found.stdout)["hits"]] == [rec["uid"]]
    assert found.stderr == ""  # the log had it: nothing to say
    with KnowledgeBase.open(kb.data_dir) as again:
        with again.transaction() as txn:
            changelog.prune(txn.session, keep=0)
        again.index.update([], [rec["uid"]], state=0)
    found = run_zebkb(kb.data_dir, "search", "清掃事務所", "--json")
    assert [h["uid"] for h in json.loads(found.stdout)["hits"]] == [rec["uid"]]
    assert "rebuilt" in found.stderr
    assert REBUILD_PRUNED in found.stderr
