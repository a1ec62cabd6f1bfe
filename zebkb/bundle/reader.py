"""Open a bundle and check every byte of it before anything is imported.

Everything here is untrusted input. Python's zipfile is used only to inflate
entries; the rules it does not enforce are checked by hand first:

- ``infolist()`` shows both of two entries with one name while ``open(name)``
  reads the last, so duplicate names are refused from the central directory;
- this Python (3.11.7) lacks the CVE-2024-0450 fix, so entries whose local
  data overlaps (the "overlapping zip bomb") are refused by reading every
  local header and comparing extents;
- sizes are checked against the limits and the manifest before inflating, and
  counted again while streaming, so no entry is ever inflated whole to learn
  that it is too big.
"""

from __future__ import annotations

import hashlib
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeGuard

from zebkb import strictjson
from zebkb.bundle.errors import BundleError
from zebkb.bundle.limits import DEFAULT_LIMITS, GIB, MIB, Limits
from zebkb.bundle.signature import SIGNATURE_ENTRY, SignatureInfo, verify_signature
from zebkb.domain.canonical import parse_timestamp, record_hash
from zebkb.domain.validate import RecordError, validate_record
from zebkb.domain.wards import lg_code_valid
from zebkb.errors import os_reason

FORMAT = "zebkb-bundle"
VERSION = 1
# The contract version this zebkb writes and reads (docs/bundle-format.md).
FORMAT_VERSION = "1.2"
MANIFEST = "manifest.json"
RECORDS = "records.jsonl"
ATTACHMENT_PREFIX = "attachments/"
CHUNK = 1 * MIB

SHA256_RE = re.compile(r"[0-9a-f]{64}")
RFC3339_RE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_DRIVE_RE = re.compile(r"[A-Za-z]:")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_MAGIC = b"PK\x03\x04"
_STORED_OR_DEFLATED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# Errors zipfile and zlib raise on damaged or hostile archives.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    zlib.error,
    struct.error,
    OSError,
    ValueError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
    IndexError,
    KeyError,
)


def _refuse(
    entry: str | None,
    en: str,
    ja: str,
    *,
    uid: str | None = None,
    fiscal_year: int | None = None,
) -> BundleError:
    where = f"{entry}: " if entry else ""
    return BundleError(
        f"{where}{en}", message_ja=f"{where}{ja}", entry=entry, uid=uid, fiscal_year=fiscal_year
    )


def _size_text(n: int) -> str:
    if n >= GIB:
        return f"{n / GIB:.1f} GiB"
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    return f"{n} bytes"


@dataclass(frozen=True, slots=True)
class ManifestFile:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Manifest:
    raw: dict[str, Any]
    version: int
    bundle_id: str
    created_at: str
    origin_ward: str
    origin_name: str | None
    since: str | None
    series: str | None
    part: int | None
    parts: int | None
    files: dict[str, ManifestFile]


class AttachmentSource:
    """A bundle's attachment entries by SHA-256, read within their stated sizes.

    Reading never checks the content: the caller hashes what it reads
    (`AttachmentStore.stage` does while storing, `verify` otherwise) and
    raises `mismatch` when it differs. A damaged entry is refused while read.
    """

    def __init__(self, zf: zipfile.ZipFile, sizes: dict[str, int]) -> None:
        self._zip = zf
        self.sizes = sizes

    @classmethod
    def open(cls, path: Path, sizes: dict[str, int]) -> AttachmentSource:
        """Open a bundle again for its attachments only (for a child process).

        The plan checked the container; should the file have changed since,
        the sizes and hashes known from the plan refuse it as it is read.
        """
        try:
            return cls(zipfile.ZipFile(path), sizes)
        except _ZIP_ERRORS as exc:
            raise BundleError(
                f"{path.name}: the bundle cannot be read again ({exc})",
                message_ja=f"{path.name}: バンドルを読み直せません（{exc}）",
            ) from None

    def chunks(self, sha256: str) -> Iterator[bytes]:
        name = ATTACHMENT_PREFIX + sha256
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise _refuse(name, "missing from the bundle", "バンドルにありません") from None
        return _stream(self._zip, info, name, self.sizes[sha256])

    def verify(self, sha256: str) -> None:
        digest = hashlib.sha256()
        for chunk in self.chunks(sha256):
            digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise self.mismatch(sha256)

    def mismatch(self, sha256: str) -> BundleError:
        return _hash_mismatch(ATTACHMENT_PREFIX + sha256)

    def close(self) -> None:
        self._zip.close()


