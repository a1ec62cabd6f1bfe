"""Write bundles: canonical JSON lines plus attachment files, whole or not at all.

Each part is written to a temporary file beside its destination, fsynced and
renamed into place only after every part is complete, so a failed or cancelled
export leaves nothing behind. Splitting for e-mail is planned from sizes known
before writing (attachments that do not compress are stored, so their size
is exact; the rest are counted at full size), so no part exceeds the cap
unless one record with its attachments alone is bigger.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from zebkb import __version__
from zebkb.atomicfile import make_shareable
from zebkb.bundle.errors import BundleError
from zebkb.bundle.limits import DEFAULT_LIMITS, Limits
from zebkb.bundle.reader import (
    ATTACHMENT_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    RECORDS,
    VERSION,
)
from zebkb.bundle.signature import SIGNATURE_ENTRY, Signer, signature_document
from zebkb.domain.canonical import canonical_json
from zebkb.domain.limits import size_text
from zebkb.errors import InputError, KnownError
from zebkb.tempfiles import fsync_dir, hold_temp, sweep_leftovers, temp_prefix

CHUNK = 1 << 20
# Fixed per-entry cost in the archive: local header, central directory record,
# the 78-byte attachment name twice, and room for zip64 extras.
ENTRY_OVERHEAD = 300
# A manifest line per file: path, hash, size and JSON punctuation.
MANIFEST_LINE = 180
BASE_OVERHEAD = 4096
SAMPLE = 256 * 1024

AttachmentSource = Callable[[str], Path | None]
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class ExportCancelled(Exception):
    """The caller's cancel callback asked to stop; nothing was written."""


@dataclass(frozen=True, slots=True)
class PartInfo:
    path: Path
    bundle_id: str
    records: int
    attachments: int
    size: int


@dataclass
class WriteResult:
    parts: list[PartInfo]
    series: str | None
    # Records whose line and attachments alone exceed the cap: each sits in a part of its own.
    oversize: list[tuple[str, int]] = field(default_factory=list)
    # (uid, sha256) of attachments written as "omitted": left out on request or not on hand.
    omitted: list[tuple[str, str]] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [p.path for p in self.parts]


@dataclass
class _Unit:
    record: dict[str, Any]
    line: bytes
    files: dict[str, int]  # sha256 -> size, the attachments it brings
    line_bound: int


