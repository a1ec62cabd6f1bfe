"""Export and import between wards on a KnowledgeBase: plans, merges, conflicts, undo, logs.

Import runs in three steps: ``plan_import`` checks the whole bundle and works
out each record's action without writing; ``apply_import`` streams the
attachment files into the store, then merges every record in one transaction
(the index follows the commit). Nothing a merge loses is dropped: losing
versions stay in history, conflicts are listed until settled, and an import
can be undone from its log. Every export and import is noted in the
exchange log (sent and received), whether the window or the command line made it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlmodel import Session

from zebkb.bundle.copier import CopyJob, CopyStopped, start_copy
from zebkb.bundle.errors import BundleError
from zebkb.bundle.merge import Action, FieldChange, decide, field_changes
from zebkb.bundle.reader import Bundle, open_bundle
from zebkb.bundle.signature import Signer
from zebkb.bundle.writer import ExportCancelled as _ExportCancelled
from zebkb.bundle.writer import PartInfo, write_bundle
from zebkb.domain.canonical import parse_timestamp, record_hash
from zebkb.domain.validate import RecordError
from zebkb.domain.wards import ward_name
from zebkb.errors import InputError, KnownError, NotFoundError
from zebkb.keys import UNSIGNED, UNTRUSTED, VERIFIED, bundle_signer, signature_refusal
from zebkb.service.changes import NO_CHANGES, Changes
from zebkb.service.keys import Facade as KeysFacade
from zebkb.service.keys import require_signatures, trust_checker
from zebkb.service.records import ChangedSinceError, SavedRecord
from zebkb.store import exchange as logs
from zebkb.store import records as store
from zebkb.store.models import BlobRow, ImportLog, RecordRow

if TYPE_CHECKING:
    from zebkb.service.transaction import Txn


class Facade(KeysFacade, Protocol):
    """What exchange.py uses of the facade (zebkb/service/knowledge_base.py), and keys.py."""

    def attachment_path(self, sha256: str) -> Path | None: ...

    def backup(
        self, *, keep: int | None = ..., include_files: bool = ..., label: str = ...
    ) -> Path: ...

    def build_index_aside(
        self,
        txn: Txn,
        *,
        pending_files: set[str],
        wait_for_files: Callable[[], None],
        every_so_often: Callable[[], None] | None = ...,
    ) -> None: ...

    @property
    def home_ward(self) -> str | None: ...

    def restore_in(self, txn: Txn, chosen: Mapping[str, Any]) -> dict[str, Any]: ...

    def save_in(
        self, txn: Txn, data: Mapping[str, Any], expected: int | None
    ) -> dict[str, Any]: ...


Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
# (base64 public key, origin ward) -> is this key trusted for that ward?
Trust = Callable[[str, str], bool]


# An export its caller cancelled: nothing was written (the window catches it here).
ExportCancelled = _ExportCancelled


class ImportCancelled(Exception):
    """The caller cancelled; nothing was changed."""


# -- export ------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    parts: list[PartInfo]
    records: int
    attachments: int
    series: str | None
    oversize: list[tuple[str, int]]
    omitted: list[tuple[str, str]]
    peer: str | None = None
    changes: Changes = NO_CHANGES

    @property
    def paths(self) -> list[Path]:
        return [p.path for p in self.parts]


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def select_for_export(
    kb: Facade,
    *,
    since: str | datetime | None = None,
    peer: str | None = None,
    uids: Iterable[str] | None = None,
) -> tuple[list[dict[str, Any]], datetime | None]:
    """The records an export holds, and the instant it starts after (None: from the start).

    ``uids`` chooses records (each must exist); otherwise every current
    version that became current here after ``since`` and after the last
    export to ``peer``, whichever is later.
    """
    cutoff = _since_instant(since)
    with Session(kb.read_engine) as session:
        if peer is not None:
            row = logs.peer_export(session, peer)
            if row is not None:
                peer_cutoff = parse_timestamp(row.last_export_at)
                cutoff = max(cutoff, peer_cutoff) if cutoff else peer_cutoff
        if uids is not None:
            records = []
            for uid in dict.fromkeys(uids):
                record = store.get_record(session, uid)
                if record is None:
                    raise NotFoundError(
                        f"no record with uid {uid}", message_ja=f"UID {uid} の記録はありません"
                    )
                records.append(record)
            return records, cutoff
        return [
            record
            for record, saved_at in logs.current_versions(session)
            if cutoff is None or parse_timestamp(saved_at) > cutoff
        ], cutoff


def export_bundle(
    kb: Facade,
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
    """Write a full, delta (``since`` or ``peer``) or chosen-records (``uids``) export.

    The export is noted in the sent log (``recipient``: the ward it is for,
    when known; ``peer`` otherwise) in the same transaction that remembers
    what was agreed with the recipient.

    "Changed after" means the version became current here after that time
    (a local edit or an import), so a record received late from a third ward
    still reaches the next delta even if its ``updated_at`` is older.
    Bundles are signed with this knowledge base's key (made on first use)
    unless ``sign`` is False; ``signer`` overrides the key. An existing file at
    ``dest`` is replaced only with ``overwrite`` (the command line's --force;
    the window's save dialog asks first).
    """
    # The export is noted in the database (agreed versions, the peer's last export):
    # become the writer before the bundle is written, not after.
    kb.claim_writer()
    home = kb.home_ward
    if home is None:
        raise KnownError(
            "this knowledge base has no home ward yet; set it with 'zebkb init --ward WARD'",
            message_ja="ホーム区が未設定です（zebkb init --ward 葛飾区 のように設定してください）",
        )
    if signer is None and sign:
        signer = bundle_signer(kb.data_dir)
    started = kb.clock()
    records, cutoff = select_for_export(kb, since=since, peer=peer, uids=uids)
    result = write_bundle(
        dest,
        records,
        origin_ward=home,
        origin_name=_ward_label(home),
        attachment_source=kb.attachment_path,
        include_attachments=include_attachments,
        since=_timestamp(cutoff) if cutoff else None,
        max_size=max_size,
        signer=signer,
        created_at=_timestamp(started),
        progress=progress,
        cancel=cancel,
        overwrite=overwrite,
    )
    scope = "selected" if uids is not None else "peer" if peer else "since" if since else "all"
    with kb.transaction() as txn:
        for record in records:
            txn.set_agreed_hash(record["uid"], record_hash(record))
        if peer is not None:
            logs.mark_peer_export(
                txn.session, peer, at=_timestamp(started), bundle_id=result.parts[-1].bundle_id
            )
        _note_sent(
            txn,
            Sent(
                at=kb.clock().isoformat(timespec="seconds"),
                peer=recipient or peer,
                scope=scope,
                records=len(records),
                attachments=sum(p.attachments for p in result.parts),
                files=[p.path.name for p in result.parts],
                bundle_ids=[p.bundle_id for p in result.parts],
            ),
        )
    return ExportResult(
        parts=result.parts,
        records=len(records),
        attachments=sum(p.attachments for p in result.parts),
        series=result.series,
        oversize=result.oversize,
        omitted=result.omitted,
        peer=peer,
        changes=txn.changes,
    )


def _since_instant(since: str | datetime | None) -> datetime | None:
    """An instant as given, or a date (what people type) as the start of that day on this PC,
    as the window's この日以降の変更 reads its date."""
    if since is None or isinstance(since, datetime):
        return since
    try:
        return parse_timestamp(since)
    except ValueError:
        pass
    try:
        day = date.fromisoformat(since.strip()) if len(since.strip()) == 10 else None
    except ValueError:
        day = None
    if day is not None:
        return datetime.combine(day, time()).astimezone()
    raise BundleError(
        f"--since {since!r} is neither a date (2025-04-01) nor a timestamp with offset"
        " (2025-04-01T09:00:00+09:00)",
        message_ja=f"--since {since!r} は日付（2025-04-01）でもタイムゾーン付きの日時"
        "（2025-04-01T09:00:00+09:00）でもありません",
    )


def _ward_label(code: str) -> str | None:
    try:
        return ward_name(code)
    except ValueError:
        return None


# -- import ------------------------------------------------------------------------------------


@dataclass
class RecordPlan:
    uid: str
    type: str
    title: str
    action: Action
    conflict: bool
    incoming: dict[str, Any]
    local: dict[str, Any] | None
    changes: list[FieldChange] = field(default_factory=list)
    local_hash: str | None = None  # the hash of ``local``, as the decision took it

    def as_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "type": self.type,
            "title": self.title,
            "action": self.action.value,
            "conflict": self.conflict,
        }


