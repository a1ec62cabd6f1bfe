"""The KnowledgeBase service: the one place that changes data.

Every change is one database transaction (record row, history and file
references together); the search index is brought up to date right after the
commit. The database is the truth; the index is rebuilt from it when it falls
behind or breaks.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, select

from zebkb.backup import damaged_database
from zebkb.domain.canonical import instant_key, parse_timestamp
from zebkb.domain.fields import TOMBSTONE_FIELDS
from zebkb.domain.validate import RecordError, validate_record
from zebkb.domain.wards import WardError, resolve_ward
from zebkb.errors import InputError, KnownError, NotFoundError
from zebkb.service.changes import EVERYTHING, NO_CHANGES, Changes
from zebkb.store import overview as overview_store
from zebkb.store import records as store
from zebkb.store.db import (
    DB_FILE,
    DamagedDatabaseError,
    check_schema_read_only,
    is_damage,
    make_engine,
    migrate,
)
from zebkb.store.files import AttachmentStore
from zebkb.store.lock import DEFAULT_WAIT, WriterLock
from zebkb.store.models import (
    BlobRow,
    Meta,
    RecordRow,
    TagRow,
    TextFailureRow,
)
from zebkb.store.netfs import refuse_network_folder

if TYPE_CHECKING:
    from zebkb.search.engine import AsideBuild, SearchFilters, SearchIndex, SearchResult
    from zebkb.search.extract import ExtractLimits, TextExtractor

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

# Files a zebkb data folder may hold; a folder with anything else is not ours.
DATA_DIR_ENTRIES = frozenset(
    {
        DB_FILE,
        f"{DB_FILE}-wal",
        f"{DB_FILE}-shm",
        "attachments",
        "index",
        "thumbs",
        "logs",
        "backups",
        "keys",
        "lock",
        "search-variants.txt",  # the user's spelling variants (zebkb/search/variants.py)
        "tables",  # column mappings confirmed for list imports (zebkb/tables/mapping.py)
    }
)
# Notices a search answer may carry (the window shows them translated).
NOTICE_INDEX_BUSY = "the search index is being updated by the open zebkb window"
NOTICE_INDEX_READ_ONLY_STALE = (
    "the folder is read-only and its search index is older than its records: "
    "recent changes may be missing from the results"
)
NOTICE_INDEX_READ_ONLY_BUILT = (
    "the folder is read-only and has no usable search index: one was built for this session"
)
NOTICE_INDEX_REBUILT = "the search index was out of date and has been rebuilt from the database"
NOTICE_INDEX_STALE = (
    "the search index is behind the database: recent changes may be missing from this answer "
    "until it is brought up to date"
)
TEXT_MEDIA_TYPES = (
    "application/pdf",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)


def system_clock() -> datetime:
    return datetime.now().astimezone()


UID_PREFIX_CHARS = frozenset("0123456789abcdef-")
UID_CANDIDATES_SHOWN = 5


def format_timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def guess_media_type(name: str) -> str:
    import mimetypes

    suffix = Path(name).suffix.lower()
    extra = {".md": "text/markdown", ".markdown": "text/markdown", ".jsonl": "application/jsonl"}
    if suffix in extra:
        return extra[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class RecordSummary:
    uid: str
    type: str
    title: str
    ward: str
    updated_at: str
    revision: int
    record_date: str | None
    fiscal_year: int | None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class TableRow:
    """What the results table shows of a record; kind-specific columns are None elsewhere."""

    uid: str
    type: str
    title: str | None
    ward: str
    updated_at: str
    record_date: str | None
    fiscal_year: int | None
    facility_name: str | None
    zeb_rank: str | None
    floor_area_m2: float | None
    host: str | None
    session_kind: str | None
    organizer: str | None


@dataclass(frozen=True, slots=True)
class Version:
    revision: int
    updated_at: str
    hash: str
    source: str
    saved_at: str
    bundle_id: str | None
    current: bool
    record: dict[str, Any]


class SavedRecord(dict[str, Any]):
    """A record as a write left it (a plain dict), carrying the write's :class:`Changes`."""

    changes: Changes

    def __init__(self, record: Mapping[str, Any], changes: Changes = NO_CHANGES) -> None:
        super().__init__(record)
        self.changes = changes


@dataclass(frozen=True, slots=True)
class DemoResult:
    added: int
    unchanged: int
    changes: Changes = NO_CHANGES


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


