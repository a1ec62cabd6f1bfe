"""Records: reading them, saving, deleting and restoring them, and the settings beside them.

Functions of the :class:`~zebkb.service.KnowledgeBase` facade, which callers
use (``kb.save``, ``kb.history`` …); each takes the knowledge base first.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import func, text
from sqlmodel import select

from zebkb.domain.canonical import instant_key, parse_timestamp
from zebkb.domain.fields import TOMBSTONE_FIELDS
from zebkb.domain.validate import RecordError, validate_record
from zebkb.domain.wards import WardError, resolve_ward
from zebkb.errors import InputError, KnownError, NotFoundError
from zebkb.service.changes import NO_CHANGES, Changes
from zebkb.service.facade import Core
from zebkb.service.transaction import format_timestamp
from zebkb.store import changelog
from zebkb.store import overview as overview_store
from zebkb.store import records as store
from zebkb.store.models import Meta, RecordRow, TagRow

if TYPE_CHECKING:
    from zebkb.service.transaction import Txn


class Facade(Core, Protocol):
    """What records.py uses of the facade (zebkb/service/knowledge_base.py)."""

    # The records with an overdue follow-up, for a (change number, day): overdue_uids.
    _overdue_seen: tuple[tuple[int, date], frozenset[str]] | None
    # The follow-ups last read, brought up to date by follow_up_rows.
    _follow_ups_seen: FollowUpsSeen | None

    def change_state(self) -> int: ...

    def follow_up_rows(self) -> list[tuple[Any, ...]]: ...

    def _check_attachments_present(
        self, record: Mapping[str, Any], *, already: AbstractSet[str | None] = ...
    ) -> None: ...

    def _next_timestamp(self, previous: str | None) -> str: ...

    def _prepare(
        self,
        txn: Txn,
        data: Mapping[str, Any],
        expected: int | None,
        *,
        versions: Mapping[str, dict[str, Any] | None] | None = ...,
        home_ward: Callable[[], str] | None = ...,
    ) -> tuple[dict[str, Any], bool]: ...

    def _require_home_ward(self, txn: Txn) -> str: ...

    def get(self, uid: str) -> dict[str, Any] | None: ...

    def history(self, uid: str) -> list[Version]: ...

    def meta(self, key: str) -> str | None: ...

    def restore_in(self, txn: Txn, chosen: Mapping[str, Any]) -> dict[str, Any]: ...

    def save(
        self, data: Mapping[str, Any], *, expected_revision: int | None = ...
    ) -> SavedRecord: ...

    def save_in(
        self, txn: Txn, data: Mapping[str, Any], expected: int | None
    ) -> dict[str, Any]: ...

    def save_many(
        self,
        items: Iterable[Mapping[str, Any]],
        *,
        expected_revisions: Iterable[int | None] | None = ...,
        where: Callable[[int], str] | None = ...,
    ) -> list[SavedRecord]: ...


class ChangedSinceError(InputError):
    """The record is no longer at the revision the caller expected (someone saved since)."""


UID_PREFIX_CHARS = frozenset("0123456789abcdef-")
UID_CANDIDATES_SHOWN = 5


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


def get(kb: Facade, uid: str) -> dict[str, Any] | None:
    with kb._read() as session:
        return store.get_record(session, uid)


def resolve_uid(kb: Facade, text: str) -> str:
    """A full uid, or the one record whose uid begins with ``text`` (as git takes a prefix).

    An ambiguous prefix is refused in one line naming the candidates.
    """
    given = text.strip().lower()
    if len(given) >= 36 or not given or any(c not in UID_PREFIX_CHARS for c in given):
        return text
    with kb._read() as session:
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


def require(kb: Facade, uid: str) -> dict[str, Any]:
    record = kb.get(uid)
    if record is None:
        raise NotFoundError(f"no record with uid {uid}", message_ja=f"UID {uid} の記録はありません")
    return record


def list_records(
    kb: Facade,
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
    with kb._read() as session:
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


def leading_owners(kb: Facade, case_uid: str) -> list[dict[str, Any]]:
    """The ZEB Leading Owner registrations that list this case (live ones)."""
    with kb._read() as session:
        conn = session.connection()
        sql = (
            "SELECT o.uid FROM owner_detail o JOIN record r ON r.uid = o.uid"
            f" WHERE r.deleted = false AND {store.json_list_has(conn, 'o.cases_json', ':uid')}"
        )
        uids = [row[0] for row in conn.execute(text(sql), {"uid": case_uid})]
    found = [kb.get(uid) for uid in sorted(uids)]
    return [r for r in found if r is not None]


def linking_to(kb: Facade, uid: str) -> list[tuple[str, str, str]]:
    """Live records that point at ``uid`` (backlinks), as (uid, kind, title).

    A visit's facility, a session's cases, a 課題's records, a Leading
    Owner's cases; ordered by kind, then title.
    """
    with kb._read() as session:
        conn = session.connection()

        def has(column: str) -> str:
            return store.json_list_has(conn, column, ":uid")

        sql = (
            "SELECT r.uid, r.type, COALESCE(r.title, '') FROM record r WHERE r.deleted = false"
            " AND r.uid != :uid AND ("
            " r.uid IN (SELECT uid FROM visit_detail WHERE facility_case_uid = :uid)"
            " OR r.uid IN (SELECT s.uid FROM session_detail s"
            f"   WHERE {has('s.related_case_uids_json')})"
            f" OR r.uid IN (SELECT i.uid FROM issue_detail i WHERE {has('i.related_json')})"
            f" OR r.uid IN (SELECT o.uid FROM owner_detail o WHERE {has('o.cases_json')}))"
            # COALESCE: the engines put a missing title first (SQLite) or last (PostgreSQL).
            " ORDER BY r.type, COALESCE(r.title, ''), r.uid"
        )
        rows = conn.execute(text(sql), {"uid": uid}).fetchall()
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def table_rows(kb: Facade) -> list[TableRow]:
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
        " WHERE r.deleted = false"
        " ORDER BY r.updated_utc DESC"
    )
    with kb._read() as session:
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


def count(kb: Facade, *, include_deleted: bool = False) -> int:
    stmt = select(func.count()).select_from(RecordRow)
    if not include_deleted:
        stmt = stmt.where(RecordRow.deleted == False)  # noqa: E712
    with kb._read() as session:
        return int(session.exec(stmt).one())


def history(kb: Facade, uid: str) -> list[Version]:
    """Every version kept for a record, oldest first."""
    with kb._read() as session:
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


def overview_rows(kb: Facade, *, recent: int) -> dict[str, list[tuple[Any, ...]]]:
    """The home screen's counts as rows, from one read (zebkb/overview.py shapes them)."""
    with kb._read() as session:
        return overview_store.overview_rows(session, recent=recent)


