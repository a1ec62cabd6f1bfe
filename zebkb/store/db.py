"""The engines and the versioned schema.

A data folder's own database is SQLite (WAL, foreign keys, one writer);
team mode's is PostgreSQL (zebkb/store/pg.py). Both carry the schema's
version: SQLite in ``PRAGMA user_version``, PostgreSQL in the ``meta`` row
``schema_version`` (it has no such pragma). The upgrade steps are the same
SQLAlchemy code for both; a PostgreSQL database is always created at the
version of the zebkb that creates it, so steps older than team mode only ever
meet SQLite. A database written by a newer zebkb is refused in words on both.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.engine import ExceptionContext
from sqlmodel import SQLModel, create_engine

from zebkb.errors import KnownError
from zebkb.store import (
    models,  # noqa: F401  (registers the tables on SQLModel.metadata)
    pg,  # noqa: F401  (PostgreSQL's text columns in the "C" collation)
)
from zebkb.store.state import is_damage
from zebkb.store.upgrades import migrate_leading_owner_flags

SCHEMA_VERSION = 3


SCHEMA_META = "schema_version"


def _upgrade_1_to_2(conn: Connection) -> None:
    # Bundle format 1.1: a visit's direction is projected for filters. Visits
    # saved before it have none, so there is nothing to fill in. The new
    # tables (issue_detail, owner_detail) are made by create_all.
    conn.exec_driver_sql("ALTER TABLE visit_detail ADD COLUMN direction VARCHAR")
    conn.exec_driver_sql("CREATE INDEX ix_visit_detail_direction ON visit_detail (direction)")


def _upgrade_2_to_3(conn: Connection) -> None:
    # The change log (zebkb/store/changelog.py) is a new table, made by create_all.
    # It starts empty at the present change number, so an index that was current
    # stays current and one that was behind is rebuilt whole, as before.
    del conn


# Upgrade steps: UPGRADES[n] takes a database from version n to n + 1 (either engine).
UPGRADES: dict[int, Callable[[Connection], None]] = {
    1: _upgrade_1_to_2,
    2: _upgrade_2_to_3,
}
# Steps that write records, run after the new tables exist: AFTER_UPGRADES[n]
# runs once when a database reached version n + 1 from n.
AFTER_UPGRADES: dict[int, Callable[[Connection], None]] = {1: migrate_leading_owner_flags}


class NewerSchemaError(KnownError):
    pass


def newer_schema_error(version: int) -> NewerSchemaError:
    return NewerSchemaError(
        f"this knowledge base was written by a newer zebkb (database schema {version}; "
        f"this zebkb knows up to {SCHEMA_VERSION}); update zebkb to open it",
        message_ja=(
            f"このデータは新しい版の zebkb で作成されています（スキーマ {version}、"
            f"この zebkb は {SCHEMA_VERSION} まで）。zebkb を更新してください。"
        ),
    )


def schema_state(conn: Connection) -> tuple[int, bool]:
    """(the schema version, whether the tables exist) of the database ``conn`` is on."""
    if conn.dialect.name == "sqlite":
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
        has_tables = bool(
            conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'record'")
            ).scalar_one()
        )
        return version, has_tables
    found = inspect(conn)
    if not found.has_table("meta"):
        return 0, found.has_table("record")
    value = conn.execute(
        text("SELECT value FROM meta WHERE key = :key"), {"key": SCHEMA_META}
    ).scalar()
    return (0 if value is None else int(value)), found.has_table("record")


def set_schema_version(conn: Connection, version: int) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")
        return
    conn.execute(
        text(
            "INSERT INTO meta (key, value) VALUES (:key, :value) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"key": SCHEMA_META, "value": str(int(version))},
    )


class DamagedDatabaseError(KnownError):
    """The database file is damaged (SQLite: "malformed", "not a database")."""


def database_damage(path: Path, *, full: bool = False) -> str | None:
    """SQLite's own check of a database file: None when sound, else what is wrong (one line).

    ``full`` runs ``integrity_check`` (indexes against tables too); otherwise
    ``quick_check``, which reads every page once.
    """
    try:
        conn = connect_read_only(path, timeout=30)
        try:
            pragma = "integrity_check(20)" if full else "quick_check(20)"
            rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == ["ok"]:
        return None
    # Lines like "*** in database main ***" head the findings; the findings say more.
    findings = [
        line for row in rows for line in row.splitlines() if line and not line.startswith("***")
    ]
    return "; ".join(findings[:3]) or "damaged"


def connect_read_only(path: Path, *, timeout: float = 10.0) -> sqlite3.Connection:
    """A connection that never writes, even where nothing can be written (a read-only folder).

    A WAL database needs its ``-shm`` file, which SQLite cannot create in a
    read-only folder; when that is what stops it, the file is opened as
    immutable (the folder cannot change under it, and a WAL SQLite could not
    read there holds nothing a clean close left behind).
    """
    uri = Path(path).resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, check_same_thread=False)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        if os.access(Path(path).parent, os.W_OK):
            raise
        conn = sqlite3.connect(
            f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout, check_same_thread=False
        )
    return conn


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Take transactions into our own hands (see _on_begin) instead of pysqlite's.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 10000")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    # FULL: a commit survives power loss too, not only a killed process.
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _begin_immediate(conn: Connection) -> None:
    # IMMEDIATE takes the write lock at the start, so two writers queue
    # instead of failing halfway with "database is locked".
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_deferred(conn: Connection) -> None:
    # Readers see one consistent snapshot and never wait for the writer (WAL).
    conn.exec_driver_sql("BEGIN")


def _on_connect_read_only(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA busy_timeout = 10000")


def make_engine(
    path: Path,
    *,
    write: bool = True,
    on_damage: Callable[[str], BaseException] | None = None,
    read_only: bool = False,
) -> Engine:
    """An engine for writing (transactions take the write lock) or for reading only.

    ``on_damage`` turns SQLite's word for a damaged file into the error to raise
    (the service passes zebkb.service.backup.damaged_database, which names the way out).
    ``read_only`` (a folder nothing can be written to) opens the file without
    ever writing to it (`connect_read_only`); a write then fails as read-only.
    """
    if read_only:
        engine = create_engine("sqlite://", creator=lambda: connect_read_only(path))
        event.listen(engine, "connect", _on_connect_read_only)
        event.listen(engine, "begin", _begin_deferred)
    else:
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _begin_immediate if write else _begin_deferred)

    def on_error(context: ExceptionContext) -> BaseException | None:
        # Whatever reads or writes meets a damaged file, it says the same one line.
        if on_damage is not None and is_damage(context.original_exception):
            return on_damage(str(context.original_exception))
        return None

    event.listen(engine, "handle_error", on_error)
    return engine


def check_schema_read_only(engine: Engine, data_dir: Path) -> None:
    """What `migrate` checks, for a folder that cannot be written: the schema must be current."""
    with engine.connect() as conn:
        version, has_tables = schema_state(conn)
    if version > SCHEMA_VERSION:
        raise newer_schema_error(version)
    if not has_tables or version < SCHEMA_VERSION:
        raise KnownError(
            f"the knowledge base folder {data_dir} is read-only (not writable) and its "
            "database needs setting up or upgrading first; copy the folder to a writable place",
            message_ja=(
                f"データフォルダ {data_dir} は読み取り専用で、データベースの作成または更新が"
                "必要です。書き込める場所にフォルダをコピーしてください"
            ),
        )


def migrate(engine: Engine) -> None:
    """Create a new schema, or bring an older one up to date; refuse a newer one.

    On PostgreSQL the write engine's writer lock (zebkb/store/pg.py) makes two
    PCs opening a new database at once create it once, and DDL is transactional,
    so an upgrade is all or nothing there too.
    """
    with engine.begin() as conn:
        version, has_tables = schema_state(conn)
        if version > SCHEMA_VERSION:
            raise newer_schema_error(version)
        if not has_tables:
            SQLModel.metadata.create_all(conn)
            set_schema_version(conn, SCHEMA_VERSION)
            return
        started = version
        while version < SCHEMA_VERSION:
            UPGRADES[version](conn)
            version += 1
            set_schema_version(conn, version)
        # New tables of this version (a new table needs no upgrade step of its own).
        SQLModel.metadata.create_all(conn)
        for step in range(started, SCHEMA_VERSION):
            after = AFTER_UPGRADES.get(step)
            if after is not None:
                after(conn)
