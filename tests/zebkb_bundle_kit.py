"""Bundles written by hand with zipfile, from bundle-format.md alone (not through zebkb's writer).

Records go out as ordinary ``json.dumps`` lines (spaces, unsorted keys), the
way another ward's script would write them.
"""

from __future__ import annotations

import hashlib
import json
import struct
import uuid
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from zebkb_testing import KATSUSHIKA, SHINAGAWA

JST = timezone(timedelta(hours=9))
NOW = datetime(2025, 3, 18, 9, 0, tzinfo=JST)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_uid(n: int | None = None) -> str:
    if n is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=n + 1, version=4))


def stamp(minutes: int = 0) -> str:
    """A timestamp before NOW (minutes after 2025-03-01 09:00 JST)."""
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=JST) + timedelta(minutes=minutes)
    return moment.isoformat()


def case(uid: str | None = None, **over: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "uid": uid or new_uid(),
        "type": "case",
        "origin": KATSUSHIKA,
        "created_at": stamp(0),
        "updated_at": stamp(0),
        "revision": 1,
        "title": "葛飾区清掃事務所のZEB Ready化",
        "ward": KATSUSHIKA,
        "facility_name": "葛飾区清掃事務所",
        "project_type": "new",
        "zeb_rank": "ZEB Ready",
        "reduction_excl_renewables_pct": 51,
        "technologies": ["高断熱", "LED照明"],
    }
    record.update(over)
    return record


def visit(uid: str | None = None, **over: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "uid": uid or new_uid(),
        "type": "visit",
        "origin": KATSUSHIKA,
        "created_at": stamp(0),
        "updated_at": stamp(0),
        "revision": 1,
        "title": "清掃事務所 視察",
        "ward": KATSUSHIKA,
        "visited_on": "2024-10-21",
        "participants": ["環境省", "杉並区", "市川市"],
    }
    record.update(over)
    return record


def session(uid: str | None = None, **over: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "uid": uid or new_uid(),
        "type": "session",
        "origin": SHINAGAWA,
        "created_at": stamp(0),
        "updated_at": stamp(0),
        "revision": 1,
        "title": "ZEB勉強会",
        "ward": SHINAGAWA,
        "held_on": "2024-11-05",
        "kind": "study",
    }
    record.update(over)
    return record


def tombstone(record: dict[str, Any], minutes: int) -> dict[str, Any]:
    keep = ("uid", "type", "origin", "created_at")
    out = {k: record[k] for k in keep}
    out.update(updated_at=stamp(minutes), revision=record["revision"] + 1, deleted=True)
    return out


def attachment_ref(data: bytes, name: str = "photo.jpg", **over: Any) -> dict[str, Any]:
    ref = {"sha256": sha(data), "filename": name, "media_type": "image/jpeg", "size": len(data)}
    ref.update(over)
    return ref


def records_jsonl(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


@dataclass
class Entry:
    name: str
    data: bytes
    method: int = zipfile.ZIP_DEFLATED
    mode: int = 0o100644
    flag_bits: int = 0


@dataclass
class Spec:
    """Everything a hand-made bundle holds, editable before it is written."""

    records: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[bytes] = field(default_factory=list)
    records_data: bytes | None = None  # raw records.jsonl, overriding ``records``
    manifest: dict[str, Any] = field(default_factory=dict)
    extra: list[Entry] = field(default_factory=list)
    listed_extra: bool = True  # list extra entries in the manifest too
    signature: bytes | None = None

    def entries(self) -> list[Entry]:
        data = self.records_data if self.records_data is not None else records_jsonl(self.records)
        out = [Entry("records.jsonl", data)]
        out += [Entry(f"attachments/{sha(a)}", a, zipfile.ZIP_STORED) for a in self.attachments]
        out += self.extra
        return out

    def manifest_doc(self) -> dict[str, Any]:
        files = [
            {"path": e.name, "sha256": sha(e.data), "size": len(e.data)}
            for e in self.entries()
            if self.listed_extra or e not in self.extra
        ]
        doc: dict[str, Any] = {
            "format": "zebkb-bundle",
            "version": 1,
            "bundle_id": str(uuid.uuid4()),
            "created_at": "2025-03-18T09:00:00+09:00",
            "origin": {"ward": KATSUSHIKA, "name": "葛飾区"},
            "generator": "hand-written test bundle",
            "since": None,
            "files": files,
        }
        doc.update(self.manifest)
        return doc


def write_entries(path: Path, entries: list[Entry]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we plant
        with zipfile.ZipFile(path, "w") as zf:
            for e in entries:
                info = zipfile.ZipInfo(e.name, date_time=(2025, 3, 18, 9, 0, 0))
                info.compress_type = e.method
                info.external_attr = e.mode << 16
                zf.writestr(info, e.data)
    flagged = {e.name: e.flag_bits for e in entries if e.flag_bits}
    if flagged:
        _patch_flags(path, flagged)
    return path


def _patch_flags(path: Path, flagged: dict[str, int]) -> None:
    """zipfile resets flag bits when writing; set them afterwards in both headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        offsets = {i.filename: i.header_offset for i in zf.infolist()}
    for name, bits in flagged.items():
        local = offsets[name]
        struct.pack_into("<H", data, local + 6, struct.unpack_from("<H", data, local + 6)[0] | bits)
        at = 0
        while (at := data.find(b"PK\x01\x02", at)) >= 0:
            name_len = struct.unpack_from("<H", data, at + 28)[0]
            if data[at + 46 : at + 46 + name_len] == name.encode():
                flags = struct.unpack_from("<H", data, at + 8)[0] | bits
                struct.pack_into("<H", data, at + 8, flags)
            at += 4
    path.write_bytes(bytes(data))


def write(
    path: Path,
    spec: Spec | None = None,
    *,
    manifest_bytes: Callable[[dict[str, Any]], bytes] | None = None,
    sign: Callable[[bytes], bytes] | None = None,
    **kwargs: Any,
) -> Path:
    """Write ``spec`` (or a Spec built from kwargs) as a bundle at ``path``."""
    spec = spec or Spec(**kwargs)
    doc = spec.manifest_doc()
    manifest = manifest_bytes(doc) if manifest_bytes else json.dumps(doc, indent=2).encode()
    entries = [Entry("manifest.json", manifest), *spec.entries()]
    if sign is not None:
        entries.append(Entry("signature.json", sign(manifest)))
    elif spec.signature is not None:
        entries.append(Entry("signature.json", spec.signature))
    return write_entries(path, entries)


def write_swapped_attachment(path: Path, claimed: bytes, actual: bytes, **kwargs: Any) -> Path:
    """A bundle whose record refers to ``claimed``, while the entry under that name holds ``actual``.

    The manifest lists the entry with ``claimed``'s hash and ``actual``'s size,
    so only hashing the entry finds the lie.
    """
    name = "attachments/" + sha(claimed)
    ref = attachment_ref(claimed)
    ref["size"] = len(actual)
    spec = Spec(
        records=[case(attachments=[ref], **kwargs)],
        extra=[Entry(name, actual, zipfile.ZIP_STORED)],
        listed_extra=False,
    )
    doc = spec.manifest_doc()
    doc["files"].append({"path": name, "sha256": sha(claimed), "size": len(actual)})
    spec.manifest["files"] = doc["files"]
    return write(path, spec)