@dataclass
class Bundle:
    """A bundle that passed every check; attachments are streamed from it on demand.

    ``records`` are the versions as the sender wrote them, except that the
    transport flag ``"omitted"`` is taken out of attachment entries: it says
    what this bundle carries, not what the record is, so the same version
    hashes alike whichever bundle brought it. ``omitted`` lists the files the
    sender left out on purpose.
    """

    path: Path
    manifest: Manifest
    records: list[dict[str, Any]]
    record_lines: dict[str, int]
    attachments: dict[str, int]  # sha256 -> size, the files this bundle carries
    omitted: set[str]
    signature: SignatureInfo | None
    # Whether open_bundle hashed the attachments; if not, whoever stores them must
    # check them (apply_import does, before its transaction commits).
    attachments_verified: bool
    _zip: zipfile.ZipFile = field(repr=False)
    _fp: BinaryIO = field(repr=False)
    _hashes: dict[str, str] | None = field(default=None, repr=False)

    def record_hash(self, uid: str) -> str:
        """The hash of one record's version, computed once (a plan and its merge both need it)."""
        if self._hashes is None:
            self._hashes = {r["uid"]: record_hash(r) for r in self.records}
        return self._hashes[uid]

    @property
    def source(self) -> AttachmentSource:
        """The attachment entries, read from this open bundle."""
        return AttachmentSource(self._zip, self.attachments)

    def close(self) -> None:
        self._zip.close()
        self._fp.close()

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def entry_name_problem(name: str) -> tuple[str, str] | None:
    """Why an entry name breaks the container rules, in English and Japanese, or None."""
    if name in {"", "/"}:
        return "empty entry name", "エントリ名が空です"
    if "\x00" in name or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return "entry name contains a control character", "エントリ名に制御文字があります"
    if "\\" in name:
        return "entry name uses a backslash", "エントリ名にバックスラッシュがあります"
    if name.startswith("/"):
        return "entry name is an absolute path", "エントリ名が絶対パスです"
    if _DRIVE_RE.match(name):
        return "entry name starts with a drive letter", "エントリ名がドライブ名で始まります"
    body = name[:-1] if name.endswith("/") else name
    for segment in body.split("/"):
        if segment == "":
            return "entry name has an empty path segment", "エントリ名に空の階層があります"
        if segment in (".", ".."):
            return "entry name has a '.' or '..' segment", "エントリ名に . または .. があります"
    return None


def _entry_role(name: str) -> str | None:
    if name in (MANIFEST, RECORDS, SIGNATURE_ENTRY):
        return name
    if name.startswith(ATTACHMENT_PREFIX) and SHA256_RE.fullmatch(name[len(ATTACHMENT_PREFIX) :]):
        return ATTACHMENT_PREFIX
    return None


def _display(name: str) -> str:
    """An entry name safe to print on one line."""
    shown = name.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 120 else shown[:117] + "..."