@dataclass
class ImportPlan:
    bundle: Bundle
    signature: str  # verified, untrusted or unsigned
    items: list[RecordPlan]
    previously_imported: bool

    @property
    def bundle_id(self) -> str:
        return self.bundle.manifest.bundle_id

    @property
    def nothing_to_import(self) -> bool:
        """An empty bundle (a delta export with nothing changed) is valid and carries nothing."""
        return not self.items

    def counts(self) -> dict[str, int]:
        counts = {a.value: 0 for a in Action}
        for item in self.items:
            counts[item.action.value] += 1
        counts["conflicts"] = sum(1 for i in self.items if i.conflict)
        return counts

    def summary(self) -> dict[str, Any]:
        """The shape of ``zebkb import --json``."""
        manifest = self.bundle.manifest
        out: dict[str, Any] = {
            "bundle_id": manifest.bundle_id,
            "origin": manifest.origin_ward,
            "signature": self.signature,
        }
        out.update(self.counts())
        if manifest.series is not None:
            out.update(series=manifest.series, part=manifest.part, parts=manifest.parts)
        out["records"] = [i.as_json() for i in self.items]
        return out

    def close(self) -> None:
        self.bundle.close()

    def __enter__(self) -> ImportPlan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class ImportSummary:
    plan: ImportPlan
    files_added: int
    dry_run: bool = False
    changes: Changes = NO_CHANGES

    @property
    def nothing_to_import(self) -> bool:
        return self.plan.nothing_to_import

    def as_json(self) -> dict[str, Any]:
        return self.plan.summary()


