"""The PostgreSQL engine (team mode): the same tables, one writer at a time, shared by a ward.

Writers. Every write transaction first takes one transaction-level advisory
lock (``pg_advisory_xact_lock``), so writes to one knowledge base follow one
another exactly as SQLite's ``BEGIN IMMEDIATE`` makes them do in a data
folder: a transaction that begins after another committed reads what that one
wrote, so the revision check of a save (``expected_revision``) sees the other
person's save and refuses instead of overwriting it, and the change counter
never loses an increment. Under READ COMMITTED with that lock, writers cannot
meet a serialisation failure or a deadlock among themselves; a lock not had
within ``lock_timeout`` is refused as "busy, try again". A ward's writes are
a person's saves and imports, milliseconds to seconds each, so queueing them
costs nothing anyone notices, and the rules of merging, conflicts and undo are
the SQLite ones, unchanged.

Readers take a REPEATABLE READ snapshot: a read of several statements (the
home screen's counts, an export) sees one state, as a SQLite read
transaction does, and never waits for a writer.

Text columns are created with the "C" collation, so text compares and sorts
by code point on every server (as SQLite's BINARY does), whatever locale the
ward's database was created with: a uid prefix range and every ORDER BY give
the same answer on both engines.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, String, create_engine, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateColumn

from zebkb.errors import KnownError

# The knowledge base's writer lock ("zebk" in ASCII); any other number is free for others.
WRITER_LOCK_KEY = 0x7A65626B
# How long a write waits for another's to finish before it is refused as busy.
DEFAULT_LOCK_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10


@compiles(CreateColumn, "postgresql")
def _text_in_c_collation(element: CreateColumn, compiler: Any, **kw: Any) -> str:
    column = element.element
    spec = str(compiler.visit_create_column(element, **kw))
    # SQLModel's str columns are AutoString, a decorator over String.
    impl = getattr(column.type, "impl", column.type)
    if isinstance(impl, String) and not impl.collation:
        name = compiler.preparer.format_column(column)
        type_text = compiler.dialect.type_compiler_instance.process(column.type)
        prefix = f"{name} {type_text}"
        if spec.startswith(prefix):
            spec = f'{prefix} COLLATE "C"{spec[len(prefix) :]}'
    return spec


def _take_writer_lock(conn: Connection) -> None:
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")


def make_pg_engine(url: str, *, write: bool = True, lock_timeout_ms: int | None = None) -> Engine:
    """An engine on the shared database ``url`` (``postgresql+psycopg://…``)."""
    if lock_timeout_ms is None:
        lock_timeout_ms = DEFAULT_LOCK_TIMEOUT_MS
    engine = create_engine(
        url,
        isolation_level="READ COMMITTED" if write else "REPEATABLE READ",
        # A connection the server dropped (restart, idle cut-off) is replaced, not used.
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "zebkb",
            "options": f"-c lock_timeout={int(lock_timeout_ms)}",
        },
    )
    if write:
        event.listen(engine, "begin", _take_writer_lock)
    return engine


def is_postgres(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "postgresql"


def is_postgres_error(exc: BaseException) -> bool:
    """Whether ``exc`` is psycopg's (raw, or wrapped by SQLAlchemy as ``orig``)."""
    for candidate in (exc, getattr(exc, "orig", None)):
        if candidate is not None and type(candidate).__module__.startswith("psycopg"):
            return True
    return False


def database_error(shown: str, exc: BaseException) -> KnownError:
    """What a failure of the shared database says to a ward employee (one line, ja and en)."""
    orig = getattr(exc, "orig", None) or exc
    detail = " ".join(str(orig).split())[:300]
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate == "55P03" or "lock timeout" in detail:
        return KnownError(
            f"the team knowledge base {shown} is busy (a colleague's change is being "
            "written); try again",
            message_ja=(
                f"共有データベース {shown} は使用中です（他の人の変更を書き込み中）。"
                "もう一度お試しください"
            ),
        )
    if sqlstate.startswith("28") or "password" in detail:
        return KnownError(
            f"the team database {shown} refused the sign-in ({detail}); put the password "
            "in the user's password file (~/.pgpass, or the file PGPASSFILE names) or in "
            "PGPASSWORD, and check the role with the ward's IT",
            message_ja=(
                f"共有データベース {shown} へのログインが拒否されました（{detail}）。"
                "パスワードをパスワードファイル（~/.pgpass または PGPASSFILE が指すファイル）"
                "か PGPASSWORD に書き、ロールを情報システム担当に確認してください"
            ),
        )
    if not sqlstate or sqlstate.startswith("08") or sqlstate.startswith("57P"):
        return KnownError(
            f"cannot reach the team database {shown} ({detail}); check the network and "
            "that the server runs, then try again",
            message_ja=(
                f"共有データベース {shown} に接続できません（{unreachable_reason_ja(detail)}）。"
                "ネットワークとサーバーの稼働を確かめてから、もう一度お試しください"
            ),
        )
    return KnownError(
        f"database error in the team database {shown}: {detail}",
        message_ja=f"共有データベース {shown} でエラーが発生しました: {detail}",
    )


# libpq's and the server's words for why a connection failed or ended, and what they
# mean to a ward employee: the Japanese line says that, not libpq's English sentence
# (the English line, `zebkb --lang en`, keeps the sentence for the ward's IT).
_UNREACHABLE_JA = (
    (
        ("no such file or directory", "connection refused", "is the server running"),
        "サーバーが動いていないか、接続先が違います",
    ),
    (
        ("could not translate host name", "name or service not known", "nodename nor servname"),
        "サーバー名が見つかりません",
    ),
    (("no route to host", "network is unreachable"), "ネットワークがサーバーに届きません"),
    (("timeout expired", "timed out"), "サーバーが時間内に応答しませんでした"),
    (
        ("shutting down", "starting up", "in recovery mode", "terminating connection"),
        "サーバーが停止または再起動しました",
    ),
    (
        (
            "closed the connection",
            "connection is closed",
            "connection is lost",
            "connection is bad",
            "ssl syscall",
            "consuming input failed",
            "server closed",
        ),
        "接続が途中で切れました",
    ),
)


def unreachable_reason_ja(detail: str) -> str:
    """Why the server could not be reached, in Japanese; libpq's own words when not known."""
    lowered = detail.lower()
    for needles, reason in _UNREACHABLE_JA:
        if any(needle in lowered for needle in needles):
            return reason
    return detail or "理由不明"