def _check_entries(zf: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise _refuse(
            None,
            f"the bundle has {len(infos)} entries, more than the limit of {limits.max_entries}",
            f"エントリ数 {len(infos)} が上限 {limits.max_entries} を超えています",
        )
    seen: set[str] = set()
    files: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        # orig_filename keeps what zipfile cut off at a NUL byte.
        name = info.orig_filename
        shown = _display(name)
        if not info.flag_bits & 0x800 and not name.isascii():
            raise _refuse(
                shown,
                "entry name is not marked as UTF-8",
                "エントリ名が UTF-8 として記録されていません",
            )
        problem = entry_name_problem(name)
        if problem:
            raise _refuse(shown, *problem)
        if name in seen:
            raise _refuse(shown, "the entry occurs twice", "同じ名前のエントリが2つあります")
        seen.add(name)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _refuse(shown, "symbolic links are not allowed", "シンボリックリンクは使えません")
        if info.flag_bits & 0x41:
            raise _refuse(shown, "the entry is encrypted", "エントリが暗号化されています")
        if info.is_dir():
            continue
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            raise _refuse(shown, "not a regular file", "通常のファイルではありません")
        if _entry_role(name) is None:
            raise _refuse(
                shown,
                "entry not allowed in a bundle (only manifest.json, records.jsonl, "
                "signature.json and attachments/<sha256>)",
                "バンドルに含められないエントリです",
            )
        if info.compress_type not in _STORED_OR_DEFLATED:
            raise _refuse(
                shown,
                f"compression method {info.compress_type} is not allowed (stored or deflated)",
                f"圧縮方式 {info.compress_type} は使えません（無圧縮か deflate のみ）",
            )
        if info.file_size > limits.max_entry_size:
            raise _refuse(
                shown,
                f"uncompressed size {_size_text(info.file_size)} exceeds the limit of "
                f"{_size_text(limits.max_entry_size)}",
                f"展開後サイズ {_size_text(info.file_size)} が上限 "
                f"{_size_text(limits.max_entry_size)} を超えています",
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise _refuse(
                shown,
                "stored entry with different compressed and uncompressed sizes",
                "無圧縮エントリのサイズが一致しません",
            )
        if limits.ratio_exceeded(info.file_size, info.compress_size):
            raise _refuse(
                shown,
                f"compression ratio above {limits.max_ratio} (a zip bomb?)",
                f"圧縮率が {limits.max_ratio} を超えています（zip 爆弾の疑い）",
            )
        total += info.file_size
        if total > limits.max_total_size:
            raise _refuse(
                None,
                f"the entries add up to more than {_size_text(limits.max_total_size)} uncompressed",
                f"展開後の合計サイズが上限 {_size_text(limits.max_total_size)} を超えています",
            )
        files[name] = info
    return files


def _check_extents(raw: BinaryIO, zf: zipfile.ZipFile) -> None:
    """Every entry's local header is where the directory says and no two entries overlap."""
    infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
    end_of_data = zf.start_dir
    previous_end = 0
    previous_name = ""
    for info in infos:
        shown = _display(info.orig_filename)
        if info.header_offset < previous_end:
            raise _refuse(
                shown,
                f"overlaps entry {_display(previous_name)} (an overlapping-entry zip bomb?)",
                f"エントリ {_display(previous_name)} と重なっています（zip 爆弾の疑い）",
            )
        raw.seek(info.header_offset)
        header = raw.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size:
            raise _refuse(shown, "local header lies past the end of the file", "ヘッダがありません")
        fields = _LOCAL_HEADER.unpack(header)
        if fields[0] != _LOCAL_MAGIC:
            raise _refuse(shown, "local header is missing or damaged", "ヘッダが壊れています")
        flags, name_len, extra_len = fields[3], fields[10], fields[11]
        name_bytes = raw.read(name_len)
        encoding = "utf-8" if flags & 0x800 else "cp437"
        if name_bytes.decode(encoding, errors="replace") != info.orig_filename:
            raise _refuse(
                shown,
                "the name in the local header differs from the directory",
                "ローカルヘッダの名前が中央ディレクトリと異なります",
            )
        if flags & 0x41:
            raise _refuse(shown, "the entry is encrypted", "エントリが暗号化されています")
        data_start = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
        previous_end = data_start + info.compress_size
        previous_name = info.orig_filename
        if previous_end > end_of_data:
            raise _refuse(
                shown,
                "entry data runs into the central directory (truncated or overlapping)",
                "エントリのデータが中央ディレクトリに重なっています",
            )


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, size: int) -> Iterator[bytes]:
    """Inflate an entry piece by piece, never past ``size`` bytes."""
    shown = _display(name)
    total = 0
    try:
        with zf.open(info) as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > size:
                    raise _refuse(
                        shown, "more bytes than its stated size", "記載サイズより長いです"
                    )
                yield chunk
    except BundleError:
        raise
    except _ZIP_ERRORS as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise _refuse(
            shown,
            f"damaged or truncated entry ({reason})",
            f"エントリが壊れているか途中で切れています（{reason}）",
        ) from None
    if total != size:
        raise _refuse(
            shown,
            f"{total} bytes, but {size} stated",
            f"{total} バイトですが記載は {size} バイトです",
        )


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int) -> bytes:
    if info.file_size > limit:
        raise _refuse(
            name,
            f"larger than the limit of {_size_text(limit)}",
            f"上限 {_size_text(limit)} を超えています",
        )
    return b"".join(_stream(zf, info, name, info.file_size))


