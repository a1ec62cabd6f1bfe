"""What the search index itself says of its state, as constants the window and the command
line translate (zebkb/ui/main/mainwindow.py, zebkb/cli/search.py); kept out of engine.py so
that knowing them does not load Whoosh."""

from __future__ import annotations

NOTICE_INDEX_DAMAGED = (
    "The search index was damaged; rebuild it (zebkb reindex) to search all records again."
)
NOTICE_INDEX_RESET = (
    "The search index was damaged and has been reset; "
    "rebuild it (zebkb reindex) to search all records again."
)
NOTICE_INDEX_OUTDATED = (
    "The search index is out of date; results may be incomplete until it is rebuilt."
)
NOTICE_INDEX_OTHER_VERSION = (
    "The search index is being rebuilt for this version of zebkb; "
    "results may be incomplete until it is done."
)
