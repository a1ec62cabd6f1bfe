"""A rotating log file in ``<data_dir>/logs/``: where unexpected errors are written down.

Ward staff never read it; their IT contact does, so every message shown to a
user about an unexpected error names this file.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_DIR = "logs"
LOG_FILE = "zebkb.log"
MAX_BYTES = 1 << 20
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_DIR / LOG_FILE


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path | None:
    """Send zebkb's log records to the folder's rotating log file; returns its path.

    Safe to call more than once (the handler is installed once per file). A
    folder where the log cannot be written (read-only, disk full) gets no log
    file rather than an error: logging must never be the reason work fails.
    """
    path = log_path(data_dir)
    root = logging.getLogger("zebkb")
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = SafeRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
        )
    except OSError:
        _log_nowhere(root)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return path


def _log_nowhere(root: logging.Logger) -> None:
    """No log file: zebkb's records go nowhere rather than to stderr. With no handler,
    logging's last resort printed each warning raw there, in English and naming files
    ("search index gen-… could not be opened: …"), beside the notice the command line
    or window already says in the user's language."""
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())


def close_logging() -> None:
    """Detach and close zebkb's log files (tests, and before a folder is moved)."""
    root = logging.getLogger("zebkb")
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler):
            root.removeHandler(handler)
            handler.close()


class SafeRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A log file that falls silent instead of printing tracebacks when it cannot be written."""

    def handleError(self, record: logging.LogRecord) -> None:
        return