def _timestamp(value: object) -> TypeGuard[str]:
    if not isinstance(value, str) or not RFC3339_RE.fullmatch(value):
        return False
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return True


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _parse_manifest(data: bytes) -> Manifest:
    def bad(en: str, ja: str) -> BundleError:
        return _refuse(MANIFEST, en, ja)

    try:
        doc = strictjson.loads(data)
    except strictjson.StrictJSONError as exc:
        raise bad(str(exc), f"JSON が不正です（{exc}）") from None
    if not isinstance(doc, dict):
        raise bad("must be a JSON object", "JSON オブジェクトが必要です")
    if doc.get("format") != FORMAT:
        raise bad(
            f'"format" must be "{FORMAT}"; this is not a zebkb bundle',
            f'"format" が "{FORMAT}" ではありません（zebkb のバンドルではありません）',
        )
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise bad('"version" must be a positive integer', '"version" は正の整数が必要です')
    if version > VERSION:
        raise bad(
            f"bundle format version {version} is newer than this zebkb understands "
            f"(version {VERSION}); update zebkb to import it",
            f"バンドル形式のバージョン {version} はこの zebkb（対応バージョン {VERSION}）"
            "より新しいため読めません。zebkb を更新してください",
        )
    bundle_id = doc.get("bundle_id")
    if (
        not isinstance(bundle_id, str)
        or not 1 <= len(bundle_id) <= 200
        or not bundle_id.isprintable()
        or bundle_id.strip() != bundle_id
    ):
        raise bad(
            '"bundle_id" must be a non-empty printable string',
            '"bundle_id" は空でない文字列が必要です',
        )
    created_at = doc.get("created_at")
    if not _timestamp(created_at):
        raise bad(
            '"created_at" must be an RFC 3339 timestamp with offset',
            '"created_at" はタイムゾーン付きの RFC 3339 日時が必要です',
        )
    origin = doc.get("origin")
    ward = origin.get("ward") if isinstance(origin, dict) else None
    if not lg_code_valid(ward):
        raise bad(
            '"origin.ward" must be a valid local-government code (6 digits with check digit)',
            '"origin.ward" は正しい地方公共団体コード（6桁、検査数字付き）が必要です',
        )
    name = origin.get("name") if isinstance(origin, dict) else None
    since = doc.get("since")
    if since is not None and not _timestamp(since):
        raise bad(
            '"since" must be null or an RFC 3339 timestamp with offset',
            '"since" は null かタイムゾーン付きの日時が必要です',
        )
    listed = doc.get("files")
    if not isinstance(listed, list):
        raise bad('"files" must be a list', '"files" はリストが必要です')
    files: dict[str, ManifestFile] = {}
    for i, item in enumerate(listed):
        path = item.get("path") if isinstance(item, dict) else None
        sha = item.get("sha256") if isinstance(item, dict) else None
        size = item.get("size") if isinstance(item, dict) else None
        where = f'"files" item {i + 1}'
        if not isinstance(path, str):
            raise bad(f"{where}: path must be a string", f"{where}: path は文字列が必要です")
        if not isinstance(sha, str) or not SHA256_RE.fullmatch(sha):
            raise bad(
                f"{where} ({_display(path)}): sha256 must be 64 lowercase hex digits",
                f"{where}（{_display(path)}）: sha256 は小文字16進64桁が必要です",
            )
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise bad(
                f"{where} ({_display(path)}): size must be a non-negative integer",
                f"{where}（{_display(path)}）: size は0以上の整数が必要です",
            )
        if path in (MANIFEST, SIGNATURE_ENTRY):
            raise bad(f"{where}: {path} must not be listed", f"{where}: {path} は記載しません")
        if path in files:
            raise bad(f"{where}: {_display(path)} is listed twice", f"{where}: 二重に記載")
        if path.startswith(ATTACHMENT_PREFIX) and path != ATTACHMENT_PREFIX + sha:
            raise bad(
                f"{where}: {_display(path)} is listed with a different sha256",
                f"{where}: {_display(path)} の sha256 が名前と異なります",
            )
        files[path] = ManifestFile(path, sha, size)
    series = doc.get("series")
    return Manifest(
        raw=doc,
        version=version,
        bundle_id=bundle_id,
        created_at=created_at,
        origin_ward=ward,
        origin_name=name if isinstance(name, str) else None,
        since=since,
        series=series if isinstance(series, str) else None,
        part=_optional_int(doc.get("part")),
        parts=_optional_int(doc.get("parts")),
        files=files,
    )


