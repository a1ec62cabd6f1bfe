"""The trust store's table: ward keys this knowledge base trusts (revoked rows stay)."""

from __future__ import annotations

from sqlmodel import Session, select

from zebkb.store.models import TrustedKey


def active_rows(session: Session, public_key: str) -> list[TrustedKey]:
    stmt = select(TrustedKey).where(
        TrustedKey.public_key == public_key,
        TrustedKey.revoked_at == None,  # noqa: E711
    )
    return list(session.exec(stmt))


def all_rows(session: Session) -> list[TrustedKey]:
    stmt = select(TrustedKey).order_by(TrustedKey.ward, TrustedKey.id)  # type: ignore[arg-type]
    return list(session.exec(stmt))


def add(session: Session, *, public_key: str, ward: str, at: str, note: str | None) -> TrustedKey:
    row = TrustedKey(public_key=public_key, ward=ward, added_at=at, note=note)
    session.add(row)
    session.flush()
    return row


def revoke(session: Session, rows: list[TrustedKey], *, at: str) -> None:
    for row in rows:
        row.revoked_at = at
        session.add(row)
    session.flush()
