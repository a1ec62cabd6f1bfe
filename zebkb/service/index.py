"""The search index of a knowledge base: keeping it up to date, and searching it.

The index is a cache of the database: it notes the last change number it
applied and takes in the records the change log (zebkb/store/changelog.py)
lists after it — after each commit, and when the writer is asked (another
PC's commits in team mode) — or builds it beside the current one before a
bulk commit; a search answers from what it has and says when that is behind. Functions of the
:class:`~zebkb.service.KnowledgeBase` facade; each takes the knowledge base first.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from zebkb.search.notices import (
    NOTICE_INDEX_DAMAGED,
    NOTICE_INDEX_OTHER_VERSION,
    NOTICE_INDEX_OUTDATED,
    NOTICE_INDEX_RESET,
)
from zebkb.service.changes import NO_CHANGES, Changes
from zebkb.service.datadir import DatabaseAwayError
from zebkb.service.facade import Core
from zebkb.service.transaction import Cancel, Progress, format_timestamp
from zebkb.store import changelog
from zebkb.store import records as store
from zebkb.store.models import BlobRow, RecordRow, TextFailureRow

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import Engine

    from zebkb.problems import Problem
    from zebkb.search.engine import SearchFilters, SearchIndex, SearchResult
    from zebkb.search.extract import ExtractLimits, TextExtractor
    from zebkb.service.transaction import Txn


class Facade(Core, Protocol):
    """What index.py uses of the facade (zebkb/service/knowledge_base.py)."""

    def _apply_to_index(
        self,
        uids: Sequence[str],
        state: int,
        saved: Mapping[str, Mapping[str, Any]] | None = ...,
    ) -> None: ...

    def _attachment_texts(
        self,
        record: Mapping[str, Any],
        *,
        cache: bool = ...,
        extractor: TextExtractor | None = ...,
        retry: bool = ...,
    ) -> list[str]: ...

    def _blob_text(
        self,
        digest: str,
        media_type: str,
        *,
        cache: bool = ...,
        extractor: TextExtractor | None = ...,
        retry: bool = ...,
    ) -> str: ...

    def _extractor(self) -> TextExtractor: ...

    _index: SearchIndex | None

    _index_copy: tempfile.TemporaryDirectory[str] | None

    def _index_from_copy(self) -> SearchIndex: ...

    def _index_plan(self, *, count_only: bool = ...) -> IndexPlan: ...

    def attachment_path(self, sha256: str) -> Path | None: ...

    def catch_up_index(
        self, progress: Progress | None = ..., cancel: Cancel | None = ...
    ) -> CatchUp: ...

    def change_state(self) -> int: ...

    def count(self, *, include_deleted: bool = ...) -> int: ...

    engine: Engine

    extract_limits: ExtractLimits | None

    @property
    def index(self) -> SearchIndex: ...

    def index_docs(
        self, uids: Iterable[str] | None = ..., *, retry: bool = ...
    ) -> Iterator[Any]: ...

    def index_is_current(self) -> bool: ...

    # The records with an overdue follow-up last found (zebkb/service/records.py).
    _overdue_seen: tuple[tuple[int, date], frozenset[str]] | None

    def overdue_uids(self, state: int | None = ...) -> frozenset[str]: ...

    index_notice: str | None

    def publish(self, changes: Changes) -> Changes: ...

    read_only: bool

    def reindex(self, progress: Progress | None = ..., cancel: Cancel | None = ...) -> bool: ...

    @property
    def writes_here(self) -> bool: ...


log = logging.getLogger(__name__)

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
NOTICE_DATABASE_AWAY = (
    "the team database cannot be reached: these results come from this PC's search index, "
    "and changes cannot be saved until it is back"
)
NOTICE_INDEX_STALE = (
    "the search index is behind the database: recent changes may be missing from this answer "
    "until it is brought up to date"
)
# Each notice's name in the window's and the command line's texts ("status.<name>",
# "notice.<name>"): one table, so a new notice cannot be translated in one and not the other.
INDEX_NOTICE_NAMES: dict[str, str] = {
    NOTICE_INDEX_BUSY: "index_busy",
    NOTICE_DATABASE_AWAY: "database_away",
    NOTICE_INDEX_REBUILT: "index_rebuilt",
    NOTICE_INDEX_READ_ONLY_STALE: "index_read_only_stale",
    NOTICE_INDEX_READ_ONLY_BUILT: "index_read_only_built",
    NOTICE_INDEX_STALE: "index_behind",
    NOTICE_INDEX_DAMAGED: "index_damaged",
    NOTICE_INDEX_RESET: "index_reset",
    NOTICE_INDEX_OTHER_VERSION: "index_other_version",
    NOTICE_INDEX_OUTDATED: "index_outdated",
}
TEXT_MEDIA_TYPES = (
    "application/pdf",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)


# Why the index was rebuilt whole rather than caught up from the change log.
REBUILD_PRUNED = (
    "the change log no longer reaches back to this search index's last change "
    "(pruned, or a backup was restored)"
)
REBUILD_UNKNOWN = "the search index does not know which change it reflects (damaged or interrupted)"
REBUILD_AHEAD = "the search index is ahead of the database (an older database was put in place)"


# Kinds of change (the change log's) that come with conflicts and exchange-log entries.
EXCHANGE_KINDS = frozenset({"import", "undo-import", "settle", "table-import"})


@dataclass(frozen=True, slots=True)
class IndexPlan:
    state: int  # the change number the index reflects once the plan is carried out
    uids: tuple[str, ...] | None  # the records to apply; None: rebuild whole
    reason: str | None = None  # why whole
    kinds: frozenset[str] = frozenset()  # the kinds of change among them (the log's)


@dataclass(frozen=True, slots=True)
class CatchUp:
    """What bringing the search index up to date did (`catch_up_index`)."""

    state: int  # the change number the index reflects now
    applied: frozenset[str] = frozenset()  # records applied one by one
    rebuilt: bool = False  # rebuilt whole instead
    reason: str | None = None  # why whole (REBUILD_*)
    cancelled: bool = False


class _CallerFailed(Exception):
    """Carries a failure of the caller's callbacks during an index build (not the index's own)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def drop_aside(kb: Facade, txn: Txn) -> None:
    if txn.index_aside is not None:
        with contextlib.suppress(Exception):
            kb.index.discard(txn.index_aside)


