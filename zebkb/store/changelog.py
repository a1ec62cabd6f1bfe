"""The change log: every committed change to a record, numbered in commit order.

Each PC's search index remembers the last number it applied and catches up
by reading the entries after it (zebkb/service/knowledge_base.py,
``catch_up_index``). The numbers come from one counter row,
``meta.change_seq``, raised by a single UPDATE just before the commit. Writers
follow one another (SQLite's BEGIN IMMEDIATE; in team mode, the writer lock every
write transaction takes first, zebkb/store/pg.py), and the counter row stays
locked until the commit besides, so entry N is never committed after entry
N + 1 was visible (with a plain sequence two overlapping transactions could do
that, and a reader would skip N for good). The row is made by the first change
(a new database has none, so it counts as empty to ``migrate``).

The log is complete from some number on: when the entries in (A, B] are
fewer than B - A, some were pruned (or a restored backup moved the counter
past them) and an index at A must be rebuilt whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlmodel import Session

COUNTER = "change_seq"
# The channel PostgreSQL announces commits on (LISTEN/NOTIFY); the payload is the last number.
CHANNEL = "zebkb_changes"
# Entries kept: an index further behind than this is rebuilt whole, which costs no more
# than applying that many changes one by one (zebkb/search/engine.py, BULK_MIN).
KEEP = 100_000
# How often (in numbers handed out) the old entries are pruned.
PRUNE_EVERY = 1_000


def append(session: Session, entries: Sequence[tuple[str, str]], *, at: str) -> int:
    """Log ``entries`` (uid, kind) under the next numbers; returns the last one.

    Call it last in the transaction: the counter row stays locked until the
    commit, which is what keeps the numbers in commit order.
    """
    session.flush()  # the ORM's pending writes first (a counter set through Meta included)
    conn = session.connection()
    n = len(entries)
    row = conn.execute(
        text(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + :n AS VARCHAR) "
            "WHERE key = :key RETURNING value"
        ),
        {"n": n, "key": COUNTER},
    ).first()
    if row is None:  # the first change
        conn.execute(
            text("INSERT INTO meta (key, value) VALUES (:key, :value)"),
            {"key": COUNTER, "value": str(n)},
        )
        last = n
    else:
        last = int(row[0])
    first = last - n + 1
    if entries:
        conn.execute(
            text("INSERT INTO change_log (seq, uid, kind, changed_at) VALUES (:s, :u, :k, :t)"),
            [
                {"s": first + i, "u": uid, "k": kind, "t": at}
                for i, (uid, kind) in enumerate(entries)
            ],
        )
    if last // PRUNE_EVERY != (first - 1) // PRUNE_EVERY:
        prune(session, keep=KEEP, last=last)
    if conn.dialect.name == "postgresql":
        # Delivered to every listening PC when (and only if) this transaction commits.
        conn.execute(
            text("SELECT pg_notify(:channel, :seq)"), {"channel": CHANNEL, "seq": str(last)}
        )
    return last


def announce(session: Session) -> None:
    """Wake the other PCs for a commit that changed no record (trusted keys, shared settings).

    The payload is the log's present number, so a listener that only catches its index
    up finds nothing to apply; the window also rereads keys and settings when woken.
    """
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    row = conn.execute(text("SELECT value FROM meta WHERE key = :key"), {"key": COUNTER}).first()
    conn.execute(
        text("SELECT pg_notify(:channel, :seq)"),
        {"channel": CHANNEL, "seq": str(row[0]) if row else "0"},
    )


def prune(session: Session, *, keep: int, last: int | None = None) -> int:
    """Drop all but the newest ``keep`` entries; returns how many went."""
    conn = session.connection()
    if last is None:
        last = current(session)
    result = conn.execute(text("DELETE FROM change_log WHERE seq <= :upto"), {"upto": last - keep})
    return int(result.rowcount or 0)


def current(session: Session) -> int:
    """The last number handed out (0 before the first change)."""
    value = (
        session.connection()
        .execute(text("SELECT value FROM meta WHERE key = :key"), {"key": COUNTER})
        .scalar()
    )
    return 0 if value is None else int(value)


def entries_between(session: Session, after: int, upto: int) -> list[tuple[int, str, str]]:
    """The entries numbered after ``after`` up to ``upto``, in order, as (seq, uid, kind)."""
    rows = (
        session.connection()
        .execute(
            text("SELECT seq, uid, kind FROM change_log WHERE seq > :a AND seq <= :b ORDER BY seq"),
            {"a": after, "b": upto},
        )
        .all()
    )
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def count_between(session: Session, after: int, upto: int) -> int:
    """How many entries are numbered after ``after`` up to ``upto``."""
    value = (
        session.connection()
        .execute(
            text("SELECT count(*) FROM change_log WHERE seq > :a AND seq <= :b"),
            {"a": after, "b": upto},
        )
        .scalar()
    )
    return int(value or 0)
