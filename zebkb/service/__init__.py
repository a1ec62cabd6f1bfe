"""The service: the one door to the data.

:class:`KnowledgeBase` is the only holder of a database session; everything
that reads or changes data goes through it. Every write reports what it
touched as a :class:`Changes` value (see ``changes.py``).
"""

from zebkb.service.changes import EVERYTHING, NO_CHANGES, Changes
from zebkb.service.knowledge_base import (
    DATA_DIR_ENTRIES,
    NOTICE_INDEX_BUSY,
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
    "NOTICE_INDEX_BUSY",
    "NOTICE_INDEX_REBUILT",
    "NOTICE_INDEX_STALE",
    "NO_CHANGES",
    "TEXT_MEDIA_TYPES",
    "Cancel",
    "ChangeTracker",
    "Changes",
    "Clock",
    "DemoResult",
    "KnowledgeBase",
    "Progress",
    "RecordSummary",
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
