"""Team mode's setting in a data folder: which shared PostgreSQL database it uses.

A data folder in team mode keeps this PC's own things (settings, signing key,
search index, caches) and names the ward's shared database in
``<data_dir>/database.json``. The address never carries a password: libpq
reads it from the user's password file (``~/.pgpass``, or ``%APPDATA%\\
postgresql\\pgpass.conf`` on Windows, or the file ``PGPASSFILE`` names) or
from ``PGPASSWORD``, so nothing secret is written into the folder or shown in
a message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import SplitResult, urlsplit, urlunsplit

from zebkb.atomicfile import sweep_leftovers_of, write_file
from zebkb.errors import InputError, KnownError
from zebkb.tempfiles import sweep_leftovers

TEAM_FILE = "database.json"
_FORMAT = "zebkb-database"
_VERSION = 1
_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# What zebkb before zebkb/atomicfile.py wrote the setting under (no pid in the name).
_OLD_TEMP = re.compile(r"\.database-[a-z0-9_]+\.json")


def _refuse(message_en: str, message_ja: str) -> InputError:
    return InputError(message_en, message_ja=message_ja)


def normalise_url(url: str) -> str:
    """The address as stored: ``postgresql://user@host:port/database?options``.

    Refused in words: another scheme, no database name, or a password in it.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        raise _refuse(
            f"not a database address: {text[:80]!r}; write postgresql://USER@HOST/DATABASE",
            f"データベースのアドレスではありません: {text[:80]!r}。"
            "postgresql://ユーザー@サーバー/データベース の形で指定してください",
        ) from None
    if parts.scheme.lower() not in _SCHEMES:
        raise _refuse(
            f"not a PostgreSQL address: {text[:80]!r}; write postgresql://USER@HOST/DATABASE",
            f"PostgreSQL のアドレスではありません: {text[:80]!r}。"
            "postgresql://ユーザー@サーバー/データベース の形で指定してください",
        )
    if parts.password is not None or "password=" in parts.query.lower():
        raise _refuse(
            "the database address holds a password; leave it out and put it in the "
            "user's password file (~/.pgpass, or the file PGPASSFILE names) or in PGPASSWORD",
            "データベースのアドレスにパスワードが含まれています。アドレスから外し、"
            "パスワードファイル（~/.pgpass または PGPASSFILE が指すファイル）か"
            "環境変数 PGPASSWORD に書いてください",
        )
    database = parts.path.lstrip("/")
    if not database or "/" in database:
        raise _refuse(
            f"the database address names no database: {text[:80]!r}; "
            "write postgresql://USER@HOST/DATABASE",
            f"データベースのアドレスにデータベース名がありません: {text[:80]!r}。"
            "postgresql://ユーザー@サーバー/データベース の形で指定してください",
        )
    clean = SplitResult("postgresql", parts.netloc, parts.path, parts.query, "")
    return urlunsplit(clean)


def driver_url(url: str) -> str:
    """The address for SQLAlchemy: its psycopg (version 3) dialect."""
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def shown_url(url: str) -> str:
    """The address as shown to people (it never holds a password; options left out)."""
    parts = urlsplit(url)
    return urlunsplit(SplitResult("postgresql", parts.netloc, parts.path, "", ""))


def database_url(data_dir: Path) -> str | None:
    """The shared database this folder uses; None for a folder of its own (SQLite)."""
    path = Path(data_dir) / TEAM_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KnownError(
            f"cannot read {path}: {exc.strerror}",
            message_ja=f"{path} を読めません: {exc.strerror}",
        ) from None
    try:
        data = json.loads(raw)
        if (
            not isinstance(data, dict)
            or data.get("format") != _FORMAT
            or not isinstance(data.get("url"), str)
        ):
            raise ValueError("not a zebkb database setting")
        if not isinstance(data.get("version"), int) or data["version"] > _VERSION:
            raise ValueError(f"version {data.get('version')!r}")
        return normalise_url(data["url"])
    except (ValueError, UnicodeDecodeError, InputError) as exc:
        raise KnownError(
            f"{path} is damaged ({exc}); run 'zebkb init --ward WARD --database URL' again",
            message_ja=(
                f"{path} が壊れています（{exc}）。"
                "zebkb init --ward 区 --database アドレス をもう一度実行してください"
            ),
        ) from None


def write_database_url(data_dir: Path, url: str) -> None:
    """Name the shared database in the folder (atomically: the old setting or the new one)."""
    text = json.dumps(
        {"format": _FORMAT, "version": _VERSION, "url": normalise_url(url)},
        ensure_ascii=False,
        indent=2,
    )
    folder = Path(data_dir)
    sweep_setting_leftovers(folder)
    write_file(folder / TEAM_FILE, lambda fh: fh.write(f"{text}\n".encode()), example=TEAM_FILE)


def sweep_setting_leftovers(data_dir: Path) -> list[Path]:
    """Remove the temporary files a killed ``write_database_url`` left in the folder.

    One left behind would make the folder look like no zebkb folder (it holds
    a file zebkb does not know); a live writer's file is left alone.
    """
    folder = Path(data_dir)
    return sweep_leftovers_of(folder, TEAM_FILE) + sweep_leftovers(folder, _OLD_TEMP)
