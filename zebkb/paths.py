"""Where the knowledge base lives unless told otherwise: one answer for the command line and the window.

No Qt and no command-line parsing here, so the window asks this module and not
the command line (which would make the two import each other).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "ZEBKB_DATA_DIR"


def default_data_dir() -> Path:
    """The per-user data folder of this operating system."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("zebkb", appauthor=False))


def chosen_data_dir(given: str | Path | None) -> Path:
    """The folder given (``--data-dir``), else ``$ZEBKB_DATA_DIR``, else the default."""
    chosen = given or os.environ.get(DATA_DIR_ENV)
    return Path(chosen).expanduser() if chosen else default_data_dir()
