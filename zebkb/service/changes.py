"""What a write changed: the one value the window listens to.

Every write of :class:`~zebkb.service.KnowledgeBase` says what it touched with
a :class:`Changes`; the window's op runner emits it once after the write and
each pane redraws only what concerns it (docs: architecture.md, "The next
shape"). Values combine with ``|`` so a write made of several steps reports
the union.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    records: frozenset[str] = frozenset()  # uids created/updated/deleted/restored
    # bulk: import, undo-import, restore-backup, demo: every record may differ
    all_records: bool = False
    conflicts: bool = False
    keys: bool = False
    settings: bool = False
    index: bool = False
    exchange_log: bool = False

    def __or__(self, other: Changes) -> Changes:
        if not isinstance(other, Changes):
            return NotImplemented
        return Changes(
            records=self.records | other.records,
            all_records=self.all_records or other.all_records,
            conflicts=self.conflicts or other.conflicts,
            keys=self.keys or other.keys,
            settings=self.settings or other.settings,
            index=self.index or other.index,
            exchange_log=self.exchange_log or other.exchange_log,
        )

    @property
    def empty(self) -> bool:
        return not (
            self.records
            or self.all_records
            or self.conflicts
            or self.keys
            or self.settings
            or self.index
            or self.exchange_log
        )

    def touches(self, uid: str) -> bool:
        """Whether the record ``uid`` may differ after this write."""
        return self.all_records or uid in self.records


NO_CHANGES = Changes()
# A whole other database (a restored backup): everything may differ.
EVERYTHING = Changes(
    all_records=True, conflicts=True, keys=True, settings=True, index=True, exchange_log=True
)
