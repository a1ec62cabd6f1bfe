"""One write transaction (:class:`Txn`), the trackers that hear what writes changed, the clock.

The facade (knowledge_base.py) opens a :class:`Txn` for every write; the
service modules beside it (records, attachments, demo, exchange, tables) do
their work inside it, and what it touched is re-indexed after the commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from zebkb.service.changes import NO_CHANGES, Changes
from zebkb.store import records as store
from zebkb.store.models import Meta, RecordRow

if TYPE_CHECKING:
    from zebkb.search.engine import AsideBuild

Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def system_clock() -> datetime:
    return datetime.now().astimezone()


def format_timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class ChangeTracker:
    """Collects what every write made on this thread changed while it is open."""

    def __init__(self) -> None:
        self.changes: Changes = NO_CHANGES

    def add(self, changes: Changes) -> None:
        self.changes = self.changes | changes


class _Tracking(threading.local):
    def __init__(self) -> None:
        self.open: list[ChangeTracker] = []
        self.last: Changes = NO_CHANGES


class Txn:
    """One open transaction; what it touches is re-indexed after the commit."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.touched: set[str] = set()
        # The current version each record was given here (`put_current`), as written: the
        # index update after the commit takes these instead of reading them back.
        self.saved: dict[str, Mapping[str, Any]] = {}
        # The kind of change each touched record gets in the change log (else "change").
        self.kinds: dict[str, str] = {}
        # Set for a transaction that is one kind of change as a whole (a settled conflict,
        # a list import): every record it touches is logged so.
        self.change_kind: str | None = None
        # The change numbers this transaction's log entries got (first, last), once logged.
        self.logged: tuple[int, int] | None = None
        self.saved_at = format_timestamp(clock())
        # The search index of this transaction's state, built before the commit
        # (KnowledgeBase.build_index_aside); shown once the commit is made.
        self.index_aside: AsideBuild | None = None
        # The change number the index reflected when that was built.
        self.index_aside_base = 0
        # What this transaction changes besides the records in ``touched``.
        self.noted: Changes = NO_CHANGES
        # Set once the transaction has committed: everything it changed.
        self.changes: Changes = NO_CHANGES

    def note(self, changes: Changes) -> None:
        """Say that this transaction changes more than records (conflicts, keys, settings…)."""
        self.noted = self.noted | changes

    def touch(self, uid: str, kind: str) -> None:
        """Say that this transaction changes the record ``uid`` (logged as ``kind``)."""
        self.touched.add(uid)
        self.kinds[uid] = kind
        # Changed some other way than by `put_current` (removed, say): read it back.
        self.saved.pop(uid, None)

    def get(self, uid: str) -> dict[str, Any] | None:
        return store.get_record(self.session, uid)

    def agreed_hash(self, uid: str) -> str | None:
        row = self.session.get(RecordRow, uid)
        return None if row is None else row.agreed_hash

    def set_agreed_hash(self, uid: str, digest: str | None) -> None:
        row = self.session.get(RecordRow, uid)
        if row is not None:
            row.agreed_hash = digest
            self.session.add(row)

    def put_current(
        self, record: Mapping[str, Any], *, source: str, bundle_id: str | None = None
    ) -> str:
        self.touch(record["uid"], source)
        digest = store.put_current(
            self.session, record=record, source=source, saved_at=self.saved_at, bundle_id=bundle_id
        )
        self.saved[record["uid"]] = record
        return digest

    def put_current_many(
        self, records: Sequence[Mapping[str, Any]], *, source: str, bundle_id: str | None = None
    ) -> list[str]:
        """``put_current`` for a batch (an import): the same result, far fewer statements."""
        for r in records:
            self.touch(r["uid"], source)
        digests = store.put_current_many(
            self.session,
            records=records,
            source=source,
            saved_at=self.saved_at,
            bundle_id=bundle_id,
        )
        self.saved.update((r["uid"], r) for r in records)
        return digests

    def get_many(self, uids: list[str]) -> dict[str, dict[str, Any]]:
        return store.get_records(self.session, uids)

    def agreed_hashes(self, uids: list[str]) -> dict[str, str | None]:
        return store.agreed_hashes(self.session, uids)

    def set_agreed_hashes(self, pairs: Mapping[str, str | None]) -> None:
        store.set_agreed_hashes(self.session, pairs)

    def put_history(
        self, record: Mapping[str, Any], *, source: str, bundle_id: str | None = None
    ) -> str:
        return store.put_history(
            self.session, record=record, source=source, saved_at=self.saved_at, bundle_id=bundle_id
        )

    def meta(self, key: str) -> str | None:
        row = self.session.get(Meta, key)
        return None if row is None else row.value

    def set_meta(self, key: str, value: str) -> None:
        row = self.session.get(Meta, key) or Meta(key=key, value=value)
        row.value = value
        self.session.add(row)