def index_after_commit(kb: Facade, txn: Txn) -> frozenset[str]:
    """Bring the index up to date after a commit, one record at a time.

    Returns the records applied besides the transaction's own. An index
    that needs rebuilding whole is left as it is (stale, never wrong): the
    next search says so and the writer rebuilds it (``catch_up_index``).
    """
    if txn.index_aside is not None and txn.logged is not None:
        first, last = txn.logged
        # Built on the index at index_aside_base plus this transaction: it reflects
        # ``last`` when nobody else committed in between (always, on SQLite).
        based = txn.index_aside_base
        try:
            kb.index.adopt(txn.index_aside, state=last if first == based + 1 else based)
        except Exception:  # the index is a cache; the commit already stands
            log.exception("search index built for the commit could not be shown; updating")
    elif txn.index_aside is not None:
        drop_aside(kb, txn)
    if not txn.touched:
        return frozenset()
    try:
        plan = kb._index_plan()
        if plan.uids is None:
            return frozenset()  # rebuilt whole by the writer when asked
        # The versions this commit wrote are the current ones when nobody committed after
        # it (team mode: another PC may have); they need not be read back.
        latest = txn.logged is not None and plan.state == txn.logged[1]
        kb._apply_to_index(plan.uids, plan.state, txn.saved if latest else None)
    except Exception:  # the index is a cache; the commit already stands
        log.exception("search index update failed; it will be brought up to date later")
        return frozenset()
    return frozenset(plan.uids) - txn.touched


