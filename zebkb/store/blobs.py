"""Team mode's attachment store: files in the shared database, content-addressed.

Each file is stored once, by its SHA-256, as numbered pieces of ``CHUNK``
bytes in ``blob_chunk`` (a 0-byte file as one empty piece), written in the
transaction that saves the record using it, so no PC ever sees a record whose
file the team does not have. Reading streams the pieces one query at a time:
memory stays at one piece whatever the file's size. Why the database and not
a shared folder: README.md, "Team mode", and benchmarks/attachments_bench.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, text
from sqlmodel import Session

CHUNK = 1 << 20


def shared(session: Session, digests: Iterable[str]) -> set[str]:
    """Which of these files the shared store has."""
    wanted = sorted(set(digests))
    found: set[str] = set()
    conn = session.connection()
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        params = {f"d{i}": d for i, d in enumerate(part)}
        names = ", ".join(f":d{i}" for i in range(len(part)))
        rows = conn.execute(
            text(f"SELECT sha256 FROM blob_chunk WHERE n = 0 AND sha256 IN ({names})"), params
        )
        found.update(str(r[0]) for r in rows)
    return found


def put(session: Session, digest: str, chunks: Iterable[bytes]) -> int:
    """Store a file's bytes under ``digest`` (the caller has checked they match); its size.

    The caller skips files the store has (`shared`); a file stored meanwhile by
    another writer is the same bytes, and the primary key keeps one copy.
    """
    conn = session.connection()
    size = 0
    for n, piece in enumerate(_pieces(chunks)):
        conn.execute(
            text("INSERT INTO blob_chunk (sha256, n, data) VALUES (:d, :n, :b)"),
            {"d": digest, "n": n, "b": piece},
        )
        size += len(piece)
    return size


def _pieces(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes again in pieces of exactly CHUNK (the last shorter; at least one)."""
    buffer = bytearray()
    sent = False
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
            sent = True
    if buffer or not sent:
        yield bytes(buffer)


def read(conn: Connection, digest: str) -> Iterator[bytes]:
    """A stored file's bytes, piece by piece (nothing when the store does not have it)."""
    n = 0
    while True:
        piece = conn.execute(
            text("SELECT data FROM blob_chunk WHERE sha256 = :d AND n = :n"),
            {"d": digest, "n": n},
        ).scalar()
        if piece is None:
            return
        yield bytes(piece)
        n += 1


def drop(session: Session, digest: str) -> None:
    """Remove a file's pieces (to put a whole copy back in the same transaction)."""
    session.connection().execute(text("DELETE FROM blob_chunk WHERE sha256 = :d"), {"d": digest})
