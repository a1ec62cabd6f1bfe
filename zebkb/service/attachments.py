"""Attachment files: storing them, adding them to and removing them from records.

Functions of the :class:`~zebkb.service.KnowledgeBase` facade; each takes the
knowledge base first.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zebkb.domain.validate import RecordError
from zebkb.errors import KnownError, NotFoundError
from zebkb.store.files import make_shareable
from zebkb.store.models import BlobRow

if TYPE_CHECKING:
    from zebkb.service.knowledge_base import KnowledgeBase
    from zebkb.service.records import SavedRecord
    from zebkb.service.transaction import Txn


def guess_media_type(name: str) -> str:
    import mimetypes

    suffix = Path(name).suffix.lower()
    extra = {".md": "text/markdown", ".markdown": "text/markdown", ".jsonl": "application/jsonl"}
    if suffix in extra:
        return extra[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def check_attachments_present(
    kb: KnowledgeBase, record: Mapping[str, Any], *, already: AbstractSet[str | None] = frozenset()
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


def store_file(kb: KnowledgeBase, path: Path) -> tuple[str, int]:
    """Put a file into the attachment store (before the record that refers to it is saved)."""
    kb.claim_writer()
    digest, size = kb.files.put_file(Path(path))
    with kb.transaction() as txn:
        kb._note_blob(txn, digest, size)
    return digest, size


def note_blob(kb: KnowledgeBase, txn: Txn, digest: str, size: int) -> None:
    if txn.session.get(BlobRow, digest) is None:
        txn.session.add(BlobRow(sha256=digest, size=size, stored_at=txn.saved_at))


def add_attachment(
    kb: KnowledgeBase,
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


def remove_attachment(kb: KnowledgeBase, uid: str, sha256: str) -> SavedRecord:
    """Drop a file from a record; the file stays stored, older versions still refer to it."""
    record = kb.require(uid)
    kept = [a for a in record.get("attachments") or [] if a["sha256"] != sha256]
    if len(kept) == len(record.get("attachments") or []):
        raise NotFoundError(f"record {uid} has no attachment {sha256}")
    updated = dict(record)
    updated["attachments"] = kept
    return kb.save(updated, expected_revision=record["revision"])


def attachment_path(kb: KnowledgeBase, sha256: str) -> Path | None:
    path = kb.files.path(sha256)
    return path if path.is_file() else None


def save_attachment_as(kb: KnowledgeBase, sha256: str, out: Path) -> Path:
    """Copy a stored file to ``out`` (a person's "save as"), whole or not at all."""
    source = kb.attachment_path(sha256)
    if source is None:
        raise KnownError(
            "the attachment file is missing from the data folder",
            message_ja="添付ファイルがデータフォルダにありません",
        )
    return copy_atomic(source, out)


def copy_atomic(source: Path, out: Path) -> Path:
    """Copy ``source`` to ``out`` whole or not at all: beside it under a temporary name, then renamed."""
    folder = out.parent
    if out.is_dir() or not folder.is_dir():
        raise KnownError(
            f"cannot save to {out}: choose a file name in an existing folder",
            message_ja=f"{out} には保存できません。あるフォルダの中のファイル名を指定してください",
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as sink, open(source, "rb") as stream:
            shutil.copyfileobj(stream, sink, 1024 * 1024)
            sink.flush()
            os.fsync(sink.fileno())
        make_shareable(tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