def _signature_status(bundle: Bundle, trust: Trust | None) -> str:
    if bundle.signature is None:
        return UNSIGNED
    if trust is not None and trust(bundle.signature.public_key, bundle.manifest.origin_ward):
        return VERIFIED
    return UNTRUSTED


def _title(incoming: dict[str, Any], local: dict[str, Any] | None) -> str:
    title = incoming.get("title") or (local or {}).get("title") or ""
    return str(title)


def _decide_all(
    get: Callable[[str], dict[str, Any] | None],
    agreed: Callable[[str], str | None],
    bundle: Bundle,
    with_changes: bool,
) -> list[RecordPlan]:
    items = []
    for record in bundle.records:
        uid = record["uid"]
        local = get(uid)
        if local is not None and local.get("type") != record["type"]:
            raise BundleError(
                f"records.jsonl line {bundle.record_lines[uid]} (uid {uid}): this uid is a "
                f"{local['type']} here, the bundle calls it a {record['type']}",
                message_ja=f"records.jsonl {bundle.record_lines[uid]} 行目（uid {uid}）: "
                f"この uid はこちらでは {local['type']} ですがバンドルでは {record['type']} です",
                uid=uid,
            )
        decision = decide(local, record, agreed(uid), incoming_hash=bundle.record_hash(uid))
        changes = []
        if with_changes and decision.action is not Action.UNCHANGED:
            changes = field_changes(local, record)
        items.append(
            RecordPlan(
                uid=uid,
                type=record["type"],
                title=_title(record, local),
                action=decision.action,
                conflict=decision.conflict,
                incoming=record,
                local=local,
                changes=changes,
                local_hash=decision.local_hash,
            )
        )
    return items


def plan_import(
    kb: Facade,
    path: str | Path,
    *,
    trust: Trust | None = None,
    require_signature: bool | None = None,
    check_attachments: bool = True,
) -> ImportPlan:
    """Check the whole bundle and work out every record's action; nothing is written.

    The plan holds the bundle open (attachments stream from it on apply);
    close it with ``plan.close()`` when not applying. ``trust`` defaults to
    the knowledge base's trusted keys and ``require_signature`` to its
    setting; when signatures are required, a bundle not signed by a key
    trusted for its origin ward is refused. With ``check_attachments`` off,
    the attachments' hashes are left to `apply_import`, which checks them
    while storing the files and refuses the bundle before anything commits:
    one pass over the attachments instead of two, for a plan applied at once.
    """
    bundle = open_bundle(path, now=kb.clock(), verify_attachments=check_attachments)
    try:
        status = _signature_status(bundle, trust or trust_checker(kb))
        required = require_signatures(kb) if require_signature is None else require_signature
        if required and status != VERIFIED:
            signer = bundle.signature.public_key if bundle.signature else None
            raise signature_refusal(status, bundle.manifest.origin_ward, signer)
        with Session(kb.read_engine) as session:
            uids = [r["uid"] for r in bundle.records]
            local = store.get_records(session, uids)
            agreed = store.agreed_hashes(session, uids)
            items = _decide_all(local.get, agreed.get, bundle, with_changes=True)
            log = logs.import_log(session, bundle.manifest.bundle_id)
            previously = log is not None and log.undone_at is None
    except BaseException:
        bundle.close()
        raise
    return ImportPlan(
        bundle=bundle,
        signature=status,
        items=items,
        previously_imported=previously,
    )


