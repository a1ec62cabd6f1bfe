"""Team mode: a PC is woken by PostgreSQL when another commits, and catches up at once.

Two data folders on one database (two PCs). Nothing waits on the clock: the
test waits for the announcement itself, with a generous bound a working
listener never comes near.
"""

from __future__ import annotations

import queue
from pathlib import Path

import pytest
from zebkb_testing import case_record

from zebkb.service import KnowledgeBase
from zebkb.store import listen
from zebkb.store.team import write_database_url

WAIT = 60.0


@pytest.fixture
def engine_name() -> str:
    return "postgresql"


@pytest.fixture
def pc_b(kb: KnowledgeBase, tmp_path: Path):
    folder = tmp_path / "pc-b"
    folder.mkdir()
    assert kb.database_url is not None
    write_database_url(folder, kb.database_url)
    with KnowledgeBase.open(folder, clock=kb.clock) as other:
        yield other


def woken(kb: KnowledgeBase) -> queue.Queue:
    heard: queue.Queue = queue.Queue()
    listener = kb.listen_for_changes(heard.put)
    assert listener is not None
    assert listener.listening.wait(WAIT)
    return heard


def test_a_save_on_one_pc_wakes_the_other_which_then_finds_it(kb, pc_b) -> None:
    heard = woken(pc_b)
    rec = kb.save(case_record())
    assert heard.get(timeout=WAIT) == kb.change_state()
    caught = pc_b.catch_up_index()
    assert caught.applied == {rec["uid"]}
    assert [h.uid for h in pc_b.search("清掃事務所").hits] == [rec["uid"]]
    # A delete vanishes the same way.
    kb.delete(rec["uid"])
    assert heard.get(timeout=WAIT) == kb.change_state()
    pc_b.catch_up_index()
    assert pc_b.search("清掃事務所").total == 0


def test_a_change_that_does_not_commit_wakes_nobody(kb, pc_b) -> None:
    heard = woken(pc_b)

    def stopped() -> None:
        with kb.transaction() as txn:
            kb.save_in(txn, case_record(title="取り消された記録"), None)
            raise RuntimeError("stopped before the commit")

    with pytest.raises(RuntimeError):
        stopped()
    kb.save(case_record(title="保存された記録"))
    # The first announcement heard is the commit's, not the rolled-back change's.
    assert heard.get(timeout=WAIT) == kb.change_state() == 1


def test_a_listener_that_lost_its_connection_listens_again_and_says_so(
    kb, pc_b, monkeypatch
) -> None:
    monkeypatch.setattr(listen, "RETRY_SECONDS", 0.01)
    heard = woken(pc_b)
    with kb.engine.connect() as conn:
        # The server drops the listening connection (as a restart would).
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'zebkb-listen'"
        )
        conn.commit()
    # Told to catch up: whatever was announced while it was away is in the change log.
    assert heard.get(timeout=WAIT) is None
    rec = kb.save(case_record())
    assert heard.get(timeout=WAIT) == kb.change_state()
    assert pc_b.catch_up_index().applied == {rec["uid"]}


def test_closing_the_knowledge_base_stops_its_listener(kb, pc_b) -> None:
    listener = pc_b.listen_for_changes(lambda _seq: None)
    assert listener is not None
    assert listener.listening.wait(WAIT)
    pc_b.close()
    assert not listener.alive


def test_a_sqlite_knowledge_base_listens_to_nothing(tmp_path, clock) -> None:
    with KnowledgeBase.open(tmp_path / "alone", clock=clock) as alone:
        assert alone.listen_for_changes(lambda _seq: None) is None


def test_trusting_a_key_wakes_the_other_pcs(kb, pc_b) -> None:
    """No record changes, but the other windows' key lists must: they are woken to reread."""
    from zebkb.keys import own_key

    heard = woken(pc_b)
    other = own_key(pc_b.data_dir).public_key
    kb.trust_key(other, "品川区")
    heard.get(timeout=WAIT)
    assert [e.ward for e in pc_b.trusted_keys()] == ["131091"]
    kb.set_require_signatures(True)
    heard.get(timeout=WAIT)
    assert pc_b.require_signatures()