def _check_listing(entries: dict[str, zipfile.ZipInfo], manifest: Manifest) -> None:
    for name, info in entries.items():
        if name in (MANIFEST, SIGNATURE_ENTRY):
            continue
        listed = manifest.files.get(name)
        if listed is None:
            raise _refuse(
                _display(name),
                "entry is not listed in manifest.json",
                "manifest.json に記載のないエントリです",
            )
        if listed.size != info.file_size:
            raise _refuse(
                _display(name),
                f"size {info.file_size} differs from the {listed.size} in manifest.json",
                f"サイズ {info.file_size} が manifest.json の {listed.size} と異なります",
            )
    for path in manifest.files:
        if path not in entries:
            raise _refuse(
                _display(path),
                "listed in manifest.json but missing from the bundle",
                "manifest.json に記載がありますがバンドルにありません",
            )


def _strip_omitted(record: dict[str, Any], omitted: set[str]) -> dict[str, Any]:
    attachments = record.get("attachments")
    if not isinstance(attachments, list):
        return record
    cleaned = []
    for entry in attachments:
        if isinstance(entry, dict) and "omitted" in entry:
            sha = entry.get("sha256")
            if entry["omitted"] is True and isinstance(sha, str):
                omitted.add(sha)
            cleaned.append({k: v for k, v in entry.items() if k != "omitted"})
        else:
            cleaned.append(entry)
    return {**record, "attachments": cleaned}


def _record_problem(
    line_no: int, uid: object, en: str, ja: str, fiscal_year: int | None = None
) -> BundleError:
    who = f" (uid {uid})" if isinstance(uid, str) and len(uid) <= 64 and uid.isprintable() else ""
    return _refuse(
        f"{RECORDS} line {line_no}{who}",
        en,
        ja,
        uid=uid if isinstance(uid, str) else None,
        fiscal_year=fiscal_year,
    )