def _needed_files(plan: ImportPlan) -> dict[str, int]:
    wanted: dict[str, int] = {}
    for record in plan.bundle.records:
        for att in record.get("attachments") or ():
            sha = att["sha256"]
            if sha in plan.bundle.attachments:
                wanted[sha] = plan.bundle.attachments[sha]
    return wanted


def apply_import(
    kb: Facade,
    plan: ImportPlan,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportSummary:
    """Merge a planned bundle: its files and its records, all or nothing.

    The attachment files are stored (and checked) while the records are
    merged in one transaction and their search index is built; the
    transaction commits only once every file is in place and synced, after a
    backup of the database as it was. On any
    failure or cancel the files this import added are removed and nothing
    else changed. Decisions are taken again inside the transaction, so a
    record edited since the plan was shown is merged against its latest
    version. The search index is shown with the commit.
    """
    bundle = plan.bundle
    kb.claim_writer()
    if cancel is not None and cancel():
        raise ImportCancelled
    needed = {sha: size for sha, size in _needed_files(plan).items() if not kb.files.has(sha)}
    unchecked = {} if bundle.attachments_verified else bundle.attachments
    job = CopyJob(
        bundle=bundle.path,
        store=kb.files.root,
        store_files=tuple(needed.items()),
        check_files=tuple((s, n) for s, n in unchecked.items() if s not in needed),
    )
    total = job.count + len(bundle.records)
    copy = start_copy(job, bundle.source)

    def tick() -> bool:
        if progress is not None:
            progress(copy.done, total)
        return cancel is not None and cancel()

    def check() -> None:
        if tick():
            raise ImportCancelled

    try:
        with kb.transaction() as txn:
            items = _merge(kb, txn, plan, needed)
            # While the helper copies, the search index of the merged records is built
            # (records with a text attachment still coming wait for the copy).
            kb.build_index_aside(
                txn,
                pending_files=set(needed),
                wait_for_files=lambda: copy.wait(tick),
                every_so_often=check,
            )
            if txn.touched and not kb.team:
                # A way back: the database as it was before this import (its last commit,
                # read beside this open transaction). An import that changes no record
                # needs none, and leaves the folder as it was. A team database is backed
                # up by its server (pg_dump, README "Team mode"); undo-import still works.
                kb.backup(include_files=False, label="before-import")
    except BaseException as exc:
        copy.close()
        for sha in job.placed():
            with contextlib.suppress(OSError):
                kb.files.path(sha).unlink()
        if isinstance(exc, CopyStopped):
            raise ImportCancelled from None
        raise
    copy.close()
    if progress is not None:
        progress(total, total)
    plan.items = items
    return ImportSummary(plan=plan, files_added=len(job.store_files), changes=txn.changes)


def _merge(kb: Facade, txn: Txn, plan: ImportPlan, stored: dict[str, int]) -> list[RecordPlan]:
    bundle = plan.bundle
    bundle_id = bundle.manifest.bundle_id
    session = txn.session
    uids = [r["uid"] for r in bundle.records]
    local = txn.get_many(uids)
    previous_agreed = txn.agreed_hashes(uids)
    items = _decide_all(local.get, previous_agreed.get, bundle, with_changes=False)
    # An import may change any record (and the window cannot tell which it shows are among them
    # cheaply); it notes itself in the received log and may open conflicts.
    txn.note(Changes(all_records=True, exchange_log=True, conflicts=any(i.conflict for i in items)))
    changes: list[dict[str, str | None]] = []
    winners: list[dict[str, Any]] = []
    agreed_now: dict[str, str | None] = {}
    for item in items:
        uid = item.uid
        incoming_hash = bundle.record_hash(uid)
        if item.action in (Action.ADDED, Action.UPDATED, Action.DELETED):
            before = item.local_hash
            winners.append(item.incoming)
            changes.append(
                {"bundle_id": bundle_id, "uid": uid, "before_hash": before,
                 "after_hash": incoming_hash}
            )  # fmt: skip
        elif item.action is Action.KEPT:
            # The incoming version lost: keep it in history so it can be restored.
            txn.put_history(item.incoming, source="import-lost", bundle_id=bundle_id)
        agreed_now[uid] = incoming_hash
    # Batched writes: one statement per table for the whole bundle.
    txn.put_current_many(winners, source="import", bundle_id=bundle_id)
    txn.set_agreed_hashes(agreed_now)
    for item in items:
        if item.conflict:
            logs.note_conflict(
                session,
                uid=item.uid,
                local_hash=item.local_hash or "",
                incoming_hash=bundle.record_hash(item.uid),
                bundle_id=bundle_id,
                at=txn.saved_at,
            )
    known = store.known_blobs(session, list(stored))
    session.add_all(
        BlobRow(sha256=sha, size=size, stored_at=txn.saved_at)
        for sha, size in stored.items()
        if sha not in known
    )
    counts = {a.value: 0 for a in Action}
    for item in items:
        counts[item.action.value] += 1
    summary = json.dumps(
        {
            "counts": counts,
            "conflicts": sum(1 for i in items if i.conflict),
            "agreed_before": previous_agreed,
        },
        ensure_ascii=False,
    )
    log = logs.import_log(session, bundle_id)
    if log is None:
        log = ImportLog(
            bundle_id=bundle_id,
            imported_at=txn.saved_at,
            origin=bundle.manifest.origin_ward,
            file_name=bundle.path.name,
            summary_json=summary,
        )
    elif log.undone_at is not None or changes:
        # Imported before: after an undo, or when records moved on since, this import's
        # changes replace the old ones for the same records.
        touched = {c["uid"] for c in changes}
        for old in logs.import_changes(session, bundle_id):
            if log.undone_at is not None or old.uid in touched:
                session.delete(old)
        log.imported_at = txn.saved_at
        log.file_name = bundle.path.name
        log.undone_at = None
        log.summary_json = summary
    else:
        return items  # the same bundle again, and nothing changed: nothing to note
    session.add(log)
    session.flush()
    logs.add_import_changes(session, changes)
    return items


def import_bundle(
    kb: Facade,
    path: str | Path,
    *,
    dry_run: bool = False,
    trust: Trust | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportSummary:
    """Plan and (unless ``dry_run``) apply one bundle."""
    plan = plan_import(kb, path, trust=trust, check_attachments=dry_run)
    try:
        if dry_run:
            return ImportSummary(plan=plan, files_added=0, dry_run=True)
        return apply_import(kb, plan, progress=progress, cancel=cancel)
    finally:
        plan.close()


# -- conflicts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conflict:
    id: int
    uid: str
    title: str
    type: str
    local: dict[str, Any] | None  # the version that was current here when it arrived
    incoming: dict[str, Any] | None
    current_hash: str
    bundle_id: str | None
    detected_at: str

    def as_json(self) -> dict[str, Any]:
        def brief(v: dict[str, Any] | None) -> dict[str, Any] | None:
            if v is None:
                return None
            return {
                "revision": v.get("revision"),
                "updated_at": v.get("updated_at"),
                "hash": record_hash(v),
                "title": v.get("title"),
                "deleted": bool(v.get("deleted", False)),
                "current": record_hash(v) == self.current_hash,
            }

        return {
            "uid": self.uid,
            "type": self.type,
            "title": self.title,
            "bundle_id": self.bundle_id,
            "detected_at": self.detected_at,
            "local": brief(self.local),
            "incoming": brief(self.incoming),
        }


def list_conflicts(kb: Facade) -> list[Conflict]:
    """Records edited on both sides and not yet settled, oldest first."""
    out = []
    with Session(kb.read_engine) as session:
        for row in logs.open_conflict_rows(session):
            record = session.get(RecordRow, row.uid)
            if record is None:
                continue
            local = store.get_version(session, uid=row.uid, digest=row.local_hash)
            incoming = store.get_version(session, uid=row.uid, digest=row.incoming_hash)
            out.append(
                Conflict(
                    id=row.id or 0,
                    uid=row.uid,
                    title=record.title or (local or incoming or {}).get("title") or "",
                    type=record.type,
                    local=local,
                    incoming=incoming,
                    current_hash=record.hash,
                    bundle_id=row.bundle_id,
                    detected_at=row.detected_at,
                )
            )
    return out


def settle_conflict(
    kb: Facade, uid: str, choice: str | dict[str, Any], *, expected_hash: str | None = None
) -> SavedRecord:
    """Settle a record's conflict: ``"local"``, ``"incoming"`` or a merged record.

    A choice that is not the current version becomes a new revision (so it
    wins at every ward on the next exchange); the losing versions stay in
    history. The new revision and the settling are one transaction: a crash
    leaves both or neither. Returns the current record afterwards.
    ``expected_hash``: the current version the person was shown
    (`Conflict.current_hash`); if someone saved the record since (a colleague
    on another PC, in team mode), nothing is settled (`ChangedSinceError`).
    """
    if not isinstance(choice, dict) and choice not in ("local", "incoming"):
        raise ValueError(f"choice must be 'local', 'incoming' or a record, not {choice!r}")
    with kb.transaction() as txn:
        txn.change_kind = "settle"
        session = txn.session
        rows = logs.open_conflict_rows(session, uid)
        current = txn.get(uid)
        if not rows or current is None:
            raise NotFoundError(
                f"record {uid} has no open conflict",
                message_ja=f"UID {uid} に未解決の競合はありません",
            )
        if expected_hash is not None and record_hash(current) != expected_hash:
            raise ChangedSinceError(
                f"record {uid} was changed elsewhere after its conflict was shown; nothing "
                "was settled: look at it again and choose",
                message_ja=(
                    "この記録は、競合を表示した後に他の場所で更新されました。"
                    "解決していません。表示し直して、もう一度選んでください"
                ),
            )
        latest = rows[-1]
        if isinstance(choice, dict):
            merged = {**choice, "uid": uid, "type": current["type"]}
            try:
                result = kb.save_in(txn, merged, current["revision"])
            except RecordError as exc:
                raise InputError(
                    exc.unfilled_line("en"),
                    message_ja=exc.unfilled("ja"),
                    fiscal_year=exc.fiscal_year,
                ) from None
        else:
            digest = latest.local_hash if choice == "local" else latest.incoming_hash
            chosen = store.get_version(session, uid=uid, digest=digest)
            if chosen is None:
                raise NotFoundError(f"the {choice} version of {uid} is no longer in history")
            result = current if digest == record_hash(current) else kb.restore_in(txn, chosen)
        logs.settle_conflicts(session, uid, at=txn.saved_at, settled_hash=record_hash(result))
        txn.note(Changes(records=frozenset({uid}), conflicts=True))
    return SavedRecord(result, txn.changes)


def open_conflict_count(kb: Facade) -> int:
    """Records with an unsettled conflict (the count on the home screen and navigation)."""
    with Session(kb.read_engine) as session:
        return logs.open_conflict_count(session)


# -- undo ---------------------------------------------------------------------------------------


@dataclass
class UndoResult:
    bundle_id: str
    restored: list[str]  # uids put back to their version before the import
    removed: list[str]  # uids the import had added, taken out again
    skipped: list[str]  # uids changed again since the import, left as they are
    changes: Changes = NO_CHANGES


def undo_import(kb: Facade, bundle_id: str) -> UndoResult:
    """Put every record an import changed back as it was, in one transaction.

    A record changed again after the import (a later edit or import) is left
    as it is and reported, so undo never throws away newer work. Every
    version stays in history.
    """
    result = UndoResult(bundle_id=bundle_id, restored=[], removed=[], skipped=[])
    with kb.transaction() as txn:
        session = txn.session
        log = logs.import_log(session, bundle_id)
        if log is None:
            raise NotFoundError(
                f"no import with bundle id {bundle_id}",
                message_ja=f"バンドルID {bundle_id} の取り込み記録はありません",
            )
        if log.undone_at is not None:
            raise KnownError(
                f"the import of {bundle_id} was already undone at {log.undone_at}",
                message_ja=f"バンドル {bundle_id} の取り込みは取り消し済みです",
            )
        agreed_before = json.loads(log.summary_json or "{}").get("agreed_before", {})
        for change in logs.import_changes(session, bundle_id):
            row = session.get(RecordRow, change.uid)
            if row is None or row.hash != change.after_hash:
                result.skipped.append(change.uid)
                continue
            if change.before_hash is None:
                # The import brought this record: without it, the record was not here.
                session.delete(row)
                session.flush()
                txn.touch(change.uid, "undo-import")
                result.removed.append(change.uid)
                continue
            before = store.get_version(session, uid=change.uid, digest=change.before_hash)
            if before is None:
                result.skipped.append(change.uid)
                continue
            txn.put_current(before, source="undo-import", bundle_id=bundle_id)
            txn.set_agreed_hash(change.uid, agreed_before.get(change.uid))
            result.restored.append(change.uid)
        logs.drop_open_conflicts_of(session, bundle_id)
        log.undone_at = txn.saved_at
        session.add(log)
        txn.note(Changes(all_records=True, conflicts=True, exchange_log=True))
    result.changes = txn.changes
    return result


# -- the exchange log -----------------------------------------------------------------------------

# The newest entries are kept; a ward exchanging weekly fills this in about ten years.
MAX_SENT = 500
ACTION_KEYS = ("added", "updated", "deleted", "unchanged", "kept")


@dataclass(frozen=True)
class Received:
    bundle_id: str
    imported_at: str
    origin: str
    file_name: str
    counts: dict[str, int]
    conflicts: int
    undone_at: str | None


@dataclass(frozen=True)
class Sent:
    at: str
    peer: str | None  # the ward it was meant for, when the user said
    scope: str  # all, peer, since, selected
    records: int
    attachments: int
    files: list[str] = field(default_factory=list)
    bundle_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PeerMark:
    peer: str
    last_export_at: str
    last_bundle_id: str


@dataclass(frozen=True)
class ExchangeHistory:
    received: list[Received]
    sent: list[Sent]
    peers: list[PeerMark]

    def wards(self) -> list[str]:
        codes = {r.origin for r in self.received} | {s.peer for s in self.sent if s.peer}
        codes |= {p.peer for p in self.peers}
        return sorted(codes)


def _sent_entries(raw: str | None) -> list[Sent]:
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []  # a damaged note loses the list of sent bundles, never the data
    out = []
    for item in data if isinstance(data, list) else []:
        try:
            out.append(Sent(**item))
        except TypeError:
            continue
    return out


def exchange_history(kb: Facade) -> ExchangeHistory:
    """Everything received and sent, newest first."""
    with Session(kb.read_engine) as session:
        received = []
        for log in logs.import_logs(session):
            try:
                summary = json.loads(log.summary_json or "{}")
            except ValueError:
                summary = {}
            counts = {k: int(summary.get("counts", {}).get(k, 0)) for k in ACTION_KEYS}
            received.append(
                Received(
                    bundle_id=log.bundle_id,
                    imported_at=log.imported_at,
                    origin=log.origin,
                    file_name=log.file_name,
                    counts=counts,
                    conflicts=int(summary.get("conflicts", 0)),
                    undone_at=log.undone_at,
                )
            )
        marks = [
            PeerMark(p.peer, p.last_export_at, p.last_bundle_id) for p in logs.peer_exports(session)
        ]
        sent = _sent_entries(logs.sent_log(session))
    received.sort(key=lambda r: r.imported_at, reverse=True)
    sent.sort(key=lambda s: s.at, reverse=True)
    marks.sort(key=lambda p: p.last_export_at, reverse=True)
    return ExchangeHistory(received, sent, marks)


def _note_sent(txn: Txn, entry: Sent) -> None:
    entries = _sent_entries(logs.sent_log(txn.session))
    entries.append(entry)
    entries.sort(key=lambda s: s.at)
    kept = [asdict(e) for e in entries[-MAX_SENT:]]
    logs.set_sent_log(txn.session, json.dumps(kept, ensure_ascii=False))
    txn.note(Changes(exchange_log=True))
