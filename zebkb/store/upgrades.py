"""Upgrade steps that write records (db.AFTER_UPGRADES).

Schema 2 replaces a case's yes/no "ZEB Leading Owner" flag with a record of its
own kind, `owner`, that names the owner ward and its cases. Upgrading turns the
flags into such records; the flag stays on each case as it was (a bundle field
zebkb keeps verbatim), so no case gains a new revision.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from zebkb.domain.canonical import parse_timestamp
from zebkb.domain.wards import WardError, ward_name
from zebkb.store import changelog
from zebkb.store.records import put_current_many

# Fixed, so every ward that upgrades makes the same uid for the same owner ward and
# the records merge on exchange instead of doubling.
OWNER_NAMESPACE = uuid.UUID("5b0c2a4e-3f0e-5d7a-9c1b-7a0e4f2d8c61")
MIGRATION_SOURCE = "upgrade"


def owner_uid(ward: str) -> str:
    return str(uuid.uuid5(OWNER_NAMESPACE, f"zeb-leading-owner:{ward}"))


def leading_owner_records(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One owner record per ward whose cases carry the flag, built from the cases alone."""
    by_ward: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        if case.get("zeb_leading_owner") is True and isinstance(case.get("ward"), str):
            by_ward.setdefault(case["ward"], []).append(case)
    records = []
    for ward, flagged in sorted(by_ward.items()):
        try:
            name = ward_name(ward, "ja")
        except WardError:
            name = ward
        # The latest flagged case's time: the same cases give the same record everywhere.
        latest = max(flagged, key=lambda c: parse_timestamp(c["updated_at"]))["updated_at"]
        records.append(
            {
                "uid": owner_uid(ward),
                "type": "owner",
                "origin": ward,
                "created_at": latest,
                "updated_at": latest,
                "revision": 1,
                "title": f"ZEBリーディング・オーナー（{name}）",
                "ward": ward,
                "cases": sorted(c["uid"] for c in flagged),
                "registered_on": None,
                "source": "事例の「ZEBリーディング・オーナー」欄（zebkb 旧版）から移行",
            }
        )
    return records


def migrate_leading_owner_flags(conn: Connection) -> None:
    """Schema 1 → 2: make owner records from the flagged cases (none already there)."""
    rows = conn.exec_driver_sql(
        "SELECT history.record_json FROM record JOIN history "
        "ON history.uid = record.uid AND history.hash = record.hash "
        "JOIN case_detail ON case_detail.uid = record.uid "
        "WHERE record.type = 'case' AND NOT record.deleted AND case_detail.zeb_leading_owner"
    ).all()
    cases = [json.loads(row[0]) for row in rows]
    records = leading_owner_records(cases)
    if not records:
        return
    existing = {
        row[0] for row in conn.exec_driver_sql("SELECT uid FROM record WHERE type = 'owner'").all()
    }
    records = [r for r in records if r["uid"] not in existing]
    if not records:
        return
    saved_at = datetime.now(UTC).isoformat(timespec="seconds")
    with Session(bind=conn) as session:
        put_current_many(session, records=records, source=MIGRATION_SOURCE, saved_at=saved_at)
        session.flush()
        # Logged like any change, so every PC's search index takes the new records in.
        changelog.append(session, [(r["uid"], "upgrade") for r in records], at=saved_at)