class _RecordReader:
    """Parse records.jsonl line by line while hashing it; the first problem is kept."""

    def __init__(self, limits: Limits, now: datetime) -> None:
        self.limits = limits
        self.now = now
        self.records: list[dict[str, Any]] = []
        self.lines: dict[str, int] = {}
        self.omitted: set[str] = set()
        self.problem: BundleError | None = None
        self.line_no = 0

    def feed_line(self, line: bytes) -> None:
        self.line_no += 1
        n = self.line_no
        if line.endswith(b"\r"):
            raise _record_problem(
                n, None, "line ends in CR LF; only \\n is allowed", "改行は LF のみです"
            )
        try:
            data = strictjson.loads(line, max_depth=self.limits.max_depth)
        except strictjson.StrictJSONError as exc:
            raise _record_problem(n, None, str(exc), f"JSON が不正です（{exc}）") from None
        if not isinstance(data, dict):
            raise _record_problem(n, None, "not a JSON object", "JSON オブジェクトではありません")
        uid = data.get("uid")
        try:
            validate_record(
                data,
                strict=True,
                now=self.now,
                # Canonical JSON is at most 4 times the line it came from (1e15 is
                # written 1000000000000000; text and structure never grow).
                size_bound=4 * len(line) + 1,
            )
        except RecordError as exc:
            field_en = f"field {exc.field}: " if exc.field else ""
            field_ja = f"項目 {exc.field}: " if exc.field else ""
            raise _record_problem(
                n,
                uid,
                field_en + exc.unfilled("en"),
                field_ja + exc.unfilled("ja"),
                exc.fiscal_year,
            ) from None
        # validate_record has checked that the uid is a well-formed string.
        uid = str(data["uid"])
        if uid in self.lines:
            raise _record_problem(
                n,
                uid,
                f"uid already used on line {self.lines[uid]}",
                f"uid が {self.lines[uid]} 行目と重複しています",
            )
        if len(self.records) >= self.limits.max_records:
            raise _record_problem(
                n,
                uid,
                f"more than {self.limits.max_records} records",
                f"レコード数が上限 {self.limits.max_records} を超えています",
            )
        self.lines[uid] = n
        self.records.append(_strip_omitted(data, self.omitted))

    def read(self, chunks: Iterator[bytes]) -> tuple[str, int]:
        """Consume the entry; return its SHA-256 and size (hashing goes on after a problem)."""
        digest = hashlib.sha256()
        size = 0
        pending = bytearray()
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            if self.problem is not None:
                continue
            pending += chunk
            try:
                start = 0
                while (end := pending.find(b"\n", start)) >= 0:
                    if end - start >= self.limits.max_line:  # with its newline, at most max_line
                        self._too_long()
                    self.feed_line(bytes(pending[start:end]))
                    start = end + 1
                del pending[:start]
                if len(pending) >= self.limits.max_line:
                    self._too_long()
            except BundleError as exc:
                self.problem = exc
                pending.clear()
        if self.problem is None and pending:
            try:
                self.feed_line(bytes(pending))
            except BundleError as exc:
                self.problem = exc
        return digest.hexdigest(), size

    def _too_long(self) -> None:
        raise _record_problem(
            self.line_no + 1,
            None,
            f"line longer than the limit of {_size_text(self.limits.max_line)}",
            f"1行が上限 {_size_text(self.limits.max_line)} を超えています",
        )


def _hash_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, size: int) -> str:
    digest = hashlib.sha256()
    for chunk in _stream(zf, info, name, size):
        digest.update(chunk)
    return digest.hexdigest()


def _hash_mismatch(name: str) -> BundleError:
    return _refuse(
        _display(name),
        "content does not match the SHA-256 in manifest.json",
        "内容が manifest.json の SHA-256 と一致しません",
    )


