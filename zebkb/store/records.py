"""Writing and reading records in the database.

Keyword-only functions that take the caller's session and never commit: the
service owns the transaction, so one bundle import is one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

from zebkb.domain.canonical import canonical_json, utc_key
from zebkb.domain.dates import DateError, partial_fiscal_year
from zebkb.domain.fields import KIND_FISCAL_YEAR_FIELD, Kind, record_date_field
from zebkb.store.models import (
    AttachmentRef,
    BlobRow,
    CaseDetail,
    HistoryRow,
    IssueDetail,
    OwnerDetail,
    RecordRow,
    SessionDetail,
    TagRow,
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


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


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
    conn = session.connection()
    conn.execute(_history_insert(conn), [row])
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
) -> tuple[dict[str, Any], str]:
    """A history row for one version (_HISTORY_COLUMNS) and its hash."""
    text = canonical_json(record)
    digest = hashlib.sha256(text).hexdigest()
    values = (record["uid"], int(record["revision"]), record["updated_at"], digest,
              text.decode("utf-8"), source, bundle_id, saved_at)  # fmt: skip
    return dict(zip(_HISTORY_COLUMNS, values, strict=True)), digest


def _upsert(conn: Connection, table: Table) -> Any:
    """The engine's own INSERT … ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _history_insert(conn: Connection) -> Any:
    # Once per distinct content: importing the same version twice keeps one row.
    return _upsert(conn, _table(HistoryRow)).on_conflict_do_nothing(index_elements=["uid", "hash"])


def json_list_has(conn: Connection, column: str, value: str) -> str:
    """SQL saying the JSON list in ``column`` (a *_json column) holds the text ``value``.

    ``value`` is a bind parameter's SQL (``:uid``). SQLite reads the list with
    json_each; PostgreSQL with jsonb containment.
    """
    if conn.dialect.name == "postgresql":
        return f"CAST({column} AS jsonb) @> jsonb_build_array(CAST({value} AS text))"
    return f"EXISTS (SELECT 1 FROM json_each({column}) j WHERE j.value = {value})"


def _in_chunks(column: Any, values: Sequence[str]) -> Iterator[Any]:
    """``column IN (…)`` over ``values``, CHUNK at a time (bounded statement size)."""
    for i in range(0, len(values), CHUNK):
        yield column.in_(list(values[i : i + CHUNK]))


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
    record_table = _table(RecordRow)
    known: dict[str, str] = {}
    for where in _in_chunks(record_table.c.uid, uids):
        for uid, kind in conn.execute(select(record_table.c.uid, record_table.c.type).where(where)):
            known[uid] = kind
    history_rows: list[dict[str, Any]] = []
    record_rows: list[dict[str, Any]] = []
    details: dict[Kind, list[dict[str, Any]]] = {k: [] for k in Kind}
    tag_rows: list[dict[str, Any]] = []
    ref_rows: list[dict[str, Any]] = []
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
        values = (uid, kind.value, record["origin"], record["created_at"], record["updated_at"],
                  utc_key(record["updated_at"]), int(record["revision"]), deleted,
                  record.get("title"), record.get("ward"), record.get("body"), record_date, fy,
                  digest)  # fmt: skip
        record_rows.append(dict(zip(_RECORD_COLUMNS, values, strict=True)))
        if deleted:
            continue
        details[kind].append(_detail_values(kind, record))
        tag_rows.extend({"uid": uid, "tag": tag} for tag in dict.fromkeys(record.get("tags") or []))
        for position, att in enumerate(record.get("attachments") or []):
            ref = (uid, position, att["sha256"], att["filename"], att["media_type"],
                   att["size"], att.get("caption"), bool(att.get("omitted", False)))  # fmt: skip
            ref_rows.append(dict(zip(_REF_COLUMNS, ref, strict=True)))

    conn.execute(_history_insert(conn), history_rows)
    upsert = _upsert(conn, record_table)
    conn.execute(
        upsert.on_conflict_do_update(
            index_elements=["uid"],
            set_={c: getattr(upsert.excluded, c) for c in _RECORD_COLUMNS[1:]},
        ),
        record_rows,
    )
    # Only records already here have rows to replace (an import is mostly new records).
    by_uid = [{"b_uid": uid} for uid in uids if uid in known]
    if by_uid:
        models: list[type[SQLModel]] = [TagRow, AttachmentRef, *DETAIL_TABLES.values()]
        for model in models:
            table = _table(model)
            conn.execute(delete(table).where(table.c.uid == bindparam("b_uid")), by_uid)
    for kind, rows in details.items():
        if rows:
            conn.execute(insert(_table(DETAIL_TABLES[kind])), rows)
    if tag_rows:
        conn.execute(insert(_table(TagRow)), tag_rows)
    if ref_rows:
        conn.execute(insert(_table(AttachmentRef)), ref_rows)
    for uid in uids:
        loaded = session.identity_map.get(session.identity_key(RecordRow, (uid,)))
        if loaded is not None:
            session.expire(loaded)
    return digests


def get_records(session: Session, uids: list[str]) -> dict[str, dict[str, Any]]:
    """The current versions of many records (missing uids are left out)."""
    found: dict[str, dict[str, Any]] = {}
    conn = session.connection()
    record_table, history_table = _table(RecordRow), _table(HistoryRow)
    for where in _in_chunks(record_table.c.uid, uids):
        stmt = (
            select(record_table.c.uid, history_table.c.record_json)
            .join(
                history_table,
                (history_table.c.uid == record_table.c.uid)
                & (history_table.c.hash == record_table.c.hash),
            )
            .where(where)
        )
        for uid, text in conn.execute(stmt):
            found[uid] = json.loads(text)
    return found


def known_blobs(session: Session, digests: list[str]) -> set[str]:
    """Which of these attachment hashes the database already lists."""
    found: set[str] = set()
    conn = session.connection()
    blob = _table(BlobRow)
    for where in _in_chunks(blob.c.sha256, digests):
        found.update(row[0] for row in conn.execute(select(blob.c.sha256).where(where)))
    return found


def agreed_hashes(session: Session, uids: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    conn = session.connection()
    record_table = _table(RecordRow)
    for where in _in_chunks(record_table.c.uid, uids):
        for uid, agreed in conn.execute(
            select(record_table.c.uid, record_table.c.agreed_hash).where(where)
        ):
            found[uid] = agreed
    return found


def set_agreed_hashes(session: Session, pairs: Mapping[str, str | None]) -> None:
    if not pairs:
        return  # an empty row list would run the statement once without values (an empty bundle)
    session.flush()
    record_table = _table(RecordRow)
    session.connection().execute(
        update(record_table)
        .where(record_table.c.uid == bindparam("b_uid"))
        .values(agreed_hash=bindparam("b_agreed")),
        [{"b_agreed": digest, "b_uid": uid} for uid, digest in pairs.items()],
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
