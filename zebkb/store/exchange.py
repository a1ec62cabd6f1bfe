"""The exchange's tables: import log and its changes, conflicts, peer exports, sent log.

Keyword-light functions over the caller's session that never commit: the
service owns the transaction (see records.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, func, select

from zebkb.store.models import (
    ConflictRow,
    HistoryRow,
    ImportChange,
    ImportLog,
    Meta,
    PeerExport,
    RecordRow,
)

SENT_LOG_META = "exchange.sent_log"


# -- what an export holds ------------------------------------------------------------------


def current_versions(session: Session) -> Iterator[tuple[dict[str, Any], str]]:
    """Every current version with the local time it became current here."""
    stmt = (
        select(HistoryRow.record_json, HistoryRow.saved_at)
        .join(RecordRow, RecordRow.uid == HistoryRow.uid)  # type: ignore[arg-type]
        .where(RecordRow.hash == HistoryRow.hash)
        .order_by(RecordRow.type, RecordRow.uid)
    )
    for text, saved_at in session.exec(stmt):
        yield json.loads(text), saved_at


# -- peers and the sent log -------------------------------------------------------------------


def peer_export(session: Session, peer: str) -> PeerExport | None:
    return session.get(PeerExport, peer)


def peer_exports(session: Session) -> list[PeerExport]:
    return list(session.exec(select(PeerExport)))


def mark_peer_export(session: Session, peer: str, *, at: str, bundle_id: str) -> None:
    row = session.get(PeerExport, peer) or PeerExport(
        peer=peer, last_export_at="", last_bundle_id=""
    )
    row.last_export_at = at
    row.last_bundle_id = bundle_id
    session.add(row)


def sent_log(session: Session) -> str | None:
    """The sent log as stored (JSON), None when nothing was sent yet."""
    row = session.get(Meta, SENT_LOG_META)
    return None if row is None else row.value


def set_sent_log(session: Session, value: str) -> None:
    row = session.get(Meta, SENT_LOG_META) or Meta(key=SENT_LOG_META, value=value)
    row.value = value
    session.add(row)


# -- the import log ---------------------------------------------------------------------------


def import_log(session: Session, bundle_id: str) -> ImportLog | None:
    return session.get(ImportLog, bundle_id)


def import_logs(session: Session) -> list[ImportLog]:
    return list(session.exec(select(ImportLog)))


def import_changes(session: Session, bundle_id: str) -> list[ImportChange]:
    return list(session.exec(select(ImportChange).where(ImportChange.bundle_id == bundle_id)))


def add_import_changes(session: Session, changes: Sequence[Mapping[str, str | None]]) -> None:
    # Plain rows, not model objects: constructing 10,000 SQLModel objects cost 0.5 s.
    if changes:
        session.execute(insert(ImportChange), changes)


# -- conflicts ----------------------------------------------------------------------------------


def open_conflict_rows(session: Session, uid: str | None = None) -> list[ConflictRow]:
    """Unsettled conflicts (of one record, when ``uid`` is given), oldest first."""
    stmt = select(ConflictRow).where(ConflictRow.settled_at == None)  # noqa: E711
    if uid is not None:
        stmt = stmt.where(ConflictRow.uid == uid)
    return list(session.exec(stmt.order_by(ConflictRow.id)))  # type: ignore[arg-type]


def note_conflict(
    session: Session, *, uid: str, local_hash: str, incoming_hash: str, bundle_id: str, at: str
) -> None:
    """Open a conflict between two versions, unless the same pair is open already."""
    pair = {local_hash, incoming_hash}
    for row in open_conflict_rows(session, uid):
        if {row.local_hash, row.incoming_hash} == pair:
            return
    session.add(
        ConflictRow(
            uid=uid,
            local_hash=local_hash,
            incoming_hash=incoming_hash,
            bundle_id=bundle_id,
            detected_at=at,
        )
    )


def settle_conflicts(session: Session, uid: str, *, at: str, settled_hash: str) -> None:
    for row in open_conflict_rows(session, uid):
        row.settled_at = at
        row.settled_hash = settled_hash
        session.add(row)


def drop_open_conflicts_of(session: Session, bundle_id: str) -> None:
    """Forget the unsettled conflicts an import opened (its undo)."""
    for row in session.exec(
        select(ConflictRow).where(
            ConflictRow.bundle_id == bundle_id,
            ConflictRow.settled_at == None,  # noqa: E711
        )
    ):
        session.delete(row)


def open_conflict_count(session: Session) -> int:
    """Records with an unsettled conflict (and still here)."""
    stmt = (
        select(func.count(func.distinct(ConflictRow.uid)))
        .join(RecordRow, RecordRow.uid == ConflictRow.uid)  # type: ignore[arg-type]
        .where(ConflictRow.settled_at == None)  # noqa: E711
    )
    return int(session.exec(stmt).one())
