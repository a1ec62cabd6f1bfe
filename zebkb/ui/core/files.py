"""An attachment's file on this PC, found by a read and, in team mode, fetched by a write.

In team mode the files live in the team's database and each PC's data folder
keeps copies of those it has opened (zebkb/service/attachments.py). Copying
one in writes into the folder, and the window's reader threads never write
(zebkb/ui/core/ops.py): a read looks for this PC's copy; only when there is
none does the writer thread fetch it, in its turn after the writes asked for
before it. A folder of its own (not team mode) never fetches: a missing file
is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from zebkb.service.changes import NO_CHANGES
from zebkb.ui.core.ops import CollectionOp, OpRunner, QueryOp

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase


def find_local(kb: KnowledgeBase, sha256: str) -> tuple[Path | None, bool]:
    """This PC's copy of a file (None when it has none), and whether the team's store
    may have it; writes nothing, so it runs on a reader thread."""
    path = kb.attachment_path(sha256, fetch=False)
    return path, path is None and kb.shares_files


def with_attachment_file(
    parent: QObject | None,
    kb: KnowledgeBase,
    runner: OpRunner,
    sha256: str,
    then: Callable[[Path | None], None],
    *,
    failed: Callable[[BaseException], None] | None = None,
    fetching: Callable[[], None] | None = None,
) -> None:
    """Call ``then`` on the GUI thread with the file's local path, or None when it is not here.

    ``fetching`` is called when the file has to come from the team's database first:
    the writer may be busy with a colleague-sized import, so the person is told why
    the file takes a moment.
    """

    def found(answer: tuple[Path | None, bool]) -> None:
        path, fetchable = answer
        if not fetchable:
            then(path)
            return
        if fetching is not None:
            fetching()
        # A copy that cannot be made says why (disk full, a damaged team copy).
        op = CollectionOp(parent, lambda: kb.fetch_attachment(sha256), runner=runner)
        op.changes(NO_CHANGES).success(then)  # a copy of a file, no record changed
        if failed is not None:
            op.failure(failed)
        op.run_in_background()

    read = QueryOp(parent, lambda: find_local(kb, sha256), runner=runner).success(found)
    if failed is not None:
        read.failure(failed)
    read.run_in_background()
