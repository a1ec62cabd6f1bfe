"""Writing and reading records in the database.

Keyword-only functions that take the caller's session and never commit: the
service owns the transaction, so one bundle import is one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from zebkb.domain.canonical import canonical_json, parse_timestamp, record_hash
from zebkb.domain.dates import fiscal_year
from zebkb.domain.fields import KIND_DATE_FIELD, Kind
from zebkb.store.models import (
    AttachmentRef,
    CaseDetail,
    HistoryRow,
    RecordRow,
    SessionDetail,
    TagRow,
    VisitDetail,
)

DETAIL_TABLES = {Kind.CASE: CaseDetail, Kind.VISIT: VisitDetail, Kind.SESSION: SessionDetail}
LIST_COLUMNS = {
    "technologies": "technologies_json",
    "participants": "participants_json",
    "speakers": "speakers_json",
    "related_case_uids": "related_case_uids_json",
}


def utc_key(timestamp: str) -> str:
    """A timestamp as a fixed-width UTC string that sorts like the instant."""
    return parse_timestamp(timestamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_fiscal_year(record: Mapping[str, Any]) -> tuple[str | None, int | None]:
    field = KIND_DATE_FIELD.get(Kind(record["type"]))
    value = record.get(field) if field else None
    if not isinstance(value, str):
        return None, None
    try:
        return value, fiscal_year(date.fromisoformat(value))
    except ValueError:
        return value, None


def _detail_row(kind: Kind, record: Mapping[str, Any]) -> Any:
    table = DETAIL_TABLES[kind]
    values: dict[str, Any] = {"uid": record["uid"]}
    for column in table.model_fields:
        if column == "uid":
            continue
        if column.endswith("_json"):
            name = next(k for k, v in LIST_COLUMNS.items() if v == column)
            values[column] = json.dumps(record.get(name) or [], ensure_ascii=False)
        else:
            values[column] = record.get(column)
    return table(**values)


def put_history(
    session: Session,
    *,
    record: Mapping[str, Any],
    source: str,
    saved_at: str,
    bundle_id: str | None = None,
) -> str:
    """Keep a version in history (once per distinct content); returns its hash."""
    digest = record_hash(record)
    exists = session.exec(
        select(HistoryRow.id).where(HistoryRow.uid == record["uid"], HistoryRow.hash == digest)
    ).first()
    if exists is None:
        session.add(
            HistoryRow(
                uid=record["uid"],
                revision=int(record["revision"]),
                updated_at=record["updated_at"],
                hash=digest,
                record_json=canonical_json(record).decode("utf-8"),
                source=source,
                bundle_id=bundle_id,
                saved_at=saved_at,
            )
        )
        session.flush()
    return digest


def put_current(
    session: Session,
    *,
    record: Mapping[str, Any],
    source: str,
    saved_at: str,
    bundle_id: str | None = None,
) -> str:
    """Make ``record`` the current version, exactly as given, and keep it in history."""
    digest = put_history(
        session, record=record, source=source, saved_at=saved_at, bundle_id=bundle_id
    )
    uid = record["uid"]
    kind = Kind(record["type"])
    record_date, fy = record_fiscal_year(record)
    row = session.get(RecordRow, uid)
    if row is None:
        row = RecordRow(
            uid=uid,
            type=kind.value,
            hash=digest,
            origin="",
            created_at="",
            updated_at="",
            updated_utc="",
            revision=1,
        )
    elif row.type != kind.value:
        # A uid never changes kind; the validator refuses it before we get here.
        raise ValueError(f"record {uid} changes type from {row.type} to {kind.value}")
    row.origin = record["origin"]
    row.created_at = record["created_at"]
    row.updated_at = record["updated_at"]
    row.updated_utc = utc_key(record["updated_at"])
    row.revision = int(record["revision"])
    row.deleted = bool(record.get("deleted", False))
    row.title = record.get("title")
    row.ward = record.get("ward")
    row.body = record.get("body")
    row.record_date = record_date
    row.fiscal_year = fy
    row.hash = digest
    session.add(row)
    session.flush()

    for table in (TagRow, AttachmentRef, *DETAIL_TABLES.values()):
        session.exec(delete(table).where(table.uid == uid))
    if not row.deleted:
        session.add(_detail_row(kind, record))
        for tag in dict.fromkeys(record.get("tags") or []):
            session.add(TagRow(uid=uid, tag=tag))
        for position, att in enumerate(record.get("attachments") or []):
            session.add(
                AttachmentRef(
                    uid=uid,
                    position=position,
                    sha256=att["sha256"],
                    filename=att["filename"],
                    media_type=att["media_type"],
                    size=att["size"],
                    caption=att.get("caption"),
                    omitted=bool(att.get("omitted", False)),
                )
            )
    session.flush()
    return digest


def get_record(session: Session, uid: str) -> dict[str, Any] | None:
    """The current version in bundle form, exactly as it was saved."""
    row = session.get(RecordRow, uid)
    if row is None:
        return None
    return get_version(session, uid=uid, digest=row.hash)


def get_version(session: Session, *, uid: str, digest: str) -> dict[str, Any] | None:
    text = session.exec(
        select(HistoryRow.record_json).where(HistoryRow.uid == uid, HistoryRow.hash == digest)
    ).first()
    return None if text is None else json.loads(text)


def history_rows(session: Session, uid: str) -> list[HistoryRow]:
    return list(
        session.exec(
            select(HistoryRow).where(HistoryRow.uid == uid).order_by(HistoryRow.id)  # type: ignore[arg-type]
        )
    )
