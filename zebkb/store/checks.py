"""What the checks read from the database: broken references, versions, file references."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from zebkb.store.models import AttachmentRef, BlobRow, HistoryRow, RecordRow


def broken_references(session: Session, limit: int = 10) -> list[str]:
    """The tables SQLite's foreign-key check finds a broken reference in (at most ``limit``).

    PostgreSQL enforces every foreign key on every write: it has none to find.
    """
    if session.connection().dialect.name != "sqlite":
        return []
    rows = session.connection().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return [str(row[0]) for row in rows[:limit]]


def records_missing_current(session: Session) -> list[str]:
    """Records whose current version is not in their history."""
    return list(
        session.exec(
            select(RecordRow.uid).where(
                ~select(HistoryRow.id)
                .where(HistoryRow.uid == RecordRow.uid, HistoryRow.hash == RecordRow.hash)
                .exists()
            )
        ).all()
    )


def attachment_refs(session: Session) -> list[tuple[str, str, int, str]]:
    """(uid, sha256, size, filename) of every attachment a current version carries."""
    rows = session.exec(
        select(
            AttachmentRef.uid, AttachmentRef.sha256, AttachmentRef.size, AttachmentRef.filename
        ).where(AttachmentRef.omitted == False)  # noqa: E712
    ).all()
    return [(uid, digest, size, name) for uid, digest, size, name in rows]


def stored_digests(session: Session) -> set[str]:
    """Every file this knowledge base has stored at some time."""
    return set(session.exec(select(BlobRow.sha256)).all())


def referenced_digests(session: Session) -> set[str]:
    """Every file any version (current or in history) refers to."""
    referenced: set[str] = set()
    # select() of one column yields the values themselves, not 1-tuples.
    for text in session.exec(select(HistoryRow.record_json)).all():
        for att in json.loads(text).get("attachments") or []:
            referenced.add(att.get("sha256"))
    return referenced
