"""The KnowledgeBase facade: the one door to the data.

Callers (the window, the command line, backups, reports) hold a
:class:`KnowledgeBase` and call its methods; the work is done in the service
modules beside it, each holding one part:

- ``records.py``: reading records, saving, deleting, restoring; settings
- ``attachments.py``: attachment files into the store and onto records
- ``index.py``: the search index (kept up to date by the writer) and search
- ``demo.py``: the demo records
- ``exchange.py``: export, import, merge, conflicts, the exchange log
- ``keys.py``: the trusted keys of other wards
- ``tables.py``: Excel/CSV lists in and out
- ``checks.py``: consistency checks
- ``transaction.py``: :class:`Txn`, one write transaction; ``datadir.py``: the folder

Every change is one database transaction (record row, history and file
references together); the search index is brought up to date right after the
commit. The database is the truth; the index is rebuilt from it when it falls
behind or breaks.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from zebkb.errors import KnownError
from zebkb.filestore import AttachmentStore
from zebkb.problems import Problem
from zebkb.service import attachments, demo, records
from zebkb.service import index as indexing
from zebkb.service.attachments import guess_media_type
from zebkb.service.backup import damaged_database
from zebkb.service.changes import EVERYTHING, Changes
from zebkb.service.datadir import (
    DATA_DIR_ENTRIES,
    DatabaseAwayError,
    database_error,
    prepare_data_dir,
    readable_only,
    server_away,
)
from zebkb.service.demo import DemoResult
from zebkb.service.index import (
    NOTICE_INDEX_BUSY,
    NOTICE_INDEX_READ_ONLY_BUILT,
    NOTICE_INDEX_READ_ONLY_STALE,
    NOTICE_INDEX_REBUILT,
    NOTICE_INDEX_STALE,
    TEXT_MEDIA_TYPES,
)
from zebkb.service.records import RecordSummary, SavedRecord, TableRow, Version
from zebkb.service.transaction import (
    Cancel,
    ChangeTracker,
    Clock,
    Progress,
    Txn,
    _Tracking,
    format_timestamp,
    system_clock,
)
from zebkb.store import changelog, team
from zebkb.store.db import DamagedDatabaseError, check_schema_read_only, make_engine, migrate
from zebkb.store.lock import DEFAULT_WAIT, WriterLock
from zebkb.store.netfs import refuse_network_folder
from zebkb.store.pg import is_postgres_error, make_pg_engine
from zebkb.store.state import DB_FILE, is_damage

if TYPE_CHECKING:
    from zebkb.bundle.signature import Signer
    from zebkb.search.engine import SearchIndex
    from zebkb.search.extract import ExtractLimits
    from zebkb.service.backup import BackupInfo, RestoreResult
    from zebkb.service.exchange import (
        Conflict,
        ExchangeHistory,
        ExportResult,
        ImportPlan,
        ImportSummary,
        Trust,
        UndoResult,
    )
    from zebkb.service.keys import TrustEntry
    from zebkb.service.tables import TableImportResult, TablePreview
    from zebkb.store.listen import ChangeListener
    from zebkb.tables.limits import Deadline, TableLimits
    from zebkb.tables.mapping import TableMapping
    from zebkb.tables.plan import TablePlan
    from zebkb.tables.read import Table

__all__ = [
    "DATA_DIR_ENTRIES",
    "NOTICE_INDEX_BUSY",
    "NOTICE_INDEX_READ_ONLY_BUILT",
    "NOTICE_INDEX_READ_ONLY_STALE",
    "NOTICE_INDEX_REBUILT",
    "NOTICE_INDEX_STALE",
    "TEXT_MEDIA_TYPES",
    "Cancel",
    "ChangeTracker",
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

log = logging.getLogger(__name__)


class KnowledgeBase:
    """A knowledge base in one data folder."""

    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        read_only: bool = False,
        database: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.clock: Clock = clock or system_clock
        self.files = AttachmentStore(data_dir / "attachments")
        # A folder nothing can be written to (a CD, a read-only share, a protected copy):
        # everything reads, nothing writes, not even a lock or a cache.
        self.read_only = read_only

        def on_damage(detail: str) -> BaseException:
            return damaged_database(data_dir, detail)

        # Team mode: the records live in the ward's shared PostgreSQL database
        # (zebkb/store/team.py); the folder keeps this PC's settings, key, index, caches.
        self.database_url = database or team.database_url(data_dir)
        self.team = self.database_url is not None
        self.engine: Engine
        self.read_engine: Engine
        if self.database_url is not None:
            url = team.driver_url(self.database_url)
            self.engine = make_pg_engine(url)
            self.read_engine = make_pg_engine(url, write=False)
        else:
            db = data_dir / DB_FILE
            self.engine = make_engine(db, on_damage=on_damage, read_only=read_only)
            self.read_engine = make_engine(
                db, write=False, on_damage=on_damage, read_only=read_only
            )
        self._swept = False
        self._index: SearchIndex | None = None
        # Team mode: threads hearing other PCs' commits (listen_for_changes).
        self._listeners: list[ChangeListener] = []
        self._index_copy: tempfile.TemporaryDirectory[str] | None = None
        self.index_notice: str | None = None
        self._overdue_seen: tuple[tuple[int, date], frozenset[str]] | None = None
        self._follow_ups_seen: records.FollowUpsSeen | None = None
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
        database: str | None = None,
    ) -> KnowledgeBase:
        """Open the knowledge base in ``data_dir``, creating it when the folder is new.

        ``damaged_ok`` opens a folder whose database is damaged too: restoring
        a backup is the way out, and it must be able to open the folder.
        A folder on a network file system is refused (zebkb/store/netfs.py)
        unless it can only be read (a read-only share is opened immutable and
        never locked), or ``network_ok`` (moving its records out to team mode).
        ``database`` (a ``postgresql://`` address) opens that shared database
        instead of the one the folder names (``init --database`` before it
        writes the folder's setting).
        """
        path = Path(data_dir).expanduser()
        if not network_ok and not readable_only(path):
            refuse_network_folder(path)
        writable = prepare_data_dir(path, read_only_ok=True)
        kb = cls(path, clock=clock, read_only=not writable, database=database)
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
            # A team server that is away says so as such: the window then offers to try again.
            known = kb.database_failure(exc)
            raise (known or database_error(path, exc, url=kb.database_url)) from None
        except Exception:
            kb.dispose_engines()
            raise
        return kb

    @property
    def shown_database_url(self) -> str | None:
        """Team mode's shared database as shown to people (no options); None for SQLite."""
        return team.shown_url(self.database_url) if self.database_url is not None else None

    def name_team_database(self) -> None:
        """Name this knowledge base's shared database in its folder (``init --database``).

        Written once the database has been opened, so a refused init leaves the
        folder as it was; atomically, the old setting or the new one.
        """
        if self.database_url is None:
            raise ValueError("not a team knowledge base")
        team.write_database_url(self.data_dir, self.database_url)

    def close(self) -> None:
        for listener in self._listeners:
            listener.stop()
        self._listeners.clear()
        if self._index is not None:
            self._index.close()
            self._index = None
        if self._index_copy is not None:
            self._index_copy.cleanup()
            self._index_copy = None
        self.dispose_engines()
        self.writer.release()

    @property
    def writes_here(self) -> bool:
        """Whether this knowledge base has become a writer (team mode: any that can write)."""
        return self.writer.held or (self.team and self._swept)

    def read_only_error(self) -> KnownError:
        return KnownError(
            f"the knowledge base folder {self.data_dir} is read-only (not writable): it can be "
            "read, not changed; copy the folder to a writable place to change it",
            message_ja=(
                f"データフォルダ {self.data_dir} は読み取り専用です（書き込めません）。"
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
        if self.team:
            # Many writers: each write transaction queues on the database's own writer
            # lock (zebkb/store/pg.py), so no folder lock is taken.
            if self._swept:
                return
            self._swept = True
        else:
            self.writer.acquire(wait)
        with contextlib.suppress(OSError):
            for leftover in self.files.remove_partials():
                log.info("removed %s, left by an interrupted write", leftover)

    def backup(
        self, *, keep: int | None = None, include_files: bool = True, label: str = ""
    ) -> Path:
        """A consistent copy of this knowledge base in ``backups/`` (see zebkb.service.backup)."""
        from zebkb.service.backup import DEFAULT_KEEP, create_backup

        return create_backup(
            self,
            keep=DEFAULT_KEEP if keep is None else keep,
            include_files=include_files,
            label=label,
        ).path

    # Backups (zebkb/service/backup.py), for the window and the command line: through this door too.

    def create_backup(
        self, *, keep: int | None = None, progress: Progress | None = None
    ) -> BackupInfo:
        """A backup with the attachment files; the last ``keep`` are kept."""
        from zebkb.service.backup import DEFAULT_KEEP, create_backup

        return create_backup(self, keep=DEFAULT_KEEP if keep is None else keep, progress=progress)

    def restore_backup(
        self, path: Path, *, keep: int | None = None, progress: Progress | None = None
    ) -> RestoreResult:
        """Bring a backup back in place of this knowledge base (the current one set aside)."""
        from zebkb.service.backup import DEFAULT_KEEP, restore_backup

        return restore_backup(
            self, path, keep=DEFAULT_KEEP if keep is None else keep, progress=progress
        )

    @staticmethod
    def inspect_backup(path: Path) -> BackupInfo:
        """What a backup file holds, checked whole; refused in one line if it is not one."""
        from zebkb.service.backup import inspect_backup

        return inspect_backup(path)

    @property
    def backup_folder(self) -> Path:
        from zebkb.service.backup import backup_dir

        return backup_dir(self.data_dir)

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
        self._follow_ups_seen = None  # read whole again, whatever the change log says
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
            txn = Txn(session, self.clock)
            try:
                yield txn
                # Team mode: the files the records use go to the team's store with them.
                self._share_files(txn)
                if txn.touched:
                    # Last, just before the commit: the log's counter stays locked until
                    # then (zebkb/store/changelog.py says why).
                    entries = [
                        (uid, txn.change_kind or txn.kinds.get(uid, "change"))
                        for uid in sorted(txn.touched)
                    ]
                    last = changelog.append(session, entries, at=txn.saved_at)
                    txn.logged = (last - len(entries) + 1, last)
                elif txn.noted.keys or txn.noted.settings:
                    # Shared, but no record: the other PCs' windows still reread them.
                    changelog.announce(session)
                session.commit()
            except DatabaseError as exc:
                session.rollback()
                self._drop_aside(txn)
                raise database_error(self.data_dir, exc, url=self.database_url) from None
            except BaseException:
                session.rollback()
                self._drop_aside(txn)
                raise
        # The index takes this commit, and whatever others committed before it (team mode):
        # those records are reported as changed too, so the window shows them.
        caught_up = self._index_after_commit(txn)
        txn.changes = self.publish(Changes(records=frozenset(txn.touched) | caught_up) | txn.noted)

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        """A read session; in team mode a lost server is said in one line (DatabaseAwayError)."""
        with Session(self.read_engine) as session:
            try:
                yield session
            except DatabaseError as exc:
                known = self.database_failure(exc)
                if known is None:
                    raise
                raise known from None

    def database_failure(self, exc: BaseException) -> KnownError | None:
        """What a failure of the team database says to people; None for anything else.

        A server that cannot be reached (stopped, restarted, the network cut)
        is a `DatabaseAwayError`: the window then goes on from its own index,
        and the engines' pre-ping takes a fresh connection on the next action.
        """
        if not self.team or not is_postgres_error(exc):
            return None
        known = database_error(self.data_dir, exc, url=self.database_url)  # type: ignore[arg-type]
        if server_away(exc):
            return DatabaseAwayError(known.message_en, message_ja=known.message_ja)
        return known

    # -- the parts: each is a function of the part's module taking this knowledge base first;
    # -- they call one another through these names, so a test can replace one on an instance.

    # records (records.py)
    get = records.get
    resolve_uid = records.resolve_uid
    require = records.require
    list_records = records.list_records
    leading_owners = records.leading_owners
    linking_to = records.linking_to
    table_rows = records.table_rows
    count = records.count
    history = records.history
    overview_rows = records.overview_rows
    follow_up_rows = records.follow_up_rows
    overdue_uids = records.overdue_uids
    fiscal_year_details = records.fiscal_year_details
    tags = records.tags
    meta = records.meta

    @property
    def home_ward(self) -> str | None:
        return records.home_ward(self)

    set_home_ward = records.set_home_ward
    _require_home_ward = records.require_home_ward
    _next_timestamp = records.next_timestamp
    save = records.save
    save_many = records.save_many
    save_in = records.save_in
    _prepare = records.prepare
    delete = records.delete
    restore = records.restore
    restore_in = records.restore_in

    # attachments (attachments.py)
    _check_attachments_present = attachments.check_attachments_present
    store_file = attachments.store_file
    _note_blob = attachments.note_blob
    add_attachment = attachments.add_attachment
    remove_attachment = attachments.remove_attachment
    attachment_path = attachments.attachment_path
    fetch_attachment = attachments.fetch_attachment
    save_attachment_as = attachments.save_attachment_as
    shared_digests = attachments.shared_digests
    put_back_shared = attachments.put_back_shared
    _share_files = attachments.share_files
    share_all_files = attachments.share_all_files
    fetch_all_shared = attachments.fetch_all_shared

    @property
    def shares_files(self) -> bool:
        """Team mode: the database is the team's PostgreSQL, which holds the files too.

        The data folder's ``attachments/`` is then this PC's cache of them
        (zebkb/store/blobs.py).
        """
        return self.engine.dialect.name == "postgresql"

    def listen_for_changes(self, on_change: Callable[[int | None], None]) -> ChangeListener | None:
        """Call ``on_change`` (from a thread of its own) when any PC commits a change.

        Team mode only (PostgreSQL's LISTEN/NOTIFY, zebkb/store/listen.py); None
        elsewhere: a SQLite data folder has one writer, which knows its own changes.
        The caller brings the index up to date (``catch_up_index``, a write);
        the listener stops when this knowledge base closes.
        """
        if self.engine.dialect.name != "postgresql":
            return None
        from zebkb.store.listen import listen_on

        listener = listen_on(self.read_engine, on_change)
        self._listeners.append(listener)
        return listener

    # demo data (demo.py)
    load_demo = demo.load_demo

    # the search index (index.py)
    _drop_aside = indexing.drop_aside
    _index_after_commit = indexing.index_after_commit
    build_index_aside = indexing.build_index_aside

    @property
    def index(self) -> SearchIndex:
        return indexing.open_index(self)

    _index_from_copy = indexing.index_from_copy
    change_state = indexing.change_state
    _attachment_texts = indexing.attachment_texts
    _extractor = indexing.open_extractor
    _blob_text = indexing.blob_text
    text_failures = indexing.text_failures
    index_docs = indexing.index_docs
    _index_plan = indexing.index_plan
    _apply_to_index = indexing.apply_to_index
    index_needs_rebuild = indexing.index_needs_rebuild
    index_is_current = indexing.index_is_current
    variant_problems = indexing.variant_problems
    update_index = indexing.update_index
    catch_up_index = indexing.catch_up_index
    reindex = indexing.reindex
    search = indexing.search
    search_all = indexing.search_all

    # -- checking --------------------------------------------------------------------------------

    def check(self, *, deep: bool = False, progress: Progress | None = None) -> list[Problem]:
        """Problems found between database, attachment files and index (see checks.py)."""
        from zebkb.service import checks

        return checks.check(self, deep=deep, progress=progress)

    def mend_team_files(self, progress: Progress | None = None) -> list[Problem]:
        """Team mode: mend a file damaged on one side from the other's whole copy (checks.py)."""
        from zebkb.service import checks

        return checks.mend_team_files(self, progress)

    def file_report(self) -> list[Problem]:
        """Attachment files on disk that no version refers to (kept, never deleted)."""
        from zebkb.service import checks

        return checks.file_report(self)

    # -- exchange with other wards (exchange.py) ----------------------------------------------
    # Imported when first used: a command that only reads records does not load the bundle code.

    def select_for_export(
        self,
        *,
        since: str | datetime | None = None,
        peer: str | None = None,
        uids: Iterable[str] | None = None,
    ) -> tuple[list[dict[str, Any]], datetime | None]:
        """The records an export would write, and the instant it starts from."""
        from zebkb.service import exchange

        return exchange.select_for_export(self, since=since, peer=peer, uids=uids)

    def export_bundle(
        self,
        dest: str | Path,
        *,
        since: str | datetime | None = None,
        peer: str | None = None,
        uids: Iterable[str] | None = None,
        max_size: int | None = None,
        include_attachments: bool = True,
        sign: bool = True,
        signer: Signer | None = None,
        recipient: str | None = None,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
        overwrite: bool = True,
    ) -> ExportResult:
        """Write a bundle for another ward; noted in the sent log."""
        from zebkb.service import exchange

        return exchange.export_bundle(
            self,
            dest,
            since=since,
            peer=peer,
            uids=uids,
            max_size=max_size,
            include_attachments=include_attachments,
            sign=sign,
            signer=signer,
            recipient=recipient,
            progress=progress,
            cancel=cancel,
            overwrite=overwrite,
        )

    def plan_import(
        self,
        path: str | Path,
        *,
        trust: Trust | None = None,
        require_signature: bool | None = None,
        check_attachments: bool = True,
    ) -> ImportPlan:
        """Check a whole bundle and work out each record's action, writing nothing."""
        from zebkb.service import exchange

        return exchange.plan_import(
            self,
            path,
            trust=trust,
            require_signature=require_signature,
            check_attachments=check_attachments,
        )

    def apply_import(
        self,
        plan: ImportPlan,
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ImportSummary:
        """Import a planned bundle in one transaction; noted in the received log."""
        from zebkb.service import exchange

        return exchange.apply_import(self, plan, progress=progress, cancel=cancel)

    def import_bundle(
        self,
        path: str | Path,
        *,
        dry_run: bool = False,
        trust: Trust | None = None,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ImportSummary:
        """Plan and apply (or only plan, ``dry_run``) an import."""
        from zebkb.service import exchange

        return exchange.import_bundle(
            self, path, dry_run=dry_run, trust=trust, progress=progress, cancel=cancel
        )

    def list_conflicts(self) -> list[Conflict]:
        from zebkb.service import exchange

        return exchange.list_conflicts(self)

    def settle_conflict(
        self, uid: str, choice: str | dict[str, Any], *, expected_hash: str | None = None
    ) -> SavedRecord:
        from zebkb.service import exchange

        return exchange.settle_conflict(self, uid, choice, expected_hash=expected_hash)

    def open_conflict_count(self) -> int:
        from zebkb.service import exchange

        return exchange.open_conflict_count(self)

    def undo_import(self, bundle_id: str) -> UndoResult:
        from zebkb.service import exchange

        return exchange.undo_import(self, bundle_id)

    def exchange_history(self) -> ExchangeHistory:
        from zebkb.service import exchange

        return exchange.exchange_history(self)

    # -- trusted keys of other wards (keys.py) ------------------------------------------------

    def trust_key(self, key: str, ward: str, *, note: str | None = None) -> TrustEntry:
        from zebkb.service import keys

        return keys.trust_key(self, key, ward, note=note)

    def revoke_key(self, key: str) -> list[TrustEntry]:
        from zebkb.service import keys

        return keys.revoke_key(self, key)

    def trusted_keys(self, *, include_revoked: bool = True) -> list[TrustEntry]:
        from zebkb.service import keys

        return keys.trusted_keys(self, include_revoked=include_revoked)

    def trust_checker(self) -> Callable[[str, str], bool]:
        from zebkb.service import keys

        return keys.trust_checker(self)

    def require_signatures(self) -> bool:
        from zebkb.service import keys

        return keys.require_signatures(self)

    def set_require_signatures(self, required: bool) -> None:
        from zebkb.service import keys

        keys.set_require_signatures(self, required)

    # -- lists from Excel and CSV (tables.py) ------------------------------------------------

    def map_table(self, table: Table, mapping_path: Path | None = None) -> tuple[TableMapping, str]:
        """The column mapping for a list: a remembered or given one, else guessed."""
        from zebkb.service import tables

        return tables.map_table(self, table, mapping_path)

    def plan_table(
        self,
        table: Table,
        mapping: TableMapping,
        *,
        file_name: str,
        deadline: Deadline | None = None,
    ) -> TablePlan:
        """What importing the list's rows would do, row by row, writing nothing."""
        from zebkb.service import tables

        return tables.plan_table(self, table, mapping, file_name=file_name, deadline=deadline)

    def preview_table(
        self,
        path: Path | str,
        *,
        mapping_path: Path | None = None,
        limits: TableLimits | None = None,
        deadline: Deadline | None = None,
    ) -> TablePreview:
        """Read a list, map its columns and plan its rows, writing nothing."""
        from zebkb.service import tables
        from zebkb.tables.limits import DEFAULT_LIMITS

        return tables.preview_table(
            self,
            path,
            mapping_path=mapping_path,
            limits=DEFAULT_LIMITS if limits is None else limits,
            deadline=deadline,
        )

    def apply_table(
        self,
        plan: TablePlan,
        *,
        remember_mapping: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> TableImportResult:
        """Import a planned list in one transaction; noted in the received log."""
        from zebkb.service import tables

        return tables.apply_table(self, plan, remember_mapping=remember_mapping, progress=progress)

    def records_for_list(
        self,
        *,
        kind: str | None = None,
        ward: str | None = None,
        fiscal_year: int | None = None,
        query: str | None = None,
        uids: list[str] | None = None,
        limit: int = 100_000,
    ) -> list[dict[str, Any]]:
        """The records a list export writes: chosen by filters, a search, or uids."""
        from zebkb.service import tables

        return tables.records_for_list(
            self,
            kind=kind,
            ward=ward,
            fiscal_year=fiscal_year,
            query=query,
            uids=uids,
            limit=limit,
        )
