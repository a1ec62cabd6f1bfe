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
"""

from zebkb.backup import BackupInfo, RestoreResult
from zebkb.search.notices import NOTICE_INDEX_DAMAGED, NOTICE_INDEX_OUTDATED, NOTICE_INDEX_RESET
from zebkb.service.changes import EVERYTHING, NO_CHANGES, Changes
from zebkb.service.datadir import DatabaseAwayError
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

__all__ = [
    "DATA_DIR_ENTRIES",
    "EVERYTHING",
    "INDEX_NOTICE_NAMES",
    "NOTICE_DATABASE_AWAY",
    "NOTICE_INDEX_BUSY",
    "NOTICE_INDEX_DAMAGED",
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
]
