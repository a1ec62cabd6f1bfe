"""Changes to several selected records at once, and what one undo brings back.

A bulk change is one operation: a tag added to (or removed from) every
selected record is one transaction (``KnowledgeBase.save_many``), reported
once through the op runner's ``dataChanged``, and undone by one Ctrl+Z, which
brings back the version each record had before. ``retag`` and ``undo`` run
on the runner's writer; ``ask_tag`` is the question asked first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QInputDialog, QWidget

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase
    from zebkb.ui.core.i18n import Translator

DELETE, TAG = "delete", "tag"


@dataclass(frozen=True)
class Before:
    """A record as it was before a change: the revision an undo brings back."""

    uid: str
    revision: int
    title: str


@dataclass(frozen=True)
class UndoStep:
    kind: str  # DELETE or TAG
    records: tuple[Before, ...]
    tag: str = ""


def before(record: dict[str, Any]) -> Before:
    return Before(record["uid"], int(record["revision"]), str(record.get("title") or record["uid"]))


def retag(kb: KnowledgeBase, uids: Sequence[str], tag: str, *, add: bool) -> UndoStep:
    """Add ``tag`` to (or remove it from) each record, in one transaction.

    Records that already have (or lack) the tag, and deleted ones, are left
    alone; the step lists only the records that changed.
    """
    changed: list[dict[str, Any]] = []
    previous: list[Before] = []
    for uid in dict.fromkeys(uids):
        record = kb.require(uid)
        if record.get("deleted"):
            continue
        tags = [str(t) for t in record.get("tags") or []]
        if add == (tag in tags):
            continue
        tags = [*tags, tag] if add else [t for t in tags if t != tag]
        changed.append(dict(record, tags=tags))
        previous.append(before(record))
    if changed:
        kb.save_many(changed, expected_revisions=[p.revision for p in previous])
    return UndoStep(TAG, tuple(previous), tag)


def undo(kb: KnowledgeBase, step: UndoStep) -> None:
    """Bring back the version each record of the step had before it."""
    for record in step.records:
        kb.restore(record.uid, record.revision)


def ask_tag(
    tr: Translator,
    parent: QWidget,
    *,
    count: int,
    add: bool,
    choices: Sequence[str],
) -> str | None:
    """The tag to add (typed or chosen) or remove (chosen), or None when cancelled."""
    t = tr.t
    title = t("tag.add_title") if add else t("tag.remove_title")
    prompt = t("tag.add_prompt", n=count) if add else t("tag.remove_prompt", n=count)
    chosen, ok = QInputDialog.getItem(parent, title, prompt, list(choices), 0, add)
    tag = " ".join(str(chosen).split())
    # A tag too long is refused by the save, in words, like any other field.
    return tag if ok and tag else None