@dataclass
class _Part:
    units: list[_Unit] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)
    bound: int = BASE_OVERHEAD + 2 * ENTRY_OVERHEAD


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _compresses(path: Path, limits: Limits) -> bool:
    """Deflate only what shrinks: photos and PDFs are stored as they are.

    What shrinks too far is stored as well: a reader refuses an entry deflated
    beyond its ratio limit as a zip bomb (a blank scan, a long log). The sample
    only predicts; `_write_entry` checks the real ratio of every entry.
    """
    with open(path, "rb") as f:
        sample = f.read(SAMPLE)
    if len(sample) < 512:
        return False
    packed = len(zlib.compress(sample, 1))
    size = path.stat().st_size
    # The whole file at the sample's ratio, with a margin of two.
    predicted = size * packed // len(sample)
    if limits.ratio_exceeded(size, predicted // 2):
        return False
    return packed < 0.9 * len(sample)


def _deflate_bound(size: int) -> int:
    # zlib's worst case for incompressible input: 5 bytes per 16 KiB block plus a header.
    return size + 5 * (size // 16383 + 1) + 64


def _prepare_units(
    records: Iterable[Mapping[str, Any]],
    source: AttachmentSource | None,
    include_attachments: bool,
    limits: Limits,
    omitted_out: list[tuple[str, str]],
) -> tuple[list[_Unit], dict[str, Path]]:
    units: list[_Unit] = []
    paths: dict[str, Path] = {}
    for original in records:
        record = dict(original)
        files: dict[str, int] = {}
        if record.get("attachments"):
            entries = []
            for given in record["attachments"]:
                att = {k: v for k, v in given.items() if k != "omitted"}
                sha = att["sha256"]
                path = None
                if include_attachments and source is not None:
                    path = paths.get(sha) or source(sha)
                if path is not None and Path(path).is_file():
                    size = Path(path).stat().st_size
                    if size <= limits.max_entry_size:
                        paths[sha] = Path(path)
                        files[sha] = size
                        entries.append(att)
                        continue
                # Left out on purpose, not on hand here, or beyond a reader's entry limit.
                att["omitted"] = True
                omitted_out.append((record["uid"], sha))
                entries.append(att)
            record["attachments"] = entries
        line = canonical_json(record) + b"\n"
        if len(line) > limits.max_line:
            # Saving refuses such records (zebkb/domain/limits.py); one from an older zebkb
            # may still be here.
            shown, limit = size_text(len(line)), size_text(limits.max_line)
            raise BundleError(
                f"record {record.get('uid')} is {shown} as JSON, more than the {limit} a record"
                " may hold; shorten its text",
                message_ja=f"記録 {record.get('uid')} が JSON で {shown} あり、上限 {limit} を超える"
                "ためバンドルに書けません。本文などを短くしてください",
                uid=record.get("uid"),
            )
        bound = len(zlib.compress(line, 6)) + 16
        units.append(_Unit(record=record, line=line, files=files, line_bound=bound))
    return units, paths


def _unit_cost(unit: _Unit, part: _Part, methods: dict[str, int]) -> int:
    cost = unit.line_bound
    for sha, size in unit.files.items():
        if sha in part.files:
            continue
        stored = methods[ATTACHMENT_PREFIX + sha] == zipfile.ZIP_STORED
        body = size if stored else _deflate_bound(size)
        cost += body + ENTRY_OVERHEAD + MANIFEST_LINE
    return cost


def _plan_parts(
    units: list[_Unit], methods: dict[str, int], cap: int | None, limits: Limits
) -> tuple[list[_Part], list[tuple[str, int]]]:
    """First fit in the given order: a record always travels with its attachments."""
    parts: list[_Part] = [_Part()]
    oversize: list[tuple[str, int]] = []
    effective = min(cap, limits.max_total_size) if cap else limits.max_total_size
    for unit in units:
        part = parts[-1]
        cost = _unit_cost(unit, part, methods)
        full = len(part.units) >= limits.max_records
        if part.units and (full or part.bound + cost > effective):
            part = _Part()
            parts.append(part)
            cost = _unit_cost(unit, part, methods)
        if part.bound + cost > effective and cap is not None:
            oversize.append((unit.record["uid"], part.bound + cost))
        part.units.append(unit)
        part.files.update(unit.files)
        part.bound += cost
    return parts, oversize


def check_destination(target: Path, *, overwrite: bool) -> None:
    """Refuse a destination that is there and is not a regular file, or any file without ``overwrite``.

    The bundle is written beside it and renamed over it, which never writes
    into what is there; but a link, a pipe or a device at that name is
    someone's mistake (or a trap) and replacing it would surprise them.
    """
    try:
        found = os.lstat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise KnownError(
            f"cannot write {target}: {exc.strerror}",
            message_ja=f"{target} に書き込めません: {exc.strerror}",
        ) from None
    mode = found.st_mode
    if stat.S_ISREG(mode):
        if overwrite:
            return
        raise InputError(
            f"{target} already exists; choose another name, or replace it with --force",
            message_ja=f"{target} は既にあります。別の名前を選ぶか、--force で置き換えてください",
        )
    if stat.S_ISLNK(mode):
        what_en, what_ja = "a symbolic link", "シンボリックリンク"
    elif stat.S_ISDIR(mode):
        what_en, what_ja = "a folder", "フォルダ"
    elif stat.S_ISFIFO(mode):
        what_en, what_ja = "a named pipe", "名前付きパイプ"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what_en, what_ja = "a device", "デバイス"
    else:
        what_en, what_ja = "not a regular file", "通常のファイルではないもの"
    raise InputError(
        f"{target} is {what_en}, not a file; zebkb writes bundles only to a new or regular "
        "file: choose another name",
        message_ja=f"{target} は{what_ja}です。バンドルは新しいファイルか通常のファイルにだけ書き出せます。別の名前を選んでください",
    )


# A part being written: ".<name>.<pid>-<random>.zebkb-partial" beside its destination.
PARTIAL_SUFFIX = ".zebkb-partial"
_PARTIAL_RE = re.compile(r"\..+\.(?P<pid>\d+)-[a-z0-9_]+\.zebkb-partial")


def _part_paths(dest: Path, count: int) -> list[Path]:
    if count == 1:
        return [dest]
    width = len(str(count))
    return [
        dest.with_name(f"{dest.stem}.{i:0{width}d}-of-{count}{dest.suffix}")
        for i in range(1, count + 1)
    ]


def _zinfo(name: str, stamp: tuple[int, int, int, int, int, int], method: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = method
    info.external_attr = 0o100644 << 16
    return info


class _StoreInstead(Exception):
    """An entry deflated beyond the readers' ratio limit: write the part again, storing it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _write_entry(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    chunks: Iterable[bytes],
    size: int,
    *,
    cancel: Cancel | None,
    limits: Limits,
) -> tuple[str, int]:
    digest = hashlib.sha256()
    written = 0
    with zf.open(info, "w", force_zip64=size > 0x7FFF0000) as out:
        for chunk in chunks:
            if cancel is not None and cancel():
                raise ExportCancelled
            digest.update(chunk)
            written += len(chunk)
            out.write(chunk)
    # zipfile fills in the sizes when the entry is closed.
    if info.compress_type != zipfile.ZIP_STORED and limits.ratio_exceeded(
        info.file_size, info.compress_size
    ):
        raise _StoreInstead(info.filename)
    return digest.hexdigest(), written


def _file_chunks(path: Path) -> Iterable[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def _stamp(created_at: str) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromisoformat(created_at)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)


@dataclass
class _Work:
    """Progress over all parts, in records and MiB of attachments."""

    progress: Progress | None
    total: int
    done: int = 0

    def tick(self, amount: int) -> None:
        self.done += amount
        if self.progress is not None:
            self.progress(self.done, self.total)

    def finish(self) -> None:
        """All written: say so, though the ticks fell short (no records to write; each
        file's MiB rounded down) and a terminal's progress line would stay open."""
        if self.done < self.total:
            self.tick(self.total - self.done)


@dataclass(frozen=True)
class _PartHeader:
    bundle_id: str
    created_at: str
    stamp: tuple[int, int, int, int, int, int]
    origin_ward: str
    origin_name: str | None
    generator: str
    since: str | None
    series: tuple[str, int, int] | None  # series id, part number, parts


def _write_part(
    raw: BinaryIO,
    part: _Part,
    header: _PartHeader,
    *,
    paths: dict[str, Path],
    methods: dict[str, int],
    signer: Signer | None,
    limits: Limits,
    work: _Work,
    cancel: Cancel | None,
) -> None:
    stamp = header.stamp
    with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
        listed: list[dict[str, Any]] = []
        counts: dict[str, int] = {}
        for sha, size in part.files.items():
            name = ATTACHMENT_PREFIX + sha
            digest, written = _write_entry(
                zf,
                _zinfo(name, stamp, methods[name]),
                _file_chunks(paths[sha]),
                size,
                cancel=cancel,
                limits=limits,
            )
            if digest != sha or written != size:
                raise BundleError(
                    f"attachment file {sha[:12]}… changed or is damaged in the "
                    "knowledge base (its content no longer matches its name)",
                    message_ja=f"添付ファイル {sha[:12]}… が壊れています",
                )
            listed.append({"path": name, "sha256": sha, "size": size})
            work.tick(size // CHUNK)
        for unit in part.units:
            kind = unit.record.get("type", "")
            counts[kind] = counts.get(kind, 0) + 1
        digest, written = _write_entry(
            zf,
            _zinfo(RECORDS, stamp, methods[RECORDS]),
            (u.line for u in part.units),
            sum(len(u.line) for u in part.units),
            cancel=cancel,
            limits=limits,
        )
        listed.insert(0, {"path": RECORDS, "sha256": digest, "size": written})
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "bundle_id": header.bundle_id,
            "created_at": header.created_at,
            "origin": {"ward": header.origin_ward},
            "generator": header.generator,
            # Informational: the manifest's integer version stays 1 so that a 1.0
            # reader imports what it understands (docs/bundle-format.md).
            "format_version": FORMAT_VERSION,
            "since": header.since,
            "counts": counts,
            "files": listed,
        }
        if header.origin_name:
            manifest["origin"]["name"] = header.origin_name
        if header.series is not None:
            series, number, parts = header.series
            manifest.update(series=series, part=number, parts=parts)
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False).encode(
            "utf-8"
        )
        _write_entry(
            zf,
            _zinfo(MANIFEST, stamp, methods[MANIFEST]),
            [manifest_bytes],
            len(manifest_bytes),
            cancel=cancel,
            limits=limits,
        )
        if signer is not None:
            signature, public_key = signer(manifest_bytes)
            zf.writestr(
                _zinfo(SIGNATURE_ENTRY, stamp, zipfile.ZIP_DEFLATED),
                signature_document(signature, public_key),
            )


def write_bundle(
    dest: str | Path,
    records: Iterable[Mapping[str, Any]],
    *,
    origin_ward: str,
    origin_name: str | None = None,
    attachment_source: AttachmentSource | None = None,
    include_attachments: bool = True,
    since: str | None = None,
    max_size: int | None = None,
    signer: Signer | None = None,
    created_at: str | None = None,
    generator: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    overwrite: bool = True,
) -> WriteResult:
    """Write ``records`` (bundle form) to ``dest``, split into parts when ``max_size`` needs it.

    ``attachment_source(sha256)`` gives the path of an attachment file, or
    None when it is not on hand (the reference is then written as omitted).
    An existing regular file at a destination is replaced only with
    ``overwrite``; anything else there (a folder, a device, a pipe, a
    symbolic link) is refused (`check_destination`).
    """
    dest = Path(dest)
    check_destination(dest, overwrite=overwrite)
    created_at = created_at or _now()
    stamp = _stamp(created_at)
    omitted: list[tuple[str, str]] = []
    units, paths = _prepare_units(records, attachment_source, include_attachments, limits, omitted)
    methods: dict[str, int] = {
        ATTACHMENT_PREFIX + sha: zipfile.ZIP_DEFLATED
        if _compresses(path, limits)
        else zipfile.ZIP_STORED
        for sha, path in paths.items()
    }
    methods[RECORDS] = methods[MANIFEST] = zipfile.ZIP_DEFLATED
    planned, oversize = _plan_parts(units, methods, max_size, limits)
    series = str(uuid.uuid4()) if len(planned) > 1 else None
    targets = _part_paths(dest, len(planned))
    for target in targets[1:] if len(targets) > 1 else ():
        check_destination(target, overwrite=overwrite)
    total_work = sum(len(p.units) + sum(p.files.values()) // CHUNK for p in planned) or 1
    work = _Work(progress, total_work)
    temps: list[Path] = []
    results: list[PartInfo] = []
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        # What exports killed half-way left in this folder goes first (only a gone writer's).
        sweep_leftovers(dest.parent, _PARTIAL_RE)
        for number, (part, target) in enumerate(zip(planned, targets, strict=True), start=1):
            fd, tmp_name = tempfile.mkstemp(
                prefix=temp_prefix(f".{target.name}."), suffix=PARTIAL_SUFFIX, dir=target.parent
            )
            hold_temp(fd)
            temps.append(Path(tmp_name))
            header = _PartHeader(
                bundle_id=str(uuid.uuid4()),
                created_at=created_at,
                stamp=stamp,
                origin_ward=origin_ward,
                origin_name=origin_name,
                generator=generator or f"zebkb {__version__}",
                since=since,
                series=(series, number, len(planned)) if series is not None else None,
            )
            with os.fdopen(fd, "w+b") as raw:
                done_before = work.done
                while True:
                    try:
                        _write_part(
                            raw,
                            part,
                            header,
                            paths=paths,
                            methods=methods,
                            signer=signer,
                            limits=limits,
                            work=work,
                            cancel=cancel,
                        )
                        break
                    except _StoreInstead as exc:
                        # Rare (a file whose sample deflated modestly): write this part again.
                        methods[exc.name] = zipfile.ZIP_STORED
                        work.done = done_before
                        raw.seek(0)
                        raw.truncate()
                raw.flush()
                os.fsync(raw.fileno())
                size = raw.tell()
            work.tick(len(part.units))
            results.append(
                PartInfo(
                    path=target,
                    bundle_id=header.bundle_id,
                    records=len(part.units),
                    attachments=len(part.files),
                    size=size,
                )
            )
        for tmp, target in zip(temps, targets, strict=True):
            make_shareable(tmp)
            os.replace(tmp, target)
        fsync_dir(dest.parent)
        work.finish()
    except BaseException:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    return WriteResult(parts=results, series=series, oversize=oversize, omitted=omitted)