def open_bundle(
    path: str | Path,
    *,
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
    verify_attachments: bool = True,
) -> Bundle:
    """Check a bundle completely and return it open; raise BundleError naming the problem.

    ``now`` is the importing machine's clock for the 24-hour guard on
    ``updated_at``. Nothing is written anywhere.
    """
    path = Path(path)
    now = now or datetime.now(UTC)
    try:
        fp: BinaryIO = open(path, "rb")  # noqa: SIM115 - the Bundle owns it until close()
    except OSError as exc:
        raise BundleError(
            f"{path.name}: cannot read the bundle file ({exc.strerror or exc})",
            message_ja=f"{path.name}: バンドルファイルを読めません（{os_reason(exc, 'ja')}）",
        ) from None
    zf: zipfile.ZipFile | None = None
    try:
        if fp.read(2) != b"PK":
            # Not even the start of a ZIP: a file picked by mistake (the e-mail check came
            # first, zebkb/bundle/mail.py), not a damaged bundle.
            raise BundleError(
                f"{path.name}: neither a zebkb bundle nor an e-mail (not a ZIP archive)",
                message_ja=f"{path.name}: zebkb のバンドルでもメールでもありません（ZIP ファイルではありません）",
            )
        fp.seek(0)
        try:
            zf = zipfile.ZipFile(fp)
        except _ZIP_ERRORS as exc:
            raise BundleError(
                f"{path.name}: not a ZIP archive, or damaged or truncated ({exc})",
                message_ja=f"{path.name}: ZIP ファイルではないか、壊れているか途中で切れています",
            ) from None
        entries = _check_entries(zf, limits)
        with open(path, "rb") as raw:
            _check_extents(raw, zf)
        for required in (MANIFEST, RECORDS):
            if required not in entries:
                raise _refuse(required, "missing from the bundle", "バンドルにありません")
        manifest_bytes = _read_small(zf, entries[MANIFEST], MANIFEST, limits.max_manifest)
        manifest = _parse_manifest(manifest_bytes)
        _check_listing(entries, manifest)
        signature = None
        if SIGNATURE_ENTRY in entries:
            doc = _read_small(zf, entries[SIGNATURE_ENTRY], SIGNATURE_ENTRY, limits.max_signature)
            signature = verify_signature(doc, manifest_bytes)

        reader = _RecordReader(limits, now)
        listed = manifest.files[RECORDS]
        sha, _size = reader.read(_stream(zf, entries[RECORDS], RECORDS, listed.size))
        if sha != listed.sha256:
            raise _hash_mismatch(RECORDS)
        if reader.problem is not None:
            raise reader.problem

        attachments = {
            name[len(ATTACHMENT_PREFIX) :]: info.file_size
            for name, info in entries.items()
            if name.startswith(ATTACHMENT_PREFIX)
        }
        for record in reader.records:
            for att in record.get("attachments") or ():
                # Each entry passed validate_record(strict=True) above: a dict whose
                # sha256 is 64 hex digits.
                att_sha: str = att["sha256"]
                if att_sha not in attachments and att_sha not in reader.omitted:
                    raise _record_problem(
                        reader.lines[record["uid"]],
                        record["uid"],
                        f"attachment {att_sha[:12]}… ({att.get('filename')}) is not in the bundle "
                        'and not marked "omitted"',
                        f"添付ファイル {att_sha[:12]}…（{att.get('filename')}）がバンドルになく、"
                        '"omitted" の指定もありません',
                    )
                if att_sha in attachments and att.get("size") != attachments[att_sha]:
                    # A wrong size would be stored with the record and fail every later check.
                    raise _record_problem(
                        reader.lines[record["uid"]],
                        record["uid"],
                        f"attachment {att_sha[:12]}… ({att.get('filename')}) states size "
                        f"{att.get('size')}, but the file in the bundle is {attachments[att_sha]} bytes",
                        f"添付ファイル {att_sha[:12]}…（{att.get('filename')}）のサイズ "
                        f"{att.get('size')} がバンドル内のファイル（{attachments[att_sha]} バイト）と異なります",
                    )
        if verify_attachments:
            for sha, size in attachments.items():
                name = ATTACHMENT_PREFIX + sha
                if _hash_entry(zf, entries[name], name, size) != sha:
                    raise _hash_mismatch(name)
        return Bundle(
            path=path,
            manifest=manifest,
            records=reader.records,
            record_lines=reader.lines,
            attachments=attachments,
            omitted=reader.omitted - set(attachments),
            signature=signature,
            attachments_verified=verify_attachments,
            _zip=zf,
            _fp=fp,
        )
    except BaseException:
        if zf is not None:
            zf.close()
        fp.close()
        raise
