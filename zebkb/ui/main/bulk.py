"""Changes to several selected records at once, and what one undo brings back.

A bulk change is one operation: a tag added to (or removed from) every
selected record is one transaction (``KnowledgeBase.save_many``), reported
once through the op runner's ``dataChanged``, and undone by one Ctrl+Z, which
brings back the version each record had before. ``retag`` and ``undo`` run
on the runner's writer; ``ask_tag`` is the question asked first.

Someone may change one of the records between the change and its undo (a
colleague on another PC, in team mode): the undo then leaves that record as
they made it, and says how many it left.
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
    # The revision the change made: an undo restores only a record still at it.
    after: int | None = None


@dataclass(frozen=True)
class UndoStep:
    kind: str  # DELETE or TAG
    records: tuple[Before, ...]
    tag: str = ""


def before(record: dict[str, Any], after: int | None = None) -> Before:
    title = str(record.get("title") or record["uid"])
    return Before(record["uid"], int(record["revision"]), title, after)


def delete(kb: KnowledgeBase, uids: Sequence[str]) -> UndoStep:
    """Delete each record; the step lists those this delete deleted.

    A record someone else deleted first (its list row not redrawn yet) is not
    this delete's: undoing it must not bring back what they deleted.
    """
    done = []
    for uid in uids:
        record = kb.require(uid)
        if record.get("deleted"):
            continue
        saved = kb.delete(uid)
        if saved["revision"] == record["revision"] + 1:
            done.append(before(record, after=int(saved["revision"])))
    return UndoStep(DELETE, tuple(done))


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
        saved = kb.save_many(changed, expected_revisions=[p.revision for p in previous])
        previous = [
            Before(p.uid, p.revision, p.title, int(r["revision"]))
            for p, r in zip(previous, saved, strict=True)
        ]
    return UndoStep(TAG, tuple(previous), tag)


def undo(kb: KnowledgeBase, step: UndoStep) -> tuple[Before, ...]:
    """Bring back the version each record of the step had before it; the records left.

    A record changed since the step (not at the revision the step made) is left
    as it is now, and returned.
    """
    from zebkb.service.records import ChangedSinceError

    left: list[Before] = []
    for record in step.records:
        try:
            kb.restore(record.uid, record.revision, expected_revision=record.after)
        except ChangedSinceError:
            left.append(record)
    return tuple(left)


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
