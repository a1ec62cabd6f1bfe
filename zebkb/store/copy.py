"""Copy a whole knowledge base database from one engine to another (``zebkb migrate``).

Engine-neutral: every table SQLModel's metadata knows, in foreign-key order,
read in batches through SQLAlchemy Core and inserted in batches, so a table
added later (the change log, a new kind) is copied without a line here. Rows
keep their primary keys (history ids, conflict ids, change-log sequences), so
what points at them still does; on PostgreSQL the sequences behind those keys
are moved past the copied values, so the next insert does not collide.

The caller owns both transactions: the source is read in one snapshot, the
target written in one transaction, so the target has everything or nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select, text
from sqlmodel import SQLModel

from zebkb.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)

# Meta rows that describe the engine's own copy, not the knowledge base: each engine
# writes its own (PostgreSQL keeps the schema version in meta; SQLite in a pragma).
ENGINE_META_KEYS = frozenset({"schema_version"})
# What a new, empty schema writes into meta (the change counter at zero): empty still.
NEW_SCHEMA_META = frozenset({("change_seq", "0")})
BATCH = 2000

Progress = Callable[[int, int], None]


# Team mode's attachment files (zebkb/store/blobs.py): they move as files, like the data
# folder's, not as rows (zebkb/service/move.py puts them in and takes them out).
FILE_TABLES = frozenset({"blob_chunk"})


def tables() -> list[Table]:
    """Every table of the knowledge base, parents before the tables that refer to them."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in FILE_TABLES]


def _rows_query(table: Table) -> Any:
    stmt = select(table)
    if table.name == "meta":
        stmt = stmt.where(table.c.key.not_in(sorted(ENGINE_META_KEYS)))
    # Primary-key order: the same copy every time, and history rows in the order they came.
    return stmt.order_by(*table.primary_key.columns)


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows per table (meta without the engine's own rows)."""
    counts: dict[str, int] = {}
    for table in tables():
        stmt = select(func.count()).select_from(table)
        if table.name == "meta":
            stmt = stmt.where(table.c.key.not_in(sorted(ENGINE_META_KEYS)))
        counts[table.name] = int(conn.execute(stmt).scalar_one())
    return counts


def filled_tables(conn: Connection) -> list[str]:
    """The tables holding anything beyond what a new, empty knowledge base has."""
    filled = [name for name, n in table_counts(conn).items() if n and name != "meta"]
    meta = next(t for t in tables() if t.name == "meta")
    rows = conn.execute(select(meta.c.key, meta.c.value)).all()
    if any((key, value) not in NEW_SCHEMA_META and key not in ENGINE_META_KEYS
           for key, value in rows):  # fmt: skip
        filled.append("meta")
    return filled


def _batches(conn: Connection, table: Table) -> Generator[list[dict[str, Any]], None, None]:
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
        _rows_query(table)
    )
    try:
        for part in result.mappings().partitions(BATCH):
            yield [dict(row) for row in part]
    finally:
        result.close()  # PostgreSQL streams through a server-side cursor: close it at once


def copy_tables(
    source: Connection, target: Connection, *, progress: Progress | None = None
) -> dict[str, int]:
    """Insert every row of ``source`` into the (empty) ``target``; returns rows per table.

    ``progress(done, total)`` counts rows.
    """
    total = sum(table_counts(source).values())
    done = 0
    copied: dict[str, int] = {}
    if progress is not None:
        progress(0, total)
    for table in tables():
        copied[table.name] = 0
        if table.name == "meta":  # the new schema's own rows give way to the source's
            target.execute(delete(table).where(table.c.key.not_in(sorted(ENGINE_META_KEYS))))
        # closing(): a failure half-way closes the source's cursor now, not at collection.
        with contextlib.closing(_batches(source, table)) as batches:
            for rows in batches:
                target.execute(table.insert(), rows)
                copied[table.name] += len(rows)
                done += len(rows)
                if progress is not None:
                    progress(done, total)
    if target.dialect.name == "postgresql":
        _advance_sequences(target)
    return copied


def _advance_sequences(conn: Connection) -> None:
    """Move each serial key's sequence past the ids copied in (PostgreSQL)."""
    for table in tables():
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE(MAX("{column.name}"), 1), MAX("{column.name}") IS NOT NULL) '
                f'FROM "{table.name}"'
            ),
            {"table": table.name, "column": column.name},
        )
