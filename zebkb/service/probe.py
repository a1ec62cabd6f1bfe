"""What the command line asks of a data folder without loading SQLAlchemy.

Loading SQLAlchemy (and with it the facade) costs a few hundred milliseconds;
``zebkb search`` answers from the index alone when one read of the database's
change counter shows the index is current (zebkb/cli/search.py), and an error
that escaped everything else is recognised as a damaged database without it
(zebkb/cli/main.py). Importing this module loads neither: the package's
``__init__`` loads the facade only when a name of it is asked for.
"""

from __future__ import annotations

from pathlib import Path

from zebkb.errors import KnownError
from zebkb.store.state import DB_FILE, is_damage, is_sqlite_error, read_change_state


def change_state(data_dir: Path) -> int | None:
    """The folder's own database's change counter; None without one, or when unreadable."""
    db_path = data_dir / DB_FILE
    return read_change_state(db_path) if db_path.is_file() else None


def says_damaged(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying that a database is damaged."""
    return is_sqlite_error(exc) and is_damage(exc)


def damaged_database_error(exc: BaseException, data_dir: Path) -> KnownError:
    """The one line a damaged database gets (for an ``exc`` that `says_damaged`)."""
    from zebkb.service.backup import damaged_database

    return damaged_database(data_dir, str(getattr(exc, "orig", None) or exc))
