"""The service: the one door to the data.

:class:`KnowledgeBase` is the only holder of a database session; everything
that reads or changes data goes through it or the modules beside it
(``exchange.py``: import, export, merge, conflicts, the sent and received
logs; ``keys.py``: the trust store; ``tables.py``: list import), whose
queries live in ``zebkb/store``. A read never writes: a search on a stale
index answers from what it has (``SearchResult.stale``) and
``KnowledgeBase.catch_up_index`` is the write that catches it up: every
commit logs the records it changed (zebkb/store/changelog.py) and the index
applies the entries it has not seen, or is rebuilt whole when the log no
longer reaches back to it.

Every write reports what it changed as a :class:`Changes` value
(``changes.py``), in three ways, all the same value:

- every committed write transaction reports to the trackers open on its
  thread: the window's op runner wraps each write op in
  ``with kb.track_changes() as seen:`` and emits ``seen.changes`` once after
  it (this catches every write, including ones made by helpers);
- ``kb.last_changes`` is what the last write on this thread changed;
- results carry it: record writes return a :class:`SavedRecord` (a dict with
  ``.changes``), and ``DemoResult``, ``ExportResult``, ``ImportSummary`` and
  ``UndoResult`` have a ``changes`` field. A restored backup reports
  ``EVERYTHING``.

Importing the package loads none of this: each name is loaded from its module
when first asked for (``__getattr__`` below), so that ``zebkb.service.probe``
can be imported without SQLAlchemy (``zebkb search`` on a current index).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zebkb.search.notices import (
        NOTICE_INDEX_DAMAGED,
        NOTICE_INDEX_OTHER_VERSION,
        NOTICE_INDEX_OUTDATED,
        NOTICE_INDEX_RESET,
    )
    from zebkb.service.backup import BackupInfo, RestoreResult
    from zebkb.service.changes import EVERYTHING, NO_CHANGES, Changes
    from zebkb.service.datadir import DatabaseAwayError, team_folder_url
    from zebkb.service.index import (
        INDEX_NOTICE_NAMES,
        NOTICE_DATABASE_AWAY,
        REBUILD_AHEAD,
        REBUILD_PRUNED,
        REBUILD_UNKNOWN,
        CatchUp,
    )
    from zebkb.service.knowledge_base import (
        DATA_DIR_ENTRIES,
        NOTICE_INDEX_BUSY,
        NOTICE_INDEX_READ_ONLY_BUILT,
        NOTICE_INDEX_READ_ONLY_STALE,
        NOTICE_INDEX_REBUILT,
        NOTICE_INDEX_STALE,
        TEXT_MEDIA_TYPES,
        Cancel,
        ChangeTracker,
        Clock,
        DemoResult,
        KnowledgeBase,
        Progress,
        RecordSummary,
        SavedRecord,
        TableRow,
        Txn,
        Version,
        database_error,
        format_timestamp,
        guess_media_type,
        prepare_data_dir,
        system_clock,
    )
    from zebkb.store.lock import FolderInUseError

# Where each name lives; a test checks that every one of them is there.
_HOMES = {
    "BackupInfo": "zebkb.service.backup",
    "Cancel": "zebkb.service.knowledge_base",
    "CatchUp": "zebkb.service.index",
    "ChangeTracker": "zebkb.service.knowledge_base",
    "Changes": "zebkb.service.changes",
    "Clock": "zebkb.service.knowledge_base",
    "DATA_DIR_ENTRIES": "zebkb.service.knowledge_base",
    "DatabaseAwayError": "zebkb.service.datadir",
    "DemoResult": "zebkb.service.knowledge_base",
    "EVERYTHING": "zebkb.service.changes",
    "FolderInUseError": "zebkb.store.lock",
    "INDEX_NOTICE_NAMES": "zebkb.service.index",
    "KnowledgeBase": "zebkb.service.knowledge_base",
    "NOTICE_DATABASE_AWAY": "zebkb.service.index",
    "NOTICE_INDEX_BUSY": "zebkb.service.knowledge_base",
    "NOTICE_INDEX_DAMAGED": "zebkb.search.notices",
    "NOTICE_INDEX_OTHER_VERSION": "zebkb.search.notices",
    "NOTICE_INDEX_OUTDATED": "zebkb.search.notices",
    "NOTICE_INDEX_READ_ONLY_BUILT": "zebkb.service.knowledge_base",
    "NOTICE_INDEX_READ_ONLY_STALE": "zebkb.service.knowledge_base",
    "NOTICE_INDEX_REBUILT": "zebkb.service.knowledge_base",
    "NOTICE_INDEX_RESET": "zebkb.search.notices",
    "NOTICE_INDEX_STALE": "zebkb.service.knowledge_base",
    "NO_CHANGES": "zebkb.service.changes",
    "Progress": "zebkb.service.knowledge_base",
    "REBUILD_AHEAD": "zebkb.service.index",
    "REBUILD_PRUNED": "zebkb.service.index",
    "REBUILD_UNKNOWN": "zebkb.service.index",
    "RecordSummary": "zebkb.service.knowledge_base",
    "RestoreResult": "zebkb.service.backup",
    "SavedRecord": "zebkb.service.knowledge_base",
    "TEXT_MEDIA_TYPES": "zebkb.service.knowledge_base",
    "TableRow": "zebkb.service.knowledge_base",
    "Txn": "zebkb.service.knowledge_base",
    "Version": "zebkb.service.knowledge_base",
    "database_error": "zebkb.service.knowledge_base",
    "format_timestamp": "zebkb.service.knowledge_base",
    "guess_media_type": "zebkb.service.knowledge_base",
    "prepare_data_dir": "zebkb.service.knowledge_base",
    "system_clock": "zebkb.service.knowledge_base",
    "team_folder_url": "zebkb.service.datadir",
}

__all__ = [
    "DATA_DIR_ENTRIES",
    "EVERYTHING",
    "INDEX_NOTICE_NAMES",
    "NOTICE_DATABASE_AWAY",
    "NOTICE_INDEX_BUSY",
    "NOTICE_INDEX_DAMAGED",
    "NOTICE_INDEX_OTHER_VERSION",
    "NOTICE_INDEX_OUTDATED",
    "NOTICE_INDEX_READ_ONLY_BUILT",
    "NOTICE_INDEX_READ_ONLY_STALE",
    "NOTICE_INDEX_REBUILT",
    "NOTICE_INDEX_RESET",
    "NOTICE_INDEX_STALE",
    "NO_CHANGES",
    "REBUILD_AHEAD",
    "REBUILD_PRUNED",
    "REBUILD_UNKNOWN",
    "TEXT_MEDIA_TYPES",
    "BackupInfo",
    "Cancel",
    "CatchUp",
    "ChangeTracker",
    "Changes",
    "Clock",
    "DatabaseAwayError",
    "DemoResult",
    "FolderInUseError",
    "KnowledgeBase",
    "Progress",
    "RecordSummary",
    "RestoreResult",
    "SavedRecord",
    "TableRow",
    "Txn",
    "Version",
    "database_error",
    "format_timestamp",
    "guess_media_type",
    "prepare_data_dir",
    "system_clock",
    "team_folder_url",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # __import__ rather than importlib, which the light path would otherwise load.
    value = getattr(__import__(home, fromlist=[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
