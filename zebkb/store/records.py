"""Writing and reading records in the database.

Keyword-only functions that take the caller's session and never commit: the
service owns the transaction, so one bundle import is one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, SQLModel, select

from zebkb.domain.canonical import canonical_json, utc_key
from zebkb.domain.dates import DateError, partial_fiscal_year
from zebkb.domain.fields import KIND_FISCAL_YEAR_FIELD, Kind, record_date_field
from zebkb.store.models import (
    CaseDetail,
    HistoryRow,
    IssueDetail,
    OwnerDetail,
    RecordRow,
    SessionDetail,
    VisitDetail,
)

DETAIL_TABLES: dict[Kind, type[SQLModel]] = {
    Kind.CASE: CaseDetail,
    Kind.VISIT: VisitDetail,
    Kind.SESSION: SessionDetail,
    Kind.ISSUE: IssueDetail,
    Kind.OWNER: OwnerDetail,
}
LIST_COLUMNS = {
    "technologies": "technologies_json",
    "participants": "participants_json",
    "speakers": "speakers_json",
    "related_case_uids": "related_case_uids_json",
    "related": "related_json",
    "cases": "cases_json",
}


def _table_name(model: type[SQLModel]) -> str:
    return str(model.__table__.name)  # type: ignore[attr-defined]


def record_fiscal_year(record: Mapping[str, Any]) -> tuple[str | None, int | None]:
    kind = Kind(record["type"])
    fy_field = KIND_FISCAL_YEAR_FIELD.get(kind)
    if fy_field is not None:
        # A 課題 names its fiscal year and has no date of its own (none is made up).
        year = record.get(fy_field)
        if isinstance(year, int) and not isinstance(year, bool):
            return None, year
        return None, None
    field = record_date_field(kind, record)
    value = record.get(field) if field else None
    if not isinstance(value, str):
        return None, None
    try:
        # Month-precision dates have a fiscal year; a bare year has none.
        return value, partial_fiscal_year(value)
    except DateError:
        return value, None


def _detail_values(kind: Kind, record: Mapping[str, Any]) -> dict[str, Any]:
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
    return values


def put_history(
    session: Session,
    *,
    record: Mapping[str, Any],
    source: str,
    saved_at: str,
    bundle_id: str | None = None,
) -> str:
    """Keep a version in history (once per distinct content); returns its hash."""
    row, digest = _history_row(record, source=source, saved_at=saved_at, bundle_id=bundle_id)
    session.flush()
    session.connection().exec_driver_sql(_HISTORY_INSERT, [row])
    return digest


def put_current(
    session: Session,
    *,
    record: Mapping[str, Any],
    source: str,
    saved_at: str,
    bundle_id: str | None = None,
) -> str:
    """Make ``record`` the current version, exactly as given, and keep it in history.

    One record through the batch writer, so the record row and its projection
    are written by one piece of code whether a person saves or a bundle imports.
    """
    return put_current_many(
        session, records=[record], source=source, saved_at=saved_at, bundle_id=bundle_id
    )[0]


_RECORD_COLUMNS = (
    "uid", "type", "origin", "created_at", "updated_at", "updated_utc", "revision", "deleted",
    "title", "ward", "body", "record_date", "fiscal_year", "hash",
)  # fmt: skip
_HISTORY_COLUMNS = (
    "uid", "revision", "updated_at", "hash", "record_json", "source", "bundle_id", "saved_at",
)  # fmt: skip
_REF_COLUMNS = (
    "uid", "position", "sha256", "filename", "media_type", "size", "caption", "omitted",
)  # fmt: skip
CHUNK = 500


def _history_row(
    record: Mapping[str, Any], *, source: str, saved_at: str, bundle_id: str | None
) -> tuple[tuple[Any, ...], str]:
    """A history row for one version (in _HISTORY_COLUMNS order) and its hash."""
    text = canonical_json(record)
    digest = hashlib.sha256(text).hexdigest()
    row = (record["uid"], int(record["revision"]), record["updated_at"], digest,
           text.decode("utf-8"), source, bundle_id, saved_at)  # fmt: skip
    return row, digest


def _insert_sql(table: str, columns: tuple[str, ...], tail: str = "") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {tail}"


# Once per distinct content: importing the same version twice keeps one row.
_HISTORY_INSERT = _insert_sql("history", _HISTORY_COLUMNS, "ON CONFLICT (uid, hash) DO NOTHING")


def put_current_many(
    session: Session,
    *,
    records: Sequence[Mapping[str, Any]],
    source: str,
    saved_at: str,
    bundle_id: str | None = None,
) -> list[str]:
    """``put_current`` for many records at once, with one statement per table.

    An import of 10,000 records is one transaction; statement overhead per
    record, not SQLite, was what made it slow.
    """
    if not records:
        return []
    session.flush()
    conn = session.connection()
    uids = [r["uid"] for r in records]
    if len(set(uids)) != len(uids):
        raise ValueError("put_current_many: a uid appears twice")
    known: dict[str, str] = {}
    for i in range(0, len(uids), CHUNK):
        part = uids[i : i + CHUNK]
        marks = ", ".join("?" for _ in part)
        for uid, kind in conn.exec_driver_sql(
            f"SELECT uid, type FROM record WHERE uid IN ({marks})", tuple(part)
        ):
            known[uid] = kind
    history_rows: list[tuple[Any, ...]] = []
    record_rows: list[tuple[Any, ...]] = []
    details: dict[Kind, list[dict[str, Any]]] = {k: [] for k in Kind}
    tag_rows: list[tuple[Any, ...]] = []
    ref_rows: list[tuple[Any, ...]] = []
    digests: list[str] = []
    for record in records:
        uid = record["uid"]
        kind = Kind(record["type"])
        if uid in known and known[uid] != kind.value:
            raise ValueError(f"record {uid} changes type from {known[uid]} to {kind.value}")
        row, digest = _history_row(record, source=source, saved_at=saved_at, bundle_id=bundle_id)
        digests.append(digest)
        history_rows.append(row)
        record_date, fy = record_fiscal_year(record)
        deleted = bool(record.get("deleted", False))
        record_rows.append(
            (uid, kind.value, record["origin"], record["created_at"], record["updated_at"],
             utc_key(record["updated_at"]), int(record["revision"]), deleted,
             record.get("title"), record.get("ward"), record.get("body"), record_date, fy, digest)
        )  # fmt: skip
        if deleted:
            continue
        details[kind].append(_detail_values(kind, record))
        tag_rows.extend((uid, tag) for tag in dict.fromkeys(record.get("tags") or []))
        ref_rows.extend(
            (uid, position, att["sha256"], att["filename"], att["media_type"], att["size"],
             att.get("caption"), bool(att.get("omitted", False)))
            for position, att in enumerate(record.get("attachments") or [])
        )  # fmt: skip

    conn.exec_driver_sql(_HISTORY_INSERT, history_rows)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _RECORD_COLUMNS[1:])
    conn.exec_driver_sql(
        _insert_sql("record", _RECORD_COLUMNS, f"ON CONFLICT (uid) DO UPDATE SET {updates}"),
        record_rows,
    )
    # Only records already here have rows to replace (an import is mostly new records).
    by_uid = [(uid,) for uid in uids if uid in known]
    if by_uid:
        for table in ("tag", "attachment_ref", *(_table_name(t) for t in DETAIL_TABLES.values())):
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE uid = ?", by_uid)
    for kind, rows in details.items():
        if rows:
            columns = tuple(rows[0])
            conn.exec_driver_sql(
                _insert_sql(_table_name(DETAIL_TABLES[kind]), columns),
                [tuple(r[c] for c in columns) for r in rows],
            )
    if tag_rows:
        conn.exec_driver_sql(_insert_sql("tag", ("uid", "tag")), tag_rows)
    if ref_rows:
        conn.exec_driver_sql(_insert_sql("attachment_ref", _REF_COLUMNS), ref_rows)
    for uid in uids:
        loaded = session.identity_map.get(session.identity_key(RecordRow, (uid,)))
        if loaded is not None:
            session.expire(loaded)
    return digests


def get_records(session: Session, uids: list[str]) -> dict[str, dict[str, Any]]:
    """The current versions of many records (missing uids are left out)."""
    found: dict[str, dict[str, Any]] = {}
    conn = session.connection()
    for i in range(0, len(uids), CHUNK):
        part = uids[i : i + CHUNK]
        marks = ", ".join("?" for _ in part)
        for uid, text in conn.exec_driver_sql(
            "SELECT record.uid, history.record_json FROM record JOIN history "
            "ON history.uid = record.uid AND history.hash = record.hash "
            f"WHERE record.uid IN ({marks})",
            tuple(part),
        ):
            found[uid] = json.loads(text)
    return found


def known_blobs(session: Session, digests: list[str]) -> set[str]:
    """Which of these attachment hashes the database already lists."""
    found: set[str] = set()
    conn = session.connection()
    for i in range(0, len(digests), CHUNK):
        part = digests[i : i + CHUNK]
        marks = ", ".join("?" for _ in part)
        found.update(
            row[0]
            for row in conn.exec_driver_sql(
                f"SELECT sha256 FROM blob WHERE sha256 IN ({marks})", tuple(part)
            )
        )
    return found


def agreed_hashes(session: Session, uids: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    conn = session.connection()
    for i in range(0, len(uids), CHUNK):
        part = uids[i : i + CHUNK]
        marks = ", ".join("?" for _ in part)
        for uid, agreed in conn.exec_driver_sql(
            f"SELECT uid, agreed_hash FROM record WHERE uid IN ({marks})", tuple(part)
        ):
            found[uid] = agreed
    return found


def set_agreed_hashes(session: Session, pairs: Mapping[str, str | None]) -> None:
    if not pairs:
        return  # an empty row list would run the statement once without values (an empty bundle)
    session.flush()
    session.connection().exec_driver_sql(
        "UPDATE record SET agreed_hash = ? WHERE uid = ?",
        [(digest, uid) for uid, digest in pairs.items()],
    )
    for uid in pairs:
        loaded = session.identity_map.get(session.identity_key(RecordRow, (uid,)))
        if loaded is not None:
            session.expire(loaded)


def uids_starting(session: Session, prefix: str, limit: int) -> list[str]:
    """Up to ``limit`` record uids that begin with ``prefix`` (lower-case hex and dashes)."""
    # A range on the primary key rather than LIKE: prefix characters are plain hex.
    rows = session.execute(
        select(RecordRow.uid)
        .where(RecordRow.uid >= prefix, RecordRow.uid < prefix + "\uffff")
        .order_by(RecordRow.uid)
        .limit(limit)
    ).scalars()
    return list(rows)


def get_record(session: Session, uid: str) -> dict[str, Any] | None:
    """The current version in bundle form, exactly as it was saved."""
    text = session.execute(
        select(HistoryRow.record_json)
        .join(RecordRow, RecordRow.uid == HistoryRow.uid)  # type: ignore[arg-type]
        .where(RecordRow.uid == uid, HistoryRow.hash == RecordRow.hash)
    ).scalar()
    return None if text is None else json.loads(text)


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