@dataclass(frozen=True)
class FollowUpsSeen:
    """The live visits and sessions with follow-ups as of the change number ``state``."""

    state: int
    rows: dict[str, str]  # uid → record JSON


# Changes since the last read beyond which reading them all again is as cheap.
FOLLOW_UPS_REREAD_AFTER = 5_000


def follow_up_rows(kb: Facade) -> list[tuple[Any, ...]]:
    """(uid, record JSON) of the live visits and sessions with follow-ups, from one read.

    Kept from the last call: after changes only the records the change log names
    are read again (a save of a case reads no follow-up at all), and all of them only
    when the log cannot tell (pruned, a restored backup, another database). Every
    pane that counts overdue follow-ups asks this after each change.
    """
    with kb._read() as session:
        state = changelog.current(session)
        seen = kb._follow_ups_seen
        if seen is not None and seen.state == state:
            rows = seen.rows
        else:
            changed = None
            if seen is not None and 0 < state - seen.state <= FOLLOW_UPS_REREAD_AFTER:
                entries = changelog.entries_between(session, seen.state, state)
                if len(entries) == state - seen.state:  # the log is complete from there
                    changed = {uid for _seq, uid, _kind in entries}
            if seen is None or changed is None:
                rows = {str(u): str(t) for u, t in overview_store.follow_up_rows(session)}
            else:
                rows = {u: t for u, t in seen.rows.items() if u not in changed}
                if changed:
                    fresh = overview_store.follow_up_rows(session, changed)
                    rows.update((str(u), str(t)) for u, t in fresh)
            kb._follow_ups_seen = FollowUpsSeen(state, rows)
    return list(rows.items())


def overdue_uids(kb: Facade, state: int | None = None) -> frozenset[str]:
    """The records with a follow-up overdue today, by the knowledge base's clock.

    The domain's rule (zebkb/domain/rows.py), as the home screen and ``zebkb list
    --overdue`` apply it (zebkb/overview.py). Remembered for the change number
    ``state`` (read now when not given) and the day, so a search per keystroke
    reads the follow-ups again only after a change or at midnight.
    """
    from zebkb.domain.rows import overdue_follow_ups

    today = kb.clock().date()
    key = (kb.change_state() if state is None else state, today)
    seen = kb._overdue_seen
    if seen is not None and seen[0] == key:
        return seen[1]
    found = frozenset(
        str(uid) for uid, text in kb.follow_up_rows() if overdue_follow_ups(json.loads(text), today)
    )
    kb._overdue_seen = (key, found)
    return found


def fiscal_year_details(kb: Facade, year: int) -> dict[str, tuple[Any, ...]]:
    """The kind-specific column of every live record of a fiscal year, in one query."""
    with kb._read() as session:
        return overview_store.fiscal_year_details(session, year)


