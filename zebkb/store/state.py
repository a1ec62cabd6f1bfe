"""What the command line asks of the database without loading SQLAlchemy.

Loading SQLAlchemy costs a few hundred milliseconds; a search that needs only
the index reads the change counter with the standard library and goes on when
it matches the index, and an error is recognised as the database's own without
it (both asked through zebkb/service/probe.py). The engines (db.py) take the
file's name and the words for damage from here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

DB_FILE = "zebkb.sqlite3"


def read_change_state(db_path: Path) -> int | None:
    """The database's ``change_seq`` (0 before the first change); None when it cannot be read."""
    try:
        db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'change_seq'").fetchone()
        finally:
            db.close()
        return 0 if row is None else int(row[0])
    except (sqlite3.Error, ValueError, OSError):
        return None


def is_sqlite_error(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's own error (raw, or wrapped by SQLAlchemy as ``orig``)."""
    return isinstance(exc, sqlite3.DatabaseError) or isinstance(
        getattr(exc, "orig", None), sqlite3.DatabaseError
    )


# What SQLite says of a file whose pages are damaged or that is no database at all.
_DAMAGE_WORDS = ("malformed", "not a database", "file is encrypted")


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` (sqlite3's, or SQLAlchemy's wrapping it) reports a damaged database."""
    orig = getattr(exc, "orig", None)
    for candidate in (exc, orig):
        if isinstance(candidate, sqlite3.DatabaseError) and not isinstance(
            candidate, sqlite3.OperationalError
        ):
            text = str(candidate)
            if any(word in text for word in _DAMAGE_WORDS):
                return True
    return False