class _CallerFailed(Exception):
    """Carries a failure of the caller's callbacks during an index build (not the index's own)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class Txn:
    """One open transaction; what it touches is re-indexed after the commit."""

    def __init__(self, kb: KnowledgeBase, session: Session) -> None:
        self.kb = kb
        self.session = session
        self.touched: set[str] = set()
        self.saved_at = format_timestamp(kb.clock())
        # The search index of this transaction's state, built before the commit
        # (KnowledgeBase.build_index_aside); shown once the commit is made.
        self.index_aside: AsideBuild | None = None
        # What this transaction changes besides the records in ``touched``.
        self.noted: Changes = NO_CHANGES
        # Set once the transaction has committed: everything it changed.
        self.changes: Changes = NO_CHANGES

    def note(self, changes: Changes) -> None:
        """Say that this transaction changes more than records (conflicts, keys, settings…)."""
        self.noted = self.noted | changes

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
        self.touched.add(record["uid"])
        return store.put_current(
            self.session, record=record, source=source, saved_at=self.saved_at, bundle_id=bundle_id
        )

    def put_current_many(
        self, records: Sequence[Mapping[str, Any]], *, source: str, bundle_id: str | None = None
    ) -> list[str]:
        """``put_current`` for a batch (an import): the same result, far fewer statements."""
        self.touched.update(r["uid"] for r in records)
        return store.put_current_many(
            self.session,
            records=records,
            source=source,
            saved_at=self.saved_at,
            bundle_id=bundle_id,
        )

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


class KnowledgeBase:
    """A knowledge base in one data folder."""

    def __init__(
        self, data_dir: Path, *, clock: Clock | None = None, read_only: bool = False
    ) -> None:
        self.data_dir = data_dir
        self.clock: Clock = clock or system_clock
        self.files = AttachmentStore(data_dir / "attachments")
        # A folder nothing can be written to (a CD, a read-only share, a protected copy):
        # everything reads, nothing writes, not even a lock or a cache.
        self.read_only = read_only

        def on_damage(detail: str) -> BaseException:
            return damaged_database(data_dir, detail)

        db = data_dir / DB_FILE
        self.engine = make_engine(db, on_damage=on_damage, read_only=read_only)
        self.read_engine = make_engine(db, write=False, on_damage=on_damage, read_only=read_only)
        self._index: SearchIndex | None = None
        self._index_copy: tempfile.TemporaryDirectory[str] | None = None
        self.index_notice: str | None = None
        self.writer = WriterLock(data_dir)
        self._tracking = _Tracking()
        # Limits for taking attachment text (None: ExtractLimits' defaults); tests set it.
        self.extract_limits: ExtractLimits | None = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        *,
        clock: Clock | None = None,
        damaged_ok: bool = False,
        network_ok: bool = False,
    ) -> KnowledgeBase:
        """Open the knowledge base in ``data_dir``, creating it when the folder is new.

        ``damaged_ok`` opens a folder whose database is damaged too: restoring
        a backup is the way out, and it must be able to open the folder.
        A folder on a network file system is refused (zebkb/store/netfs.py)
        unless it can only be read (a read-only share is opened immutable and
        never locked), or ``network_ok`` (moving its records out to team mode).
        """
        path = Path(data_dir).expanduser()
        if not network_ok and not _readable_only(path):
            refuse_network_folder(path)
        writable = prepare_data_dir(path, read_only_ok=True)
        kb = cls(path, clock=clock, read_only=not writable)
        try:
            if kb.read_only:
                check_schema_read_only(kb.read_engine, path)
            else:
                migrate(kb.engine)
        except DamagedDatabaseError:
            if damaged_ok:
                return kb
            kb.dispose_engines()
            raise
        except DatabaseError as exc:
            if damaged_ok and is_damage(exc):
                return kb
            kb.dispose_engines()
            raise database_error(path, exc) from None
        except Exception:
            kb.dispose_engines()
            raise
        return kb

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        if self._index_copy is not None:
            self._index_copy.cleanup()
            self._index_copy = None
        self.dispose_engines()
        self.writer.release()

    def read_only_error(self) -> KnownError:
        return KnownError(
            f"the knowledge base folder {self.data_dir} is read-only (not writable): it can be "
            "read, not changed; copy the folder to a writable place to change it",
            message_ja=(
                f"データフォルダ {self.data_dir} は読み取り専用です(書き込めません)。"
                "閲覧はできますが変更はできません。変更するには書き込める場所にコピーしてください"
            ),
        )

    def claim_writer(self, wait: float = DEFAULT_WAIT) -> None:
        """Become this folder's one writer (kept until close); FolderInUseError when another is.

        A new writer first removes what killed writers left in the attachment
        store (files being copied in; only those whose process is gone).
        """
        if self.writer.held:
            return
        if self.read_only:
            raise self.read_only_error()
        self.writer.acquire(wait)
        with contextlib.suppress(OSError):
            for leftover in self.files.remove_partials():
                log.info("removed %s, left by an interrupted write", leftover)

    def backup(
        self, *, keep: int | None = None, include_files: bool = True, label: str = ""
    ) -> Path:
        """A consistent copy of this knowledge base in ``backups/`` (see zebkb.backup)."""
        from zebkb.backup import DEFAULT_KEEP, create_backup

        return create_backup(
            self,
            keep=DEFAULT_KEEP if keep is None else keep,
            include_files=include_files,
            label=label,
        ).path

    # -- what writes changed ------------------------------------------------------------------

    @contextlib.contextmanager
    def track_changes(self) -> Iterator[ChangeTracker]:
        """Collect what the writes made on this thread inside the block changed.

        The window's op runner wraps each write op in it and emits the
        tracker's ``changes`` once (see the package docstring).
        """
        tracker = ChangeTracker()
        self._tracking.open.append(tracker)
        try:
            yield tracker
        finally:
            self._tracking.open.remove(tracker)

    @property
    def last_changes(self) -> Changes:
        """What the last write made on this thread changed."""
        return self._tracking.last

    def publish(self, changes: Changes) -> Changes:
        """Report a write's changes to this thread's trackers; every write ends here."""
        self._tracking.last = changes
        for tracker in self._tracking.open:
            tracker.add(changes)
        return changes

    def migrate(self) -> None:
        """Bring the database's tables up to this version (after a restore swapped it)."""
        migrate(self.engine)

    def publish_everything(self) -> Changes:
        """Report that the whole database may differ (a restored backup)."""
        return self.publish(EVERYTHING)

    def dispose_engines(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Txn]:
        """One write transaction. The caller's changes commit together or not at all."""
        self.claim_writer()
        with Session(self.engine) as session:
            txn = Txn(self, session)
            try:
                yield txn
                if txn.touched:
                    state = int(txn.meta("change_seq") or 0) + 1
                    txn.set_meta("change_seq", str(state))
                session.commit()
            except DatabaseError as exc:
                session.rollback()
                self._drop_aside(txn)
                raise database_error(self.data_dir, exc) from None
            except BaseException:
                session.rollback()
                self._drop_aside(txn)
                raise
        txn.changes = self.publish(Changes(records=frozenset(txn.touched)) | txn.noted)
        if txn.index_aside is not None and self._adopt_aside(txn.index_aside):
            return
        if txn.touched:
            self._sync_index(txn.touched)

    def _drop_aside(self, txn: Txn) -> None:
        if txn.index_aside is not None:
            with contextlib.suppress(Exception):
                self.index.discard(txn.index_aside)

    def _adopt_aside(self, aside: AsideBuild) -> bool:
        try:
            return self.index.adopt(aside)
        except Exception:  # the index is a cache; the commit already stands
            log.exception("search index built for the commit could not be shown; updating")
            return False

    def build_index_aside(
        self,
        txn: Txn,
        *,
        pending_files: set[str],
        wait_for_files: Callable[[], None],
        every_so_often: Callable[[], None] | None = None,
    ) -> None:
        """Build the index of ``txn``'s records before it commits, while files are still coming.

        For a commit that rebuilds the index anyway (an import of many
        records), the documents are read inside the transaction and the new
        index generation is written now, beside the current one; the commit
        then only shows it. Records with a text attachment among
        ``pending_files`` wait for ``wait_for_files()``, which is called
        exactly once, whatever happens here. ``every_so_often()`` is called
        while the documents are read (to report progress, or raise to stop).
        A smaller commit, or an index already behind, is left to the update
        after the commit.
        """
        waited = False

        def call(callback: Callable[[], None]) -> None:
            try:
                callback()
            except BaseException as exc:
                raise _CallerFailed(exc) from exc

        def wait() -> None:
            nonlocal waited
            if not waited:
                waited = True
                call(wait_for_files)

        try:
            index = self.index
            before = int(txn.meta("change_seq") or 0)
            indexed = index.indexed_state()
            current = indexed == before or (indexed is None and before == 0)
            if not current or not index.is_bulk(len(txn.touched)):
                return

            def docs() -> Iterator[Any]:
                from zebkb.search.documents import doc_from_record

                later = []
                uids = sorted(txn.touched)
                with self._extractor() as extractor:

                    def texts(record: Mapping[str, Any]) -> list[str]:
                        return self._attachment_texts(record, cache=False, extractor=extractor)

                    for start in range(0, len(uids), store.CHUNK):
                        if every_so_often is not None:
                            call(every_so_often)
                        found = store.get_records(txn.session, uids[start : start + store.CHUNK])
                        for record in found.values():
                            if record.get("deleted"):
                                continue
                            if any(a["sha256"] in pending_files for a in self._text_refs(record)):
                                later.append(record)
                                continue
                            yield doc_from_record(record, texts(record))
                    wait()
                    for record in later:
                        yield doc_from_record(record, texts(record))

            txn.index_aside = index.build_aside(docs(), set(txn.touched), state=before + 1)
        except _CallerFailed as failed:  # the files' failure, or a cancel, is the import's
            raise failed.error from None
        except Exception:  # the index's is not: the update after the commit tries again
            log.exception("search index could not be built before the commit")
        finally:
            if not waited:
                wait_for_files()

    def _read(self) -> Session:
        return Session(self.read_engine)

    # -- reading ---------------------------------------------------------------------------------

    def get(self, uid: str) -> dict[str, Any] | None:
        with self._read() as session:
            return store.get_record(session, uid)

    def resolve_uid(self, text: str) -> str:
        """A full uid, or the one record whose uid begins with ``text`` (as git takes a prefix).

        An ambiguous prefix is refused in one line naming the candidates.
        """
        given = text.strip().lower()
        if len(given) >= 36 or not given or any(c not in UID_PREFIX_CHARS for c in given):
            return text
        with self._read() as session:
            found = store.uids_starting(session, given, UID_CANDIDATES_SHOWN + 1)
        if len(found) == 1:
            return found[0]
        if not found:
            return text  # the caller says "no record with uid …"
        shown = ", ".join(u[:12] for u in found[:UID_CANDIDATES_SHOWN])
        more = "…" if len(found) > UID_CANDIDATES_SHOWN else ""
        raise InputError(
            f"uid prefix {text} is ambiguous: {shown}{more}",
            message_ja=f"UID の先頭 {text} に当てはまる記録が複数あります: {shown}{more}",
        )

    def require(self, uid: str) -> dict[str, Any]:
        record = self.get(uid)
        if record is None:
            raise NotFoundError(
                f"no record with uid {uid}", message_ja=f"UID {uid} の記録はありません"
            )
        return record

    def list_records(
        self,
        *,
        kind: str | None = None,
        ward: str | None = None,
        fiscal_year: int | None = None,
        include_deleted: bool = False,
    ) -> list[RecordSummary]:
        # Nine columns: more than sqlmodel's select() has typed overloads for.
        stmt = select(  # type: ignore[call-overload]
            RecordRow.uid,
            RecordRow.type,
            RecordRow.title,
            RecordRow.ward,
            RecordRow.updated_at,
            RecordRow.revision,
            RecordRow.record_date,
            RecordRow.fiscal_year,
            RecordRow.deleted,
        )
        if not include_deleted:
            stmt = stmt.where(RecordRow.deleted == False)  # noqa: E712
        if kind:
            stmt = stmt.where(RecordRow.type == kind)
        if ward:
            stmt = stmt.where(RecordRow.ward == ward)
        if fiscal_year is not None:
            stmt = stmt.where(RecordRow.fiscal_year == fiscal_year)
        stmt = stmt.order_by(RecordRow.updated_utc.desc())  # type: ignore[attr-defined]
        with self._read() as session:
            return [
                RecordSummary(
                    uid=r[0],
                    type=r[1],
                    title=r[2] or "",
                    ward=r[3] or "",
                    updated_at=r[4],
                    revision=r[5],
                    record_date=r[6],
                    fiscal_year=r[7],
                    deleted=bool(r[8]),
                )
                for r in session.exec(stmt)
            ]

    def leading_owners(self, case_uid: str) -> list[dict[str, Any]]:
        """The ZEB Leading Owner registrations that list this case (live ones)."""
        with self._read() as session:
            uids = [
                row[0]
                for row in session.connection().exec_driver_sql(
                    "SELECT o.uid FROM owner_detail o JOIN record r ON r.uid = o.uid"
                    " WHERE r.deleted = 0 AND EXISTS"
                    " (SELECT 1 FROM json_each(o.cases_json) WHERE json_each.value = ?)",
                    (case_uid,),
                )
            ]
        found = [self.get(uid) for uid in sorted(uids)]
        return [r for r in found if r is not None]

    def linking_to(self, uid: str) -> list[tuple[str, str, str]]:
        """Live records that point at ``uid`` (backlinks), as (uid, kind, title).

        A visit's facility, a session's cases, a 課題's records, a Leading
        Owner's cases; ordered by kind, then title.
        """
        sql = (
            "SELECT r.uid, r.type, COALESCE(r.title, '') FROM record r WHERE r.deleted = 0"
            " AND r.uid != :uid AND ("
            " r.uid IN (SELECT uid FROM visit_detail WHERE facility_case_uid = :uid)"
            " OR r.uid IN (SELECT s.uid FROM session_detail s, json_each(s.related_case_uids_json) j"
            "   WHERE j.value = :uid)"
            " OR r.uid IN (SELECT i.uid FROM issue_detail i, json_each(i.related_json) j"
            "   WHERE j.value = :uid)"
            " OR r.uid IN (SELECT o.uid FROM owner_detail o, json_each(o.cases_json) j"
            "   WHERE j.value = :uid))"
            " ORDER BY r.type, r.title, r.uid"
        )
        with self._read() as session:
            rows = session.connection().exec_driver_sql(sql, {"uid": uid}).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def table_rows(self) -> list[TableRow]:
        """Every live record as one light row for the window's results table.

        One query over the typed projection (record + the three kind tables),
        so 50,000 rows arrive in a fraction of a second and sort in memory.
        """
        sql = (
            "SELECT r.uid, r.type, r.title, r.ward, r.updated_at, r.record_date, r.fiscal_year,"
            " c.facility_name, c.zeb_rank, c.floor_area_m2, v.host, s.kind, s.organizer"
            " FROM record r"
            " LEFT JOIN case_detail c ON c.uid = r.uid"
            " LEFT JOIN visit_detail v ON v.uid = r.uid"
            " LEFT JOIN session_detail s ON s.uid = r.uid"
            " WHERE r.deleted = 0"
            " ORDER BY r.updated_utc DESC"
        )
        with self._read() as session:
            rows = session.connection().exec_driver_sql(sql).fetchall()
        return [
            TableRow(
                uid=row[0],
                type=row[1],
                title=row[2],
                ward=row[3] or "",
                updated_at=row[4],
                record_date=row[5],
                fiscal_year=row[6],
                facility_name=row[7],
                zeb_rank=row[8],
                floor_area_m2=row[9],
                host=row[10],
                session_kind=row[11],
                organizer=row[12],
            )
            for row in rows
        ]

    def count(self, *, include_deleted: bool = False) -> int:
        stmt = select(func.count()).select_from(RecordRow)
        if not include_deleted:
            stmt = stmt.where(RecordRow.deleted == False)  # noqa: E712
        with self._read() as session:
            return int(session.exec(stmt).one())

    def history(self, uid: str) -> list[Version]:
        """Every version kept for a record, oldest first."""
        with self._read() as session:
            row = session.get(RecordRow, uid)
            if row is None:
                raise NotFoundError(
                    f"no record with uid {uid}", message_ja=f"UID {uid} の記録はありません"
                )
            rows = store.history_rows(session, uid)
            versions = [
                Version(
                    revision=h.revision,
                    updated_at=h.updated_at,
                    hash=h.hash,
                    source=h.source,
                    saved_at=h.saved_at,
                    bundle_id=h.bundle_id,
                    current=h.hash == row.hash,
                    record=json.loads(h.record_json),
                )
                for h in rows
            ]
        versions.sort(key=lambda v: (instant_key(v.updated_at), v.revision, v.hash))
        return versions

    def overview_rows(self, *, recent: int) -> dict[str, list[tuple[Any, ...]]]:
        """The home screen's counts as rows, from one read (zebkb/overview.py shapes them)."""
        with self._read() as session:
            return overview_store.overview_rows(session, recent=recent)

    def fiscal_year_details(self, year: int) -> dict[str, tuple[Any, ...]]:
        """The kind-specific column of every live record of a fiscal year, in one query."""
        with self._read() as session:
            return overview_store.fiscal_year_details(session, year)

    def tags(self) -> dict[str, int]:
        stmt = (
            select(TagRow.tag, func.count())
            .join(RecordRow, RecordRow.uid == TagRow.uid)  # type: ignore[arg-type]
            .where(RecordRow.deleted == False)  # noqa: E712
            .group_by(TagRow.tag)
        )
        with self._read() as session:
            return {tag: int(n) for tag, n in session.exec(stmt)}

    # -- settings ----------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A setting kept in the database (None when never set)."""
        with self._read() as session:
            row = session.get(Meta, key)
            return None if row is None else row.value

    @property
    def home_ward(self) -> str | None:
        return self.meta("home_ward")

    def set_home_ward(self, ward: str) -> str:
        try:
            code = resolve_ward(ward)
        except WardError as exc:
            raise InputError(str(exc)) from None
        with self.transaction() as txn:
            txn.set_meta("home_ward", code)
            txn.note(Changes(settings=True))
        return code

    def _require_home_ward(self, txn: Txn) -> str:
        ward = txn.meta("home_ward")
        if ward is None:
            raise KnownError(
                "this knowledge base has no home ward yet; set it first with "
                "'zebkb init --ward WARD' (e.g. 葛飾区 or 131229)",
                message_ja="ホーム区が未設定です。先に設定してください(例: zebkb init --ward 葛飾区)",
            )
        return ward

    # -- writing -------------------------------------------------------------------------------

    def _next_timestamp(self, previous: str | None) -> str:
        """Now, but always after the version it replaces, so a local edit wins over it."""
        now = self.clock()
        if previous is not None:
            before = parse_timestamp(previous)
            if now <= before:
                now = (before + timedelta(milliseconds=1)).astimezone(now.tzinfo)
        return format_timestamp(now)

    def save(self, data: Mapping[str, Any], *, expected_revision: int | None = None) -> SavedRecord:
        """Create or update one record from user input (the window, ``zebkb add``).

        Assigned fields (uid, origin, timestamps, revision) are filled in.
        ``expected_revision`` guards an editor against overwriting a newer version.
        """
        return self.save_many([data], expected_revisions=[expected_revision])[0]

    def save_many(
        self,
        items: Iterable[Mapping[str, Any]],
        *,
        expected_revisions: Iterable[int | None] | None = None,
        where: Callable[[int], str] | None = None,
    ) -> list[SavedRecord]:
        """Save several records as one transaction: all of them or none."""
        items = list(items)
        expected = list(expected_revisions or [None] * len(items))
        saved: list[dict[str, Any]] = []
        with self.transaction() as txn:
            for position, (data, exp) in enumerate(zip(items, expected, strict=True)):
                try:
                    saved.append(self.save_in(txn, data, exp))
                except RecordError as exc:
                    prefix = f"{where(position)}: " if where else ""
                    raise InputError(
                        prefix + str(exc), message_ja=prefix + exc.message_ja
                    ) from None
        return [SavedRecord(record, txn.changes) for record in saved]

    def save_in(self, txn: Txn, data: Mapping[str, Any], expected: int | None) -> dict[str, Any]:
        """``save`` inside an open transaction (RecordError when the input is refused)."""
        record = self._prepare(txn, data, expected)
        existed = txn.get(record["uid"]) is not None
        txn.put_current(record, source="edit" if existed else "create")
        return record

    def _prepare(self, txn: Txn, data: Mapping[str, Any], expected: int | None) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise RecordError(
                "a record must be a JSON object", "レコードは JSON オブジェクトで指定してください"
            )
        clean = validate_record(data, strict=False)
        uid = clean.get("uid")
        current = txn.get(uid) if uid else None
        if current is not None:
            if current["type"] != clean.get("type"):
                raise RecordError(
                    f"cannot change the type of a record from {current['type']} "
                    f"to {clean.get('type')}",
                    f"記録の種別は変更できません({current['type']} → {clean.get('type')})",
                    field="type",
                    uid=uid,
                )
            latest = current["revision"]
            if expected is not None and expected != latest:
                raise RecordError(
                    f"the record was changed elsewhere (now revision {latest}, "
                    f"you edited revision {expected}); reload it and edit again",
                    f"他の場所で更新されています(現在 第{latest}版、編集元 第{expected}版)。"
                    "開き直してから編集してください",
                    field="revision",
                    uid=uid,
                )
            clean["uid"] = uid
            clean["origin"] = current["origin"]
            clean["created_at"] = current.get("created_at") or clean.get("created_at")
            clean["revision"] = latest + 1
            clean["updated_at"] = self._next_timestamp(current["updated_at"])
        else:
            clean["uid"] = uid or str(uuid.uuid4())
            if "origin" not in clean:  # not setdefault: a meta read per record saved in bulk
                clean["origin"] = self._require_home_ward(txn)
            now = self._next_timestamp(None)
            clean.setdefault("created_at", now)
            clean["updated_at"] = now
            clean["revision"] = 1
        clean.pop("deleted", None)
        # Files the record already referred to may not have arrived yet from another ward;
        # only files the user adds now must be here.
        known = {a.get("sha256") for a in (current or {}).get("attachments") or []}
        self._check_attachments_present(clean, already=known)
        return validate_record(clean, strict=True)

    def _check_attachments_present(
        self, record: Mapping[str, Any], *, already: AbstractSet[str | None] = frozenset()
    ) -> None:
        for att in record.get("attachments") or []:
            if att.get("sha256") in already:
                continue
            if not att.get("omitted") and not self.files.has(att["sha256"]):
                raise RecordError(
                    f"attachment {att.get('filename')} ({att['sha256'][:12]}…) is not in this "
                    "knowledge base; add the file itself",
                    f"添付ファイル {att.get('filename')} がありません。ファイルを追加してください",
                    field="attachments",
                    uid=record.get("uid"),
                )

    def delete(self, uid: str) -> SavedRecord:
        """Delete a record: a tombstone becomes the current version; history keeps the rest."""
        with self.transaction() as txn:
            current = txn.get(uid)
            if current is None:
                raise NotFoundError(f"no record with uid {uid}")
            if current.get("deleted"):
                return SavedRecord(current)
            tombstone = {k: current[k] for k in TOMBSTONE_FIELDS if k in current}
            tombstone["deleted"] = True
            tombstone["revision"] = current["revision"] + 1
            tombstone["updated_at"] = self._next_timestamp(current["updated_at"])
            txn.put_current(tombstone, source="delete")
        return SavedRecord(tombstone, txn.changes)

    def restore(self, uid: str, revision: int | str) -> SavedRecord:
        """Bring an earlier version back as a new revision (a version's revision or hash prefix)."""
        versions = self.history(uid)
        wanted = str(revision)
        matches = [
            v
            for v in versions
            if str(v.revision) == wanted or (len(wanted) >= 6 and v.hash.startswith(wanted))
        ]
        if not matches:
            raise NotFoundError(f"record {uid} has no revision {revision}")
        # Several versions can share a revision number (edits on two sides); take the newest.
        chosen = matches[-1].record
        with self.transaction() as txn:
            restored = self.restore_in(txn, chosen)
        return SavedRecord(restored, txn.changes)

    def restore_in(self, txn: Txn, chosen: Mapping[str, Any]) -> dict[str, Any]:
        """Make the version ``chosen`` current again as a new revision, inside ``txn``."""
        current = txn.get(chosen["uid"])
        if current is None:
            raise NotFoundError(f"no record with uid {chosen['uid']}")
        restored = dict(chosen)
        restored["revision"] = current["revision"] + 1
        restored["updated_at"] = self._next_timestamp(current["updated_at"])
        restored.pop("deleted", None)
        if chosen.get("deleted"):
            restored["deleted"] = True
        try:
            restored = validate_record(restored, strict=True)
        except RecordError as exc:
            raise InputError(str(exc), message_ja=exc.line_ja()) from None
        txn.put_current(restored, source="restore")
        return restored

    # -- attachments ---------------------------------------------------------------------------

    def store_file(self, path: Path) -> tuple[str, int]:
        """Put a file into the attachment store (before the record that refers to it is saved)."""
        self.claim_writer()
        digest, size = self.files.put_file(Path(path))
        with self.transaction() as txn:
            self._note_blob(txn, digest, size)
        return digest, size

    def _note_blob(self, txn: Txn, digest: str, size: int) -> None:
        if txn.session.get(BlobRow, digest) is None:
            txn.session.add(BlobRow(sha256=digest, size=size, stored_at=txn.saved_at))

    def add_attachment(
        self, uid: str, path: Path | str, *, caption: str | None = None, filename: str | None = None
    ) -> SavedRecord:
        path = Path(path)
        record = self.require(uid)
        if record.get("deleted"):
            raise KnownError(f"record {uid} is deleted; restore it before adding files")
        digest, size = self.store_file(path)
        name = filename or path.name
        entry: dict[str, Any] = {
            "sha256": digest,
            "filename": name,
            "media_type": guess_media_type(name),
            "size": size,
        }
        if caption:
            entry["caption"] = caption
        updated = dict(record)
        updated["attachments"] = [*(record.get("attachments") or []), entry]
        return self.save(updated, expected_revision=record["revision"])

    def remove_attachment(self, uid: str, sha256: str) -> SavedRecord:
        """Drop a file from a record; the file stays stored, older versions still refer to it."""
        record = self.require(uid)
        kept = [a for a in record.get("attachments") or [] if a["sha256"] != sha256]
        if len(kept) == len(record.get("attachments") or []):
            raise NotFoundError(f"record {uid} has no attachment {sha256}")
        updated = dict(record)
        updated["attachments"] = kept
        return self.save(updated, expected_revision=record["revision"])

    def attachment_path(self, sha256: str) -> Path | None:
        path = self.files.path(sha256)
        return path if path.is_file() else None

    # -- demo data -----------------------------------------------------------------------------

    def load_demo(self) -> DemoResult:
        """Load the demo records shipped in assets; loading them again changes nothing."""
        from importlib.resources import files

        self.claim_writer()
        demo = files("zebkb.assets") / "demo"
        records = json.loads((demo / "records.json").read_text(encoding="utf-8"))
        for record in records:
            for att in record.get("attachments") or []:
                if not self.files.has(att["sha256"]):
                    with (demo / "files" / att["sha256"]).open("rb") as fh:
                        self.files.put_stream(fh, att["sha256"], att["size"])
        added = unchanged = 0
        with self.transaction() as txn:
            for record in records:
                clean = validate_record(record, strict=True)
                for att in clean.get("attachments") or []:
                    self._note_blob(txn, att["sha256"], att["size"])
                if txn.get(clean["uid"]) is not None:
                    unchanged += 1
                    continue
                txn.put_current(clean, source="demo")
                added += 1
            if added:
                txn.note(Changes(all_records=True))
        return DemoResult(added=added, unchanged=unchanged, changes=txn.changes)

    # -- search ----------------------------------------------------------------------------------

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            from zebkb.search.engine import SearchIndex

            if self.read_only:
                self._index = self._index_from_copy()
            else:
                self._index = SearchIndex(self.data_dir / "index")
        return self._index

    def _index_from_copy(self) -> SearchIndex:
        """The index of a read-only folder, opened from a private copy (opening writes)."""
        import shutil

        from zebkb.search.engine import SearchIndex
        from zebkb.search.variants import USER_FILE

        self._index_copy = tempfile.TemporaryDirectory(prefix="zebkb-index-")
        copy = Path(self._index_copy.name) / "index"
        source = self.data_dir / "index"
        if source.is_dir():
            with contextlib.suppress(OSError):
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.lock", "lock"))
        index = SearchIndex(copy, variants_file=self.data_dir / USER_FILE)
        if index.indexed_state() is None and self.change_state() > 0:
            # Nothing usable to answer from: build it here, for this process only.
            index.rebuild(self.index_docs(), total=self.count(), state=self.change_state())
            self.index_notice = NOTICE_INDEX_READ_ONLY_BUILT
        return index

    def change_state(self) -> int:
        with self._read() as session:
            row = session.get(Meta, "change_seq")
            return 0 if row is None else int(row.value)

    @staticmethod
    def _text_refs(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """The attachments whose text is searched (PDF, text, Markdown), unless left out."""
        return [
            att
            for att in record.get("attachments") or []
            if not att.get("omitted") and att.get("media_type") in TEXT_MEDIA_TYPES
        ]

    def _attachment_texts(
        self,
        record: Mapping[str, Any],
        *,
        cache: bool = True,
        extractor: TextExtractor | None = None,
        retry: bool = False,
    ) -> list[str]:
        texts = [
            self._blob_text(
                att["sha256"], att["media_type"], cache=cache, extractor=extractor, retry=retry
            )
            for att in self._text_refs(record)
        ]
        return [t for t in texts if t]

    def _extractor(self) -> TextExtractor:
        """A text extractor for one indexing pass (its helper process ends with it)."""
        from zebkb.search.extract import TextExtractor

        return TextExtractor(self.extract_limits)

    def _blob_text(
        self,
        digest: str,
        media_type: str,
        *,
        cache: bool = True,
        extractor: TextExtractor | None = None,
        retry: bool = False,
    ) -> str:
        with self._read() as session:
            row = session.get(BlobRow, digest)
            if row is not None and row.text is not None:
                return row.text
            if not retry and session.get(TextFailureRow, digest) is not None:
                return ""  # failed before: only `reindex` tries again
        path = self.attachment_path(digest)
        if path is None:
            return ""
        if extractor is None:
            with self._extractor() as own:
                taken = own.extract(path, media_type)
        else:
            taken = extractor.extract(path, media_type)
        if not cache or not self.writer.held:
            # Only the folder's writer writes, even a cache row; a reader extracts again
            # (and so does a writer inside its own open transaction, which the cache's
            # separate write would wait for).
            return taken.text
        with contextlib.suppress(OperationalError), Session(self.engine) as session:
            now = format_timestamp(self.clock())
            failed = session.get(TextFailureRow, digest)
            if taken.failure is None:
                row = session.get(BlobRow, digest) or BlobRow(
                    sha256=digest, size=path.stat().st_size, stored_at=now
                )
                row.text = taken.text
                session.add(row)
                if failed is not None:
                    session.delete(failed)
            else:
                # Not cached as "no text": recorded with its reason, tried again by reindex.
                failed = failed or TextFailureRow(sha256=digest, reason="", failed_at=now)
                failed.reason, failed.failed_at = taken.failure, now
                session.add(failed)
            session.commit()
        return taken.text

    def text_failures(self) -> dict[str, str]:
        """Attachments (by SHA-256) whose text could not be taken, with the reason."""
        with self._read() as session:
            return {row.sha256: row.reason for row in session.exec(select(TextFailureRow))}

    def index_docs(
        self, uids: Iterable[str] | None = None, *, retry: bool = False
    ) -> Iterator[Any]:
        """Index documents for the given records (all live records when None).

        ``retry``: take the text of attachments that failed before again (reindex).
        """
        from zebkb.search.documents import doc_from_record

        with self._read() as session:
            stmt = select(RecordRow.uid).where(RecordRow.deleted == False)  # noqa: E712
            wanted = list(uids) if uids is not None else list(session.exec(stmt))
        # Read in batches: a session per record cost an import of 10,000 records 7 s.
        with self._extractor() as extractor:
            for start in range(0, len(wanted), store.CHUNK):
                part = wanted[start : start + store.CHUNK]
                with self._read() as session:
                    found = store.get_records(session, part)
                for uid in part:
                    record = found.get(uid)
                    if record is None or record.get("deleted"):
                        continue
                    texts = self._attachment_texts(record, extractor=extractor, retry=retry)
                    yield doc_from_record(record, texts)

    def _sync_index(self, uids: set[str]) -> None:
        """Bring the index up to date after a commit; a failure leaves it stale, never wrong."""
        state = self.change_state()
        try:
            index = self.index
            indexed = index.indexed_state()
            # A new, empty index is current for a database that was empty before this commit.
            if indexed != state - 1 and not (indexed is None and state == 1):
                return  # already behind: the next search or `reindex` rebuilds it whole
            docs = list(self.index_docs(uids))
            live = {d.uid for d in docs}
            index.update(docs, [u for u in uids if u not in live], state=state)
        except Exception:  # the index is a cache; the commit already stands
            log.exception("search index update failed; it will be rebuilt")

    def index_is_current(self) -> bool:
        """Whether the index reflects the database's last change (a new, empty pair is current)."""
        indexed = self.index.indexed_state()
        state = self.change_state()
        return indexed == state or (indexed is None and state == 0)

    def update_index(self, progress: Progress | None = None, cancel: Cancel | None = None) -> bool:
        """Rebuild the index when it is behind the database: a write, for the folder's writer.

        A search never does this itself (it answers from what the index has and
        says it is stale); the window schedules this as a write, the command line
        runs it before a search when it can become the writer. False when cancelled.
        """
        self.claim_writer()
        if self.index_is_current():
            self.publish(NO_CHANGES)
            return True
        return self.reindex(progress, cancel)

    def reindex(self, progress: Progress | None = None, cancel: Cancel | None = None) -> bool:
        """Rebuild the search index from the database; False when cancelled."""
        self.claim_writer()
        state = self.change_state()
        total = self.count()
        done = self.index.rebuild(
            self.index_docs(retry=True), total=total, state=state, progress=progress, cancel=cancel
        )
        self.publish(Changes(index=True) if done else NO_CHANGES)
        return done

    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> SearchResult:
        """Search the index as it is; a read never writes.

        On an index behind the database (after a crash, a restore, a damaged
        index set aside) the answer comes from what the index has, with
        ``stale`` set and a notice saying so; bringing it up to date is
        ``update_index``, a write.
        """
        from dataclasses import replace

        index = self.index
        stale = not self.index_is_current()
        # The service knows whether the index is behind (the index alone guesses from a
        # state it never recorded, which a new, empty knowledge base has too).
        if self.read_only:  # nothing can bring it up to date here
            notice = getattr(index, "notice", None) or self.index_notice
            notice = notice or (NOTICE_INDEX_READ_ONLY_STALE if stale else None)
        else:
            notice = getattr(index, "notice", None) or (NOTICE_INDEX_STALE if stale else None)
        result = index.search(query, filters=filters, limit=limit, offset=offset)
        return replace(result, notice=notice, stale=stale)

    # -- checking --------------------------------------------------------------------------------

    def check(self, *, deep: bool = False, progress: Progress | None = None) -> list[str]:
        """Problems found between database, attachment files and index (see checks.py)."""
        from zebkb.service import checks

        return checks.check(self, deep=deep, progress=progress)

    def file_report(self) -> list[str]:
        """Attachment files on disk that no version refers to (kept, never deleted)."""
        from zebkb.service import checks

        return checks.file_report(self)


def _readable_only(path: Path) -> bool:
    """A knowledge base folder that exists and cannot be written (opened read-only)."""
    return (path / DB_FILE).is_file() and not os.access(path, os.W_OK | os.X_OK)


def prepare_data_dir(path: Path, *, read_only_ok: bool = False) -> bool:
    """Create the folder on first use; refuse one that is not a zebkb folder.

    Returns whether the folder is writable. One that is not is refused, unless
    ``read_only_ok`` and it already holds a knowledge base (it is then read).
    """
    if path.exists() and not path.is_dir():
        raise KnownError(
            f"{path} is a file, not a knowledge base folder",
            message_ja=f"{path} はファイルです。データフォルダを指定してください",
        )
    if path.is_dir():
        entries = {p.name for p in path.iterdir()}
        if entries and DB_FILE not in entries and not entries <= DATA_DIR_ENTRIES:
            raise KnownError(
                f"{path} is not a zebkb knowledge base folder (it holds other files); "
                "choose an empty or new folder",
                message_ja=(
                    f"{path} は zebkb のデータフォルダではありません(他のファイルがあります)"
                ),
            )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KnownError(
            f"cannot create the knowledge base folder {path}: {exc.strerror}",
            message_ja=f"データフォルダ {path} を作成できません: {exc.strerror}",
        ) from None
    if os.access(path, os.W_OK | os.X_OK):
        return True
    if read_only_ok and (path / DB_FILE).is_file():
        return False
    raise KnownError(
        f"the knowledge base folder {path} is not writable",
        message_ja=f"データフォルダ {path} に書き込めません",
    )


def database_error(path: Path, exc: DatabaseError) -> KnownError:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in text or "busy" in text:
        return KnownError(
            f"the knowledge base in {path} is busy (another zebkb is writing); try again",
            message_ja="データベースが使用中です(別の zebkb が書き込み中)。もう一度お試しください",
        )
    if is_damage(exc):
        return damaged_database(path, text)
    if "readonly" in text or "read-only" in text:
        return KnownError(
            f"the knowledge base in {path} is read-only",
            message_ja="データフォルダが読み取り専用です",
        )
    if "disk" in text and "full" in text:
        return KnownError(
            f"the disk holding {path} is full; nothing was saved",
            message_ja="ディスクがいっぱいです。保存されていません",
        )
    return KnownError(f"database error in {path}: {text}")