def tags(kb: Facade) -> dict[str, int]:
    stmt = (
        select(TagRow.tag, func.count())
        .join(RecordRow, RecordRow.uid == TagRow.uid)  # type: ignore[arg-type]
        .where(RecordRow.deleted == False)  # noqa: E712
        .group_by(TagRow.tag)
    )
    with kb._read() as session:
        return {tag: int(n) for tag, n in session.exec(stmt)}


def meta(kb: Facade, key: str) -> str | None:
    """A setting kept in the database (None when never set)."""
    with kb._read() as session:
        row = session.get(Meta, key)
        return None if row is None else row.value


def home_ward(kb: Facade) -> str | None:
    return kb.meta("home_ward")


def set_home_ward(kb: Facade, ward: str) -> str:
    try:
        code = resolve_ward(ward)
    except WardError as exc:
        raise InputError(str(exc)) from None
    with kb.transaction() as txn:
        txn.set_meta("home_ward", code)
        txn.note(Changes(settings=True))
    return code


def require_home_ward(kb: Facade, txn: Txn) -> str:
    ward = txn.meta("home_ward")
    if ward is None:
        raise KnownError(
            "this knowledge base has no home ward yet; set it first with "
            "'zebkb init --ward WARD' (e.g. 葛飾区 or 131229)",
            message_ja="ホーム区が未設定です。先に設定してください（例: zebkb init --ward 葛飾区）",
        )
    return ward


def next_timestamp(kb: Facade, previous: str | None) -> str:
    """Now, but always after the version it replaces, so a local edit wins over it."""
    now = kb.clock()
    if previous is not None:
        before = parse_timestamp(previous)
        if now <= before:
            now = (before + timedelta(milliseconds=1)).astimezone(now.tzinfo)
    return format_timestamp(now)


def save(
    kb: Facade, data: Mapping[str, Any], *, expected_revision: int | None = None
) -> SavedRecord:
    """Create or update one record from user input (the window, ``zebkb add``).

    Assigned fields (uid, origin, timestamps, revision) are filled in.
    ``expected_revision`` guards an editor against overwriting a newer version.
    """
    return kb.save_many([data], expected_revisions=[expected_revision])[0]


def save_many(
    kb: Facade,
    items: Iterable[Mapping[str, Any]],
    *,
    expected_revisions: Iterable[int | None] | None = None,
    where: Callable[[int], str] | None = None,
) -> list[SavedRecord]:
    """Save several records as one transaction: all of them or none.

    The records already here are read in one query and all are written with
    one statement per table (`Txn.put_current_many`): reading and writing each
    record on its own was most of saving 10,000. When a uid comes twice, each
    save must see the one before it, so they are saved one at a time.
    """
    items = list(items)
    expected = list(expected_revisions or [None] * len(items))
    saved: list[dict[str, Any]] = []
    given = [
        uid
        for data in items
        if isinstance(data, Mapping) and isinstance(uid := data.get("uid"), str) and uid
    ]
    batch = len(items) > 1 and len(set(given)) == len(given)
    with kb.transaction() as txn:
        versions: dict[str, dict[str, Any] | None] | None = None
        home: list[str] = []

        def home_ward() -> str:
            if not home:
                home.append(kb._require_home_ward(txn))
            return home[0]

        if batch:
            found = txn.get_many(given)
            versions = {uid: found.get(uid) for uid in given}
        sources: dict[str, list[dict[str, Any]]] = {"edit": [], "create": []}
        for position, (data, exp) in enumerate(zip(items, expected, strict=True)):
            try:
                if versions is None:
                    saved.append(kb.save_in(txn, data, exp))
                    continue
                record, existed = kb._prepare(
                    txn, data, exp, versions=versions, home_ward=home_ward
                )
            except RecordError as exc:
                prefix = f"{where(position)}: " if where else ""
                raise InputError(
                    prefix + exc.unfilled_line("en"),
                    message_ja=prefix + exc.unfilled_line("ja"),
                    fiscal_year=exc.fiscal_year,
                ) from None
            sources["edit" if existed else "create"].append(record)
            saved.append(record)
        for source, records in sources.items():
            if records:
                txn.put_current_many(records, source=source)
    return [SavedRecord(record, txn.changes) for record in saved]


def save_in(kb: Facade, txn: Txn, data: Mapping[str, Any], expected: int | None) -> dict[str, Any]:
    """``save`` inside an open transaction (RecordError when the input is refused)."""
    record, existed = kb._prepare(txn, data, expected)
    txn.put_current(record, source="edit" if existed else "create")
    return record


