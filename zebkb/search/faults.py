"""Why the search index could not be read, in words: never an exception's class name.

``zebkb check`` and the window show these after 検索索引: / search index:, so a
ward employee reads 記録の本文のファイルがありません, not FileNotFoundError.
The English names the file too, for the IT staff who look into it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from zebkb.errors import os_reason

# The index's files (zebkb/search/engine.py's layout), as people would call them.
_FILES = {
    "docs.sqlite": ("the file of record texts", "記録の本文のファイル"),
    "CURRENT": ("the file naming the index in use", "使用中の索引を示すファイル"),
}
_WORD_INDEX = ("a file of the word index", "語の索引のファイル")


def _which(filename: str | None) -> tuple[str, str]:
    name = Path(filename).name if filename else ""
    if name in _FILES:
        en, ja = _FILES[name]
    elif name.endswith((".toc", ".seg", ".pst", ".trm", ".fdt", ".fvz")) or "whoosh" in (
        filename or ""
    ):
        en, ja = _WORD_INDEX
    else:
        en, ja = "a file of the index", "索引のファイル"
    return (f"{en} ({name})" if name else en), ja


def fault_words(error: BaseException) -> tuple[str, str]:
    """What is wrong, in English and Japanese, for ``error`` met reading the index."""
    if isinstance(error, FileNotFoundError):
        en, ja = _which(error.filename)
        return f"{en} is missing", f"{ja}がありません"
    if isinstance(error, PermissionError):
        en, ja = _which(error.filename)
        return f"{en} may not be read (permission denied)", f"{ja}を読む権限がありません"
    if isinstance(error, sqlite3.DatabaseError):
        en, ja = _FILES["docs.sqlite"]
        return f"{en} (docs.sqlite) is damaged", f"{ja}が壊れています"
    if isinstance(error, OSError):
        en, ja = _which(error.filename)
        reason_en, reason_ja = os_reason(error, "en"), os_reason(error, "ja")
        # A reason the system says only in English is left out of the Japanese.
        why = f"（{reason_ja}）" if reason_ja != reason_en else ""
        return f"{en} cannot be read: {reason_en}", f"{ja}を読めません{why}"
    if type(error).__name__ == "EmptyIndexError":  # Whoosh found no table of contents
        return "the word index has no files", "語の索引のファイルがありません"
    return "its files cannot be read as an index", "ファイルを索引として読めません"