def build_index_aside(
    kb: Facade,
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
        index = kb.index
        before = changelog.current(txn.session)
        indexed = index.indexed_state()
        current = indexed == before or (indexed is None and before == 0)
        if not current or not index.is_bulk(len(txn.touched)):
            return
        txn.index_aside_base = before

        def docs() -> Iterator[Any]:
            from zebkb.search.documents import doc_from_record

            later = []
            uids = sorted(txn.touched)
            with kb._extractor() as extractor:

                def texts(record: Mapping[str, Any]) -> list[str]:
                    return kb._attachment_texts(record, cache=False, extractor=extractor)

                for start in range(0, len(uids), store.CHUNK):
                    if every_so_often is not None:
                        call(every_so_often)
                    found = store.get_records(txn.session, uids[start : start + store.CHUNK])
                    for record in found.values():
                        if record.get("deleted"):
                            continue
                        if any(a["sha256"] in pending_files for a in text_refs(record)):
                            later.append(record)
                            continue
                        yield doc_from_record(record, texts(record))
                wait()
                for record in later:
                    yield doc_from_record(record, texts(record))

        txn.index_aside = index.build_aside(
            docs(), set(txn.touched), state=before + len(txn.touched)
        )
    except _CallerFailed as failed:  # the files' failure, or a cancel, is the import's
        raise failed.error from None
    except Exception:  # the index's is not: the update after the commit tries again
        log.exception("search index could not be built before the commit")
    finally:
        if not waited:
            wait_for_files()


def open_index(kb: Facade) -> SearchIndex:
    if kb._index is None:
        from zebkb.search.engine import SearchIndex

        if kb.read_only:
            kb._index = kb._index_from_copy()
        else:
            kb._index = SearchIndex(kb.data_dir / "index")
    return kb._index


def index_from_copy(kb: Facade) -> SearchIndex:
    """The index of a read-only folder, opened from a private copy (opening writes)."""
    from zebkb.search.engine import SearchIndex, copy_current
    from zebkb.search.variants import USER_FILE

    kb._index_copy = tempfile.TemporaryDirectory(prefix="zebkb-index-")
    copy = Path(kb._index_copy.name) / "index"
    source = kb.data_dir / "index"
    if source.is_dir():
        with contextlib.suppress(OSError):
            copy_current(source, copy)
    index = SearchIndex(copy, variants_file=kb.data_dir / USER_FILE)
    if index.indexed_state() is None and kb.change_state() > 0:
        # Nothing usable to answer from: build it here, for this process only.
        index.rebuild(kb.index_docs(), total=kb.count(), state=kb.change_state())
        kb.index_notice = NOTICE_INDEX_READ_ONLY_BUILT
    return index


def change_state(kb: Facade) -> int:
    """The last change number handed out (the change log's newest entry; 0 before any)."""
    with kb._read() as session:
        return changelog.current(session)


def text_refs(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The attachments whose text is searched (PDF, text, Markdown), unless left out."""
    return [
        att
        for att in record.get("attachments") or []
        if not att.get("omitted") and att.get("media_type") in TEXT_MEDIA_TYPES
    ]


def attachment_texts(
    kb: Facade,
    record: Mapping[str, Any],
    *,
    cache: bool = True,
    extractor: TextExtractor | None = None,
    retry: bool = False,
) -> list[str]:
    texts = [
        kb._blob_text(
            att["sha256"], att["media_type"], cache=cache, extractor=extractor, retry=retry
        )
        for att in text_refs(record)
    ]
    return [t for t in texts if t]


def open_extractor(kb: Facade) -> TextExtractor:
    """A text extractor for one indexing pass (its helper process ends with it)."""
    from zebkb.search.extract import TextExtractor

    return TextExtractor(kb.extract_limits)


def blob_text(
    kb: Facade,
    digest: str,
    media_type: str,
    *,
    cache: bool = True,
    extractor: TextExtractor | None = None,
    retry: bool = False,
) -> str:
    with kb._read() as session:
        row = session.get(BlobRow, digest)
        if row is not None and row.text is not None:
            return row.text
        if not retry and session.get(TextFailureRow, digest) is not None:
            return ""  # failed before: only `reindex` tries again
    path = kb.attachment_path(digest)
    if path is None:
        return ""
    if extractor is None:
        with kb._extractor() as own:
            taken = own.extract(path, media_type)
    else:
        taken = extractor.extract(path, media_type)
    if not cache or not kb.writes_here:
        # Only the folder's writer writes, even a cache row; a reader extracts again
        # (and so does a writer inside its own open transaction, which the cache's
        # separate write would wait for).
        return taken.text
    with contextlib.suppress(OperationalError), Session(kb.engine) as session:
        now = format_timestamp(kb.clock())
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


def text_failures(kb: Facade) -> dict[str, str]:
    """Attachments (by SHA-256) whose text could not be taken, with the reason."""
    with kb._read() as session:
        return {row.sha256: row.reason for row in session.exec(select(TextFailureRow))}


def index_docs(
    kb: Facade, uids: Iterable[str] | None = None, *, retry: bool = False
) -> Iterator[Any]:
    """Index documents for the given records (all live records when None).

    ``retry``: take the text of attachments that failed before again (reindex).
    """
    from zebkb.search.documents import doc_from_record

    with kb._read() as session:
        stmt = select(RecordRow.uid).where(RecordRow.deleted == False)  # noqa: E712
        wanted = list(uids) if uids is not None else list(session.exec(stmt))
    # Read in batches: a session per record cost an import of 10,000 records 7 s.
    with kb._extractor() as extractor:
        for start in range(0, len(wanted), store.CHUNK):
            part = wanted[start : start + store.CHUNK]
            with kb._read() as session:
                found = store.get_records(session, part)
            for uid in part:
                record = found.get(uid)
                if record is None or record.get("deleted"):
                    continue
                texts = kb._attachment_texts(record, extractor=extractor, retry=retry)
                yield doc_from_record(record, texts)


def docs_of_records(kb: Facade, records: Iterable[Mapping[str, Any]]) -> Iterator[Any]:
    """Index documents for these versions of records (none for a deleted one)."""
    from zebkb.search.documents import doc_from_record

    with kb._extractor() as extractor:
        for record in records:
            if not record.get("deleted"):
                yield doc_from_record(record, kb._attachment_texts(record, extractor=extractor))


def index_plan(kb: Facade, *, count_only: bool = False) -> IndexPlan:
    """What brings the index up to date: the records logged since it was, or a rebuild.

    ``count_only``: only whether a rebuild is needed (``uids`` is then empty or None).
    """
    index = kb.index
    indexed = index.indexed_state()
    with kb._read() as session:
        # The counter first: every entry up to it is committed, so reading the entries
        # after it (even in another statement) finds all of them.
        state = changelog.current(session)
        if indexed == state or (indexed is None and state == 0):
            return IndexPlan(state, ())
        if indexed is not None and indexed > state:
            return IndexPlan(state, None, REBUILD_AHEAD)
        if indexed is None and index.doc_count():
            return IndexPlan(state, None, REBUILD_UNKNOWN)
        base = indexed or 0  # a new, empty index takes the whole log when it has it all
        entries: list[tuple[int, str, str]] = []
        if count_only:
            found = changelog.count_between(session, base, state)
        else:
            entries = changelog.entries_between(session, base, state)
            found = len(entries)
    if found != state - base:
        return IndexPlan(state, None, REBUILD_PRUNED)
    return IndexPlan(
        state,
        tuple(dict.fromkeys(uid for _seq, uid, _kind in entries)),
        kinds=frozenset(kind for _seq, _uid, kind in entries),
    )


def index_needs_rebuild(kb: Facade) -> str | None:
    """Why the index cannot simply catch up from the change log (None: it can). A read."""
    return kb._index_plan(count_only=True).reason


def apply_to_index(
    kb: Facade,
    uids: Sequence[str],
    state: int,
    saved: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Read these records again and put them in the index (gone ones out); mark ``state``.

    The records are read after ``state`` was, so they are at least that new. Two
    processes on one folder (team mode has no folder lock) may apply in either
    order; the later may mark an older ``state`` than the index had, which only
    makes the next catch-up apply those changes again, never leaves one out.
    ``saved``: current versions the caller has just written (as of ``state``);
    those are indexed as they are instead of being read again (reading 1,000 saved
    records back cost their save half a second).
    """
    saved = saved or {}
    own = [saved[u] for u in uids if u in saved]
    others = [u for u in uids if u not in saved]
    docs = list(kb.index_docs(others)) if others else []
    if own:
        docs += docs_of_records(kb, own)
    live = {d.uid for d in docs}
    kb.index.update(docs, [u for u in uids if u not in live], state=state)


def variant_problems(kb: Facade) -> list[Problem]:
    """What is wrong with the folder's own spelling-variants file (search-variants.txt), one
    line each, naming the line; searches meanwhile use the built-in table alone."""
    return list(kb.index.variants.problems)


def index_is_current(kb: Facade) -> bool:
    """Whether the index reflects the database's last change (a new, empty pair is current).

    Cheap: the change counter and the index's own note of it, nothing more.
    """
    indexed = kb.index.indexed_state()
    return _current(indexed, kb.change_state())


def _current(indexed: int | None, state: int) -> bool:
    return indexed == state or (indexed is None and state == 0)


def update_index(
    kb: Facade, progress: Progress | None = None, cancel: Cancel | None = None
) -> bool:
    """Bring the index up to date: a write, for the folder's writer. False when cancelled.

    See `catch_up_index`; this is it, answering only whether it finished.
    """
    return not kb.catch_up_index(progress, cancel).cancelled


def catch_up_index(
    kb: Facade, progress: Progress | None = None, cancel: Cancel | None = None
) -> CatchUp:
    """Apply the change log's entries the index has not seen: a write, for the writer.

    The records changed since the index's change number are read again and
    replaced in it, and nothing else. When the log no longer reaches back
    that far (pruned, a restored backup) or the index does not know where
    it stands, it is rebuilt whole, and the answer says why. A search never
    does this itself (it answers from what the index has and says it is
    stale); the window runs it as a write (after a stale answer, and when
    another PC's commit is announced), the command line before a search
    when it can become the writer. What it applied is reported as changed
    records (``publish``), so every pane shows the new versions.
    """
    kb.claim_writer()
    plan = kb._index_plan()
    if plan.uids is None:
        log.info("search index rebuilt whole: %s", plan.reason)
        done = kb.reindex(progress, cancel)
        return CatchUp(plan.state, rebuilt=done, reason=plan.reason, cancelled=not done)
    if plan.uids:
        kb._apply_to_index(plan.uids, plan.state)
    applied = frozenset(plan.uids)
    # Another PC's import, undo or settling also changed its exchange log and conflicts.
    exchanged = bool(plan.kinds & EXCHANGE_KINDS)
    kb.publish(
        Changes(records=applied, conflicts=exchanged, exchange_log=exchanged)
        if applied
        else NO_CHANGES
    )
    return CatchUp(plan.state, applied=applied)


def reindex(kb: Facade, progress: Progress | None = None, cancel: Cancel | None = None) -> bool:
    """Rebuild the search index from the database; False when cancelled."""
    kb.claim_writer()
    state = kb.change_state()
    total = kb.count()
    done = kb.index.rebuild(
        kb.index_docs(retry=True), total=total, state=state, progress=progress, cancel=cancel
    )
    kb.publish(Changes(index=True) if done else NO_CHANGES)
    return done


def search(
    kb: Facade,
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
    ``catch_up_index``, a write.
    """
    result, _uids = _told(
        kb,
        lambda state: (
            kb.index.search(
                query,
                filters=_overdue_given(kb, query, filters, state, count=False),
                limit=limit,
                offset=offset,
            ),
            [],
        ),
    )
    return result


def search_all(
    kb: Facade, query: str, *, filters: SearchFilters | None = None
) -> tuple[SearchResult, list[str]]:
    """Every matching uid, best first, their total, the text alone's total and the counts
    under the filters (``SearchIndex.search_all``), the notice, and the change number read.

    One pass of the engine and one look at the database for all of it: the window
    asks this once per keystroke and hands the answer to every pane
    (zebkb/ui/main/searchwork.py), its table rows too (``state``).
    """
    return _told(
        kb,
        lambda state: kb.index.search_all(
            query, filters=_overdue_given(kb, query, filters, state, count=True)
        ),
    )


def _overdue_given(
    kb: Facade, query: str, filters: SearchFilters | None, state: int | None, *, count: bool
) -> SearchFilters | None:
    """``filters`` with the records that have an overdue follow-up today, when the
    filters or the query ask for them (後日対応:期限切れ), or with ``count`` (the window
    shows how many): only the service can tell, by the knowledge base's clock."""
    from zebkb.search.engine import SearchFilters
    from zebkb.search.query import parse_query

    chosen = filters or SearchFilters()
    if not count and not chosen.overdue:
        try:
            parsed = parse_query(query)
        except ValueError:  # the engine refuses it in words
            return filters
        if not (parsed.overdue or parsed.not_overdue):
            return filters
    if state is None:  # team mode, the server away: what was last read, if anything
        seen = kb._overdue_seen
        late = seen[1] if seen is not None else frozenset()
    else:
        late = kb.overdue_uids(state)
    return replace(chosen, overdue_uids=late)


def _told(
    kb: Facade, run: Callable[[int | None], tuple[SearchResult, list[str]]]
) -> tuple[SearchResult, list[str]]:
    """Run an index search and say, as ``search`` does, whether the index is behind.

    ``run`` is given the database's change number read for that (None: not readable).
    """
    index = kb.index
    try:
        # As index_is_current, keeping the number read for the caller.
        indexed = index.indexed_state()
        state = kb.change_state()
        stale = not _current(indexed, state)
    except DatabaseAwayError:
        # Team mode with the server away: this PC's index is what there is.
        result, uids = run(None)
        return replace(result, notice=NOTICE_DATABASE_AWAY, stale=True), uids
    # The service knows whether the index is behind (the index alone guesses from a
    # state it never recorded, which a new, empty knowledge base has too).
    if kb.read_only:  # nothing can bring it up to date here
        notice = getattr(index, "notice", None) or kb.index_notice
        notice = notice or (NOTICE_INDEX_READ_ONLY_STALE if stale else None)
    else:
        notice = getattr(index, "notice", None)
        if notice in (NOTICE_INDEX_RESET, NOTICE_INDEX_OTHER_VERSION) and not stale:
            # Caught up since it was emptied (the change log reached back to its start):
            # every record is in it again, so "rebuild it to search all records" (or "it
            # is being rebuilt") is not so.
            notice = None
        notice = notice or (NOTICE_INDEX_STALE if stale else None)
    result, uids = run(state)
    return replace(result, notice=notice, stale=stale, state=state), uids
