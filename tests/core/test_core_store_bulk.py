"""The batch write path gives exactly what the one-by-one path gives."""

from __future__ import annotations

import sqlite3
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zebkb_testing import case_record

from zebkb.domain.validate import validate_record
from zebkb.service import KnowledgeBase
from zebkb.store.state import DB_FILE

TABLES = (
    "record",
    "case_detail",
    "visit_detail",
    "session_detail",
    "tag",
    "attachment_ref",
    "history",
)


def dump(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path / DB_FILE)
    try:
        out = {}
        for table in TABLES:
            cols = [
                r[1]
                for r in conn.execute(f"PRAGMA table_info({table})")
                if r[1] not in ("id", "saved_at")
            ]
            out[table] = sorted(
                conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr
            )
        return out
    finally:
        conn.close()


def make(i: int, rev: int, *, deleted: bool, tags: list[str]) -> dict:
    uid = str(uuid.UUID(int=i + 1, version=4))
    base = case_record(tags=tags, title=f"事例 {i} 版 {rev}", floor_area_m2=1000.0 + rev)
    base.update(
        uid=uid,
        origin="131229",
        created_at="2024-04-01T09:00:00+09:00",
        updated_at=f"2024-05-{rev:02d}T09:00:00+09:00",
        revision=rev,
    )
    if deleted:
        base = {
            k: base[k] for k in ("uid", "type", "origin", "created_at", "updated_at", "revision")
        }
        base["deleted"] = True
    return validate_record(base, strict=True)


versions = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.integers(1, 9),
        st.booleans(),
        st.lists(st.sampled_from(["清掃", "学校", "ZEB"]), max_size=3),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(versions, min_size=1, max_size=3))
def test_batch_equals_one_by_one(tmp_path_factory, batches):
    one = tmp_path_factory.mktemp("one")
    many = tmp_path_factory.mktemp("many")
    with KnowledgeBase.open(one) as a, KnowledgeBase.open(many) as b:
        for batch in batches:
            latest: dict[int, dict] = {}
            for i, rev, deleted, tags in batch:
                latest[i] = make(i, rev, deleted=deleted, tags=tags)
            records = list(latest.values())
            with a.transaction() as txn:
                for r in records:
                    txn.put_current(r, source="import", bundle_id="b")
            with b.transaction() as txn:
                txn.put_current_many(records, source="import", bundle_id="b")
            assert a.get(records[0]["uid"]) == b.get(records[0]["uid"])
    assert dump(one) == dump(many)


def test_batch_refuses_a_type_change(kb):
    first = kb.save(case_record())
    visit = {
        **{k: first[k] for k in ("uid", "origin", "created_at")},
        "type": "visit",
        "title": "x",
        "ward": "131229",
        "visited_on": "2024-10-21",
        "updated_at": "2025-04-01T00:00:00+09:00",
        "revision": 2,
    }
    import pytest

    with pytest.raises(ValueError, match="changes type"), kb.transaction() as txn:
        txn.put_current_many([visit], source="import")
    assert kb.get(first["uid"]) == first


def test_loaded_rows_are_not_served_stale(kb):
    rec = kb.save(case_record())
    newer = {**rec, "title": "新しい版", "revision": 2, "updated_at": "2026-01-01T00:00:00+09:00"}
    with kb.transaction() as txn:
        assert txn.agreed_hash(rec["uid"]) is None  # loads the row into the session
        txn.put_current_many([newer], source="import")
        txn.set_agreed_hash(rec["uid"], "x" * 64)
        assert txn.get(rec["uid"])["title"] == "新しい版"
    assert kb.get(rec["uid"])["title"] == "新しい版"
    with kb.transaction() as txn:
        assert txn.agreed_hash(rec["uid"]) == "x" * 64