def prepare(
    kb: Facade,
    txn: Txn,
    data: Mapping[str, Any],
    expected: int | None,
    *,
    versions: Mapping[str, dict[str, Any] | None] | None = None,
    home_ward: Callable[[], str] | None = None,
) -> tuple[dict[str, Any], bool]:
    """The record to save, valid, with its assigned fields; and whether it exists already.

    ``versions``: the current versions (None: none) of uids read beforehand, so that
    a batch does not read each one; others are read here. ``home_ward``: gives
    the home ward (read once for a batch).
    """
    if not isinstance(data, Mapping):
        raise RecordError(
            "a record must be a JSON object", "レコードは JSON オブジェクトで指定してください"
        )
    clean = validate_record(data, strict=False)
    uid = clean.get("uid")
    if uid and versions is not None and uid in versions:
        current = versions[uid]
    else:
        current = txn.get(uid) if uid else None
    if current is not None:
        if current["type"] != clean.get("type"):
            raise RecordError(
                f"cannot change the type of a record from {current['type']} to {clean.get('type')}",
                f"記録の種別は変更できません（{current['type']} → {clean.get('type')}）",
                field="type",
                uid=uid,
            )
        latest = current["revision"]
        if expected is not None and expected != latest:
            raise RecordError(
                f"the record was changed elsewhere (now revision {latest}, "
                f"you edited revision {expected}); reload it and edit again",
                f"他の場所で更新されています（現在 第{latest}版、編集元 第{expected}版）。"
                "開き直してから編集してください",
                field="revision",
                uid=uid,
            )
        clean["uid"] = uid
        clean["origin"] = current["origin"]
        clean["created_at"] = current.get("created_at") or clean.get("created_at")
        clean["revision"] = latest + 1
        clean["updated_at"] = kb._next_timestamp(current["updated_at"])
    else:
        clean["uid"] = uid or str(uuid.uuid4())
        if "origin" not in clean:  # not setdefault: a meta read per record saved in bulk
            clean["origin"] = home_ward() if home_ward is not None else kb._require_home_ward(txn)
        now = kb._next_timestamp(None)
        clean.setdefault("created_at", now)
        clean["updated_at"] = now
        clean["revision"] = 1
    clean.pop("deleted", None)
    # Files the record already referred to may not have arrived yet from another ward;
    # only files the user adds now must be here.
    known = {a.get("sha256") for a in (current or {}).get("attachments") or []}
    kb._check_attachments_present(clean, already=known)
    return validate_record(clean, strict=True), current is not None


def delete(kb: Facade, uid: str) -> SavedRecord:
    """Delete a record: a tombstone becomes the current version; history keeps the rest."""
    with kb.transaction() as txn:
        current = txn.get(uid)
        if current is None:
            raise NotFoundError(f"no record with uid {uid}")
        if current.get("deleted"):
            return SavedRecord(current)
        tombstone = {k: current[k] for k in TOMBSTONE_FIELDS if k in current}
        tombstone["deleted"] = True
        tombstone["revision"] = current["revision"] + 1
        tombstone["updated_at"] = kb._next_timestamp(current["updated_at"])
        txn.put_current(tombstone, source="delete")
    return SavedRecord(tombstone, txn.changes)


def restore(
    kb: Facade, uid: str, revision: int | str, *, expected_revision: int | None = None
) -> SavedRecord:
    """Bring an earlier version back as a new revision (a version's revision or hash prefix).

    ``expected_revision``: only if the record is still at that revision (an undo that
    must not replace what someone saved since); `ChangedSinceError` otherwise, nothing
    changed.
    """
    versions = kb.history(uid)
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
    with kb.transaction() as txn:
        if expected_revision is not None:
            current = txn.get(uid)
            latest = current["revision"] if current is not None else None
            if latest != expected_revision:
                raise ChangedSinceError(
                    f"record {uid} was changed elsewhere (now revision {latest}, expected "
                    f"{expected_revision}); it was left as it is",
                    message_ja=(
                        f"UID {uid} の記録は他の場所で変更されています（現在 第{latest}版、"
                        f"想定 第{expected_revision}版）。そのままにしました"
                    ),
                )
        restored = kb.restore_in(txn, chosen)
    return SavedRecord(restored, txn.changes)


def restore_in(kb: Facade, txn: Txn, chosen: Mapping[str, Any]) -> dict[str, Any]:
    """Make the version ``chosen`` current again as a new revision, inside ``txn``."""
    current = txn.get(chosen["uid"])
    if current is None:
        raise NotFoundError(f"no record with uid {chosen['uid']}")
    restored = dict(chosen)
    restored["revision"] = current["revision"] + 1
    restored["updated_at"] = kb._next_timestamp(current["updated_at"])
    restored.pop("deleted", None)
    if chosen.get("deleted"):
        restored["deleted"] = True
    try:
        restored = validate_record(restored, strict=True)
    except RecordError as exc:
        raise InputError(
            exc.unfilled_line("en"), message_ja=exc.unfilled_line("ja"), fiscal_year=exc.fiscal_year
        ) from None
    txn.put_current(restored, source="restore")
    return restored
