"""Schema 1 → 2: the per-case ZEB Leading Owner flag becomes owner records."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from zebkb_testing import case_record

from zebkb.service import KnowledgeBase
from zebkb.store.db import SCHEMA_VERSION
from zebkb.store.upgrades import owner_uid


def _as_schema_1(folder: Path) -> None:
    """Take a database back to what schema 1 had: no new tables or columns."""
    db = sqlite3.connect(folder / "zebkb.sqlite3")
    with db:
        db.execute("DROP TABLE issue_detail")
        db.execute("DROP TABLE owner_detail")
        db.execute("DROP TABLE change_log")
        db.execute("DROP INDEX ix_visit_detail_direction")
        db.execute("ALTER TABLE visit_detail DROP COLUMN direction")
        db.execute("PRAGMA user_version = 1")
    db.close()


def test_upgrade_makes_owner_records_from_flagged_cases(tmp_path: Path, clock) -> None:
    folder = tmp_path / "kb"
    with KnowledgeBase.open(folder, clock=clock) as kb:
        kb.set_home_ward("131091")
        # Records written by a 1.0 zebkb carried the flag on the case.
        a = kb.save(case_record(title="エコルとごし", ward="131091", zeb_leading_owner=True))
        b = kb.save(case_record(title="八潮北公園", ward="131091", zeb_leading_owner=True))
        kb.save(case_record(title="清掃事務所", ward="131229", zeb_leading_owner=False))
        kb.save(
            {
                "type": "visit",
                "title": "視察",
                "ward": "131229",
                "visited_on": "2024-10-21",
            }
        )
        before = kb.change_state()
    _as_schema_1(folder)
    with KnowledgeBase.open(folder, clock=clock) as kb:
        owner = kb.get(owner_uid("131091"))
        assert owner is not None
        assert owner["type"] == "owner"
        assert owner["ward"] == "131091"
        assert owner["cases"] == sorted([a["uid"], b["uid"]])
        assert owner["registered_on"] is None  # unknown: no date is invented
        assert "移行" in owner["source"]
        assert kb.get(owner_uid("131229")) is None
        # The cases are not touched: no new revisions to send to other wards.
        assert kb.get(a["uid"])["revision"] == 1
        assert kb.get(a["uid"])["zeb_leading_owner"] is True
        assert kb.change_state() > before
        assert not kb.index_is_current()  # so the search index is brought up to date
        kb.update_index()
        assert [h.source for h in kb.history(owner["uid"])] == ["upgrade"]
        hits = kb.search("リーディング type:owner")
        assert [h.uid for h in hits.hits] == [owner["uid"]]
        # Visits gained the direction column.
        kb.save(
            {
                "type": "visit",
                "title": "受入",
                "ward": "131229",
                "visited_on": "2024-10",
                "direction": "inbound",
            }
        )
    db = sqlite3.connect(folder / "zebkb.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert (
        db.execute("SELECT count(*) FROM visit_detail WHERE direction = 'inbound'").fetchone()[0]
        == 1
    )
    db.close()


def test_the_same_flags_give_the_same_owner_record_in_every_ward() -> None:
    from zebkb.store.upgrades import leading_owner_records

    cases = [
        {"uid": "b", "ward": "131091", "zeb_leading_owner": True,
         "updated_at": "2024-01-01T00:00:00+09:00"},
        {"uid": "a", "ward": "131091", "zeb_leading_owner": True,
         "updated_at": "2024-02-01T00:00:00+09:00"},
    ]  # fmt: skip
    first = leading_owner_records(cases)
    assert first == leading_owner_records(list(reversed(cases)))
    assert first[0]["cases"] == ["a", "b"]
    assert first[0]["updated_at"] == "2024-02-01T00:00:00+09:00"
