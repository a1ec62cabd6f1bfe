"""The data folder: what may be in it, making it on first use, and database errors in words."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import DatabaseError

from zebkb.errors import InputError, KnownError
from zebkb.service.backup import damaged_database
from zebkb.store import team
from zebkb.store.netfs import NetworkFolderError, refuse_network_folder
from zebkb.store.state import DB_FILE, is_damage

__all__ = [
    "DATA_DIR_ENTRIES",
    "NetworkFolderError",
    "database_error",
    "prepare_data_dir",
    "readable_only",
    "refuse_network_folder",
    "require_knowledge_base",
    "team_folder_url",
    "usable_data_dir",
]
from zebkb.store.pg import database_error as pg_database_error
from zebkb.store.pg import is_postgres_error

# Files a zebkb data folder may hold; a folder with anything else is not ours.
DATA_DIR_ENTRIES = frozenset(
    {
        DB_FILE,
        f"{DB_FILE}-wal",
        f"{DB_FILE}-shm",
        "attachments",
        "index",
        "thumbs",
        "logs",
        "backups",
        "keys",
        "lock",
        "search-variants.txt",  # the user's spelling variants (zebkb/search/variants.py)
        "tables",  # column mappings confirmed for list imports (zebkb/tables/mapping.py)
        team.TEAM_FILE,  # the shared database of team mode (zebkb/store/team.py)
    }
)


def readable_only(path: Path) -> bool:
    """A knowledge base folder that exists and cannot be written (opened read-only)."""
    return (path / DB_FILE).is_file() and not os.access(path, os.W_OK | os.X_OK)


def require_knowledge_base(path: Path) -> None:
    """Refuse a folder with no knowledge base in it, before anything is made there.

    Commands that only read (search, list, check...) would otherwise make a new,
    empty knowledge base and answer from it: a mistyped --data-dir went unnoticed.
    A folder holds one when it has the SQLite file, or names a team database.
    """
    if (path / DB_FILE).is_file() or (path / team.TEAM_FILE).is_file():
        return
    if path.exists() and not usable_data_dir(path):
        return  # a file, or another program's folder: opening it says so in its own words
    raise InputError(
        f"there is no knowledge base in {path}; check the folder given, "
        "or start one there with 'zebkb init --ward WARD'",
        message_ja=(
            f"{path} にはナレッジベースがありません。指定したフォルダを確かめるか、"
            "新しく始めるには zebkb init --ward 区名 を実行してください"
        ),
    )


def usable_data_dir(path: Path) -> bool:
    """An empty or new folder, or one that already holds a zebkb knowledge base."""
    if not path.exists():
        return True
    if not path.is_dir():
        return False
    try:
        entries = {p.name for p in path.iterdir()}
    except OSError:
        return False
    return not entries or DB_FILE in entries or entries <= DATA_DIR_ENTRIES


def prepare_data_dir(path: Path, *, read_only_ok: bool = False) -> bool:
    """Create the folder on first use; refuse one that is not a zebkb folder.

    Returns whether the folder is writable. One that is not is refused, unless
    ``read_only_ok`` and it already holds a knowledge base (it is then read).
    """
    if path.exists() and not path.is_dir():
        raise KnownError(
            f"{path} is a file, not a knowledge base folder",
            message_ja=f"{path} はファイルです。データフォルダを指定してください",
        )
    if path.is_dir():
        team.sweep_setting_leftovers(path)
        entries = {p.name for p in path.iterdir()}
        if entries and DB_FILE not in entries and not entries <= DATA_DIR_ENTRIES:
            raise KnownError(
                f"{path} is not a zebkb knowledge base folder (it holds other files); "
                "choose an empty or new folder",
                message_ja=(
                    f"{path} は zebkb のデータフォルダではありません（他のファイルがあります）"
                ),
            )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KnownError(
            f"cannot create the knowledge base folder {path}: {exc.strerror}",
            message_ja=f"データフォルダ {path} を作成できません: {exc.strerror}",
        ) from None
    if os.access(path, os.W_OK | os.X_OK):
        return True
    if read_only_ok and ((path / DB_FILE).is_file() or (path / team.TEAM_FILE).is_file()):
        return False
    raise KnownError(
        f"the knowledge base folder {path} is not writable",
        message_ja=f"データフォルダ {path} に書き込めません",
    )


def team_folder_url(path: Path, address: str) -> str:
    """The shared database's address (as stored) for a folder about to join team mode.

    Refused in words: an address that is not PostgreSQL's (zebkb/store/team.py),
    a folder that holds a knowledge base of its own, or one already connected to
    another database.
    """
    url = team.normalise_url(address)
    if (path / DB_FILE).exists():
        raise InputError(
            f"{path} already holds a knowledge base of its own (SQLite); choose a new "
            "folder for team mode, or move its records with 'zebkb migrate --to URL'",
            message_ja=(
                f"{path} には既にこの PC のナレッジベース（SQLite）があります。"
                "チームモードには新しいフォルダを指定するか、"
                "zebkb migrate --to アドレス で記録を移してください"
            ),
        )
    if path.is_dir():
        current = team.database_url(path)
        if current is not None and current != url:
            shown = team.shown_url(current)
            raise InputError(
                f"{path} is already connected to the database {shown}; "
                "choose a new folder for another database",
                message_ja=(
                    f"{path} は既にデータベース {shown} に接続されています。"
                    "別のデータベースには新しいフォルダを指定してください"
                ),
            )
    return url


class DatabaseAwayError(KnownError):
    """The team database cannot be reached (the server stopped or the network is cut)."""


def server_away(exc: BaseException) -> bool:
    """Whether a PostgreSQL error says the server went away, not that a statement failed.

    No SQLSTATE: the connection could not be made or broke; class 08: connection
    exceptions; 57P: the server shutting down or ending the session.
    """
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or ""
    return not state or state.startswith(("08", "57P"))


def database_error(path: Path, exc: DatabaseError, *, url: str | None = None) -> KnownError:
    """The database's failure in words; ``url`` names team mode's shared database."""
    if url is not None or is_postgres_error(exc):
        return pg_database_error(team.shown_url(url) if url else "", exc)
    text = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in text or "busy" in text:
        return KnownError(
            f"the knowledge base in {path} is busy (another zebkb is writing); try again",
            message_ja="データベースが使用中です（別の zebkb が書き込み中）。もう一度お試しください",
        )
    if is_damage(exc):
        return damaged_database(path, text)
    if "readonly" in text or "read-only" in text:
        return KnownError(
            f"the knowledge base in {path} is read-only",
            message_ja="データフォルダが読み取り専用です",
        )
    if "disk" in text and "full" in text:
        return KnownError(
            f"the disk holding {path} is full; nothing was saved",
            message_ja="ディスクがいっぱいです。保存されていません",
        )
    return KnownError(f"database error in {path}: {text}")
