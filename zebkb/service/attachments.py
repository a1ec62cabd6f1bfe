"""Attachment files: storing them, adding them to and removing them from records.

Functions of the :class:`~zebkb.service.KnowledgeBase` facade; each takes the
knowledge base first.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import shutil
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from sqlalchemy.exc import DatabaseError

from zebkb.atomicfile import write_file
from zebkb.domain.validate import RecordError
from zebkb.errors import KnownError, NotFoundError
from zebkb.filestore import ContentMismatch
from zebkb.service.facade import Core
from zebkb.store import blobs
from zebkb.store import checks as store_checks
from zebkb.store import records as store
from zebkb.store.models import BlobRow

if TYPE_CHECKING:
    from zebkb.service.records import SavedRecord
    from zebkb.service.transaction import Txn


class Facade(Core, Protocol):
    """What attachments.py uses of the facade (zebkb/service/knowledge_base.py)."""

    def _note_blob(self, txn: Txn, digest: str, size: int) -> None: ...

    def attachment_path(self, sha256: str, *, fetch: bool = ...) -> Path | None: ...

    def database_failure(self, exc: BaseException) -> KnownError | None: ...

    def read_only_error(self) -> KnownError: ...

    @property
    def read_only(self) -> bool: ...

    def require(self, uid: str) -> dict[str, Any]: ...

    def save(
        self, data: Mapping[str, Any], *, expected_revision: int | None = ...
    ) -> SavedRecord: ...

    @property
    def shares_files(self) -> bool: ...

    def store_file(self, path: Path) -> tuple[str, int]: ...


log = logging.getLogger(__name__)


def guess_media_type(name: str) -> str:
    import mimetypes

    suffix = Path(name).suffix.lower()
    extra = {".md": "text/markdown", ".markdown": "text/markdown", ".jsonl": "application/jsonl"}
    if suffix in extra:
        return extra[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def check_attachments_present(
    kb: Facade, record: Mapping[str, Any], *, already: AbstractSet[str | None] = frozenset()
) -> None:
    for att in record.get("attachments") or []:
        if att.get("sha256") in already:
            continue
        if not att.get("omitted") and not kb.files.has(att["sha256"]):
            raise RecordError(
                f"attachment {att.get('filename')} ({att['sha256'][:12]}…) is not in this "
                "knowledge base; add the file itself",
                f"添付ファイル {att.get('filename')} がありません。ファイルを追加してください",
                field="attachments",
                uid=record.get("uid"),
            )


def store_file(kb: Facade, path: Path) -> tuple[str, int]:
    """Put a file into the attachment store (before the record that refers to it is saved)."""
    kb.claim_writer()
    digest, size = kb.files.put_file(Path(path))
    with kb.transaction() as txn:
        kb._note_blob(txn, digest, size)
    return digest, size


def note_blob(kb: Facade, txn: Txn, digest: str, size: int) -> None:
    if txn.session.get(BlobRow, digest) is None:
        txn.session.add(BlobRow(sha256=digest, size=size, stored_at=txn.saved_at))


def add_attachment(
    kb: Facade,
    uid: str,
    path: Path | str,
    *,
    caption: str | None = None,
    filename: str | None = None,
) -> SavedRecord:
    path = Path(path)
    record = kb.require(uid)
    if record.get("deleted"):
        raise KnownError(f"record {uid} is deleted; restore it before adding files")
    digest, size = kb.store_file(path)
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
    return kb.save(updated, expected_revision=record["revision"])


def remove_attachment(kb: Facade, uid: str, sha256: str) -> SavedRecord:
    """Drop a file from a record; the file stays stored, older versions still refer to it."""
    record = kb.require(uid)
    kept = [a for a in record.get("attachments") or [] if a["sha256"] != sha256]
    if len(kept) == len(record.get("attachments") or []):
        raise NotFoundError(f"record {uid} has no attachment {sha256}")
    updated = dict(record)
    updated["attachments"] = kept
    return kb.save(updated, expected_revision=record["revision"])


def attachment_path(kb: Facade, sha256: str, *, fetch: bool = True) -> Path | None:
    """The file's path in this data folder; in team mode fetched from the shared store first.

    The data folder's ``attachments/`` is then this PC's cache of the team's
    files: a file another PC added is read from the database once, checked
    against its SHA-256 while it is written under a temporary name, and put in
    place by a rename (`fetch_shared`); later reads open the local copy.
    Fetching writes into the folder, so it is a write: the window asks with
    ``fetch=False`` on a reader thread, which never writes, and fetches what
    that did not find on its writer thread (zebkb/ui/core/files.py).
    """
    path = kb.files.path(sha256)
    if path.is_file():
        return path
    if not fetch or not kb.shares_files:
        return None
    return fetch_shared(kb, sha256)


def fetch_attachment(kb: Facade, sha256: str) -> Path | None:
    """`attachment_path`, saying why a file the team has could not be copied here.

    For a person opening or saving a file (the window's writer thread,
    zebkb/ui/core/files.py): a folder that cannot take the copy (disk full,
    read-only) or a damaged copy in the team's database is a `KnownError` in
    both languages, not "the file is missing". None only when nobody has it.
    """
    path = kb.files.path(sha256)
    if path.is_file():
        return path
    if not kb.shares_files:
        return None
    return fetch_shared(kb, sha256, say_why=True)


def fetch_shared(kb: Facade, digest: str, *, say_why: bool = False) -> Path | None:
    """Copy a file from the team's store into this PC's cache; None when the team lacks it.

    Whole or not at all: the bytes go to a temporary name in ``attachments/``
    (its writer's pid in the name), are checked against the SHA-256, synced and
    renamed into place (zebkb/filestore.py), so no other open, thread or process,
    ever finds half a file under the file's name. Two fetching at once each write
    their own temporary file and the same bytes end up in place. A fetch killed
    half-way leaves only its temporary file, which the next write here removes
    (`claim_writer`). A folder nothing may be written to keeps no copies.
    ``say_why``: a copy that cannot be made raises why (`fetch_attachment`)
    instead of being logged and None.
    """
    if kb.read_only:
        if say_why:
            raise kb.read_only_error()
        return None
    kb.claim_writer()  # the first write here sweeps what killed writers left
    try:
        with kb.read_engine.connect() as conn:
            pieces = blobs.read(conn, digest)
            first = next(pieces, None)
            if first is None:
                return None
            try:
                staged = kb.files.stage(itertools.chain([first], pieces), sha256=digest)
                kb.files.sync(staged)
                kb.files.place(staged)
            except ContentMismatch:
                log.error("the team's copy of attachment %s does not match its SHA-256", digest)
                if say_why:
                    raise KnownError(
                        f"the team database's copy of attachment file {digest[:12]}… is "
                        "damaged (it does not match its SHA-256); run 'zebkb check --deep "
                        "--repair' on a PC that has the file",
                        message_ja=(
                            f"チームのデータベースにある添付ファイル {digest[:12]}… が壊れています"
                            "（SHA-256 が一致しません）。このファイルを持つ PC で "
                            "zebkb check --deep --repair を実行してください"
                        ),
                    ) from None
                return None
            except KnownError:  # this PC's folder cannot take the copy (disk full, read-only)
                log.exception("attachment %s could not be copied into this PC's folder", digest)
                if say_why:
                    raise
                return None
    except DatabaseError as exc:
        known = kb.database_failure(exc)
        if known is None:
            raise
        raise known from None
    return kb.files.path(digest)


def shared_digests(kb: Facade, digests: Iterable[str]) -> set[str]:
    """Which of these files the team's store holds (none outside team mode)."""
    if not kb.shares_files:
        return set()
    with kb._read() as session:
        return blobs.shared(session, digests)


def share_files(kb: Facade, txn: Txn) -> None:
    """Team mode: put the files that ``txn``'s records use into the team's store, in ``txn``.

    Called just before the commit, so a record and its files reach the other
    PCs together. A file this folder does not have either (a bundle that left
    it out) stays "not yet received", as on SQLite. Each file is hashed again
    while it is read: a file damaged in this folder since it was stored is
    refused, and nothing is saved.
    """
    if not kb.shares_files or not txn.touched:
        return
    found = store.get_records(txn.session, sorted(txn.touched))
    wanted = {
        att["sha256"]
        for record in found.values()
        for att in record.get("attachments") or []
        if not att.get("omitted")
    }
    if wanted:
        _upload(kb, txn, wanted - blobs.shared(txn.session, wanted))


def share_all_files(kb: Facade) -> int:
    """Team mode: put every file this folder holds that any version uses into the team's store.

    For a knowledge base moved into team mode with its files (``migrate``).
    Returns how many files were added.
    """
    if not kb.shares_files:
        return 0
    with kb.transaction() as txn:
        wanted = set(store_checks.referenced_digests(txn.session))
        missing = wanted - blobs.shared(txn.session, wanted)
        return _upload(kb, txn, missing)


def fetch_all_shared(kb: Facade) -> int:
    """Team mode: copy every file any version uses from the team's store into this folder.

    For moving a team's knowledge base out (``migrate --to-sqlite``), which
    takes the files from this folder. Returns how many were fetched.
    """
    if not kb.shares_files:
        return 0
    with kb._read() as session:
        wanted = store_checks.referenced_digests(session)
    fetched = 0
    for digest in sorted(wanted):
        if not kb.files.has(digest) and fetch_shared(kb, digest) is not None:
            fetched += 1
    return fetched


def put_back_shared(kb: Facade, digest: str) -> None:
    """Team mode: replace the team's copy of a file by this PC's (``check --deep --repair``).

    In one transaction: the old pieces go and this PC's copy, hashed again while
    it is read, takes their place; a copy that no longer matches is refused and
    the old pieces stay.
    """
    with kb.transaction() as txn:
        blobs.drop(txn.session, digest)
        if _upload(kb, txn, [digest]) != 1:
            raise KnownError(
                f"attachment file {digest[:12]}… is not in {kb.files.root}",
                message_ja=f"添付ファイル {digest[:12]}… が {kb.files.root} にありません",
            )


def _upload(kb: Facade, txn: Txn, digests: Iterable[str]) -> int:
    added = 0
    for digest in sorted(digests):
        path = kb.files.path(digest)
        if not path.is_file():
            continue
        check = hashlib.sha256()

        def read(fh: BinaryIO, check: Any = check) -> Iterator[bytes]:
            while piece := fh.read(blobs.CHUNK):
                check.update(piece)
                yield piece

        with path.open("rb") as fh:
            blobs.put(txn.session, digest, read(fh))
        if check.hexdigest() != digest:
            raise KnownError(
                f"attachment file {digest[:12]}… in {kb.files.root} no longer matches its "
                "SHA-256 (damaged); nothing was saved. Run 'zebkb check --deep'",
                message_ja=(
                    f"添付ファイル {digest[:12]}… が壊れています（SHA-256 が一致しません）。"
                    "保存していません。zebkb check --deep で確認してください"
                ),
            )
        added += 1
    return added


def save_attachment_as(kb: Facade, sha256: str, out: Path, *, fetch: bool = True) -> Path:
    """Copy a stored file to ``out`` (a person's "save as"), whole or not at all.

    ``fetch=False``: only from this PC's copy (`attachment_path`), writing
    nothing into the data folder.
    """
    source = kb.attachment_path(sha256, fetch=fetch)
    if source is None:
        raise KnownError(
            "the attachment file is missing from the data folder",
            message_ja="添付ファイルがデータフォルダにありません",
        )
    return copy_atomic(source, out)


def copy_atomic(source: Path, out: Path) -> Path:
    """Copy ``source`` to ``out`` whole or not at all (zebkb/atomicfile.py)."""
    with open(source, "rb") as stream:
        return write_file(
            out,
            lambda sink: shutil.copyfileobj(stream, sink, 1024 * 1024),
            example="file.pdf",
        )
