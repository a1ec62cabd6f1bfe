"""Backups of a knowledge base: a zip in ``<data_dir>/backups/``, and bringing one back.

A backup holds ``manifest.json``, a consistent copy of the database taken
through SQLite's online backup API (a writer may keep working meanwhile), and
the attachment files. Attachment files are content-addressed and never
changed or deleted, so every file the database copy refers to already exists
when the copy is taken; the automatic backups before an import or a restore
hold the database alone for that reason (an import only adds files, and a
restore keeps every file it finds).

A backup file may come from another PC, so it is read like a bundle: only
known names, declared sizes checked against the manifest, bounded sizes and
compression ratios, the database checked before it replaces anything.
Restoring copies the backup's database into the live one through the backup
API as well: one SQLite transaction, so a crash leaves the old or the new
database, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from zebkb import __version__
from zebkb.errors import InputError, KnownError
from zebkb.filestore import SHA256_RE
from zebkb.problems import Problem
from zebkb.service.facade import Core
from zebkb.store.db import SCHEMA_VERSION, DamagedDatabaseError, database_damage
from zebkb.store.state import DB_FILE, is_damage
from zebkb.tempfiles import fsync_dir, hold_temp, sweep_leftovers, temp_prefix

if TYPE_CHECKING:
    from zebkb.search.engine import SearchIndex
    from zebkb.service.changes import Changes
    from zebkb.service.transaction import Cancel


class Facade(Core, Protocol):
    """What backup.py uses of the facade (zebkb/service/knowledge_base.py)."""

    def change_state(self) -> int: ...

    def check(self, *, deep: bool = ..., progress: Progress | None = ...) -> list[Problem]: ...

    def dispose_engines(self) -> None: ...

    @property
    def index(self) -> SearchIndex: ...

    def migrate(self) -> None: ...

    def publish_everything(self) -> Changes: ...

    def reindex(self, progress: Progress | None = ..., cancel: Cancel | None = ...) -> bool: ...


BACKUP_DIR = "backups"
DEFAULT_KEEP = 10
FORMAT = "zebkb-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
LABELS = ("", "before-import", "before-restore")
NAME_RE = re.compile(r"zebkb-(\d{8}-\d{6})(?:-(\d{1,9}))?(?:-(before-import|before-restore))?\.zip")
_ATTACHMENT_RE = re.compile(r"attachments/([0-9a-f]{2})/([0-9a-f]{64})")
_COPY_CHUNK = 1 << 20

# Bounds for a backup from outside: far above any real ward's knowledge base,
# low enough that a crafted zip cannot fill the disk or memory.
MAX_MANIFEST = 64 << 20
MAX_DATABASE = 16 << 30
MAX_TOTAL = 256 << 30
MAX_ENTRIES = 2_000_000
MAX_RATIO = 1000  # an SQLite file of mostly empty pages compresses very well
RATIO_FLOOR = 1 << 20
# What zipfile and zlib raise on an entry whose bytes are damaged or cut short
# (a bad CRC, a broken deflate stream, a truncated file, an unknown method).
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    created_at: str
    records: int
    files: int
    includes_files: bool
    label: str
    size: int

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "created_at": self.created_at,
            "records": self.records,
            "files": self.files,
            "includes_files": self.includes_files,
            "label": self.label,
            "size": self.size,
        }


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored: BackupInfo
    set_aside: Path
    files_added: int
    problems: list[Problem]


# -- writing -------------------------------------------------------------------------------------


def backup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUP_DIR


def disk_error(exc: OSError, what: str, where: Path) -> KnownError:
    """An OSError in words a ward employee can act on."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return KnownError(
            f"the disk holding {where} is full; {what} was not written (free some space)",
            message_ja=f"ディスクがいっぱいです。{what}は書き込まれていません: {where}",
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return KnownError(
            f"{where} is read-only or not writable; {what} was not written",
            message_ja=f"{where} に書き込めません（読み取り専用）。{what}は書き込まれていません",
        )
    return KnownError(
        f"cannot write {what} in {where}: {exc.strerror or exc}",
        message_ja=f"{where} に{what}を書き込めません: {exc.strerror or exc}",
    )


def _snapshot_database(data_dir: Path, dest: Path) -> int:
    """Copy the live database into ``dest`` (one read snapshot) and check the copy.

    Returns the copy's record count. The backup API copies pages as they are,
    so a damaged database gives a damaged copy: SQLite's check of the copy
    refuses it (DamagedDatabaseError) rather than keep a backup that cannot
    be restored.
    """
    live = data_dir / DB_FILE
    try:
        src = sqlite3.connect(f"file:{live}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(dest)
            try:
                src.backup(dst)
                # A backup must be one self-contained file, not a database waiting for its WAL.
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        damage = database_damage(dest)
        if damage is None:
            conn = sqlite3.connect(dest)
            try:
                return int(conn.execute("SELECT count(*) FROM record").fetchone()[0])
            finally:
                conn.close()
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        damage = str(exc)
    raise damaged_database(data_dir, damage, prefix=_REFUSED_EN, prefix_ja=_REFUSED_JA)


_REFUSED_EN = "no backup was written (a copy of a damaged database cannot be restored): "
_REFUSED_JA = "バックアップは作成しませんでした（壊れたデータベースのコピーは復元に使えません）。"


def _verify_written(path: Path, size: int) -> None:
    """Read the database back from the zip just written: its CRC and size must match."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(DB_FILE)
            with zf.open(info) as fh:
                read = 0
                while chunk := fh.read(_COPY_CHUNK):
                    read += len(chunk)
    except (*_DAMAGED, KeyError) as exc:
        raise KnownError(
            f"the backup just written to {path.parent} does not read back ({exc}); "
            "the disk may be failing: write the backup to another disk",
            message_ja=(
                f"書き込んだバックアップを読み戻せません（{exc}）。ディスクの故障のおそれがあります"
            ),
        ) from None
    if read != size:
        raise KnownError(
            f"the backup just written to {path.parent} does not read back (size differs); "
            "the disk may be failing: write the backup to another disk",
            message_ja="書き込んだバックアップを読み戻せません。ディスクの故障のおそれがあります",
        )


def _unique_name(folder: Path, moment: datetime, label: str) -> Path:
    """A name that sorts after every backup taken in the same second.

    Not merely the first free one: after pruning, a reused lower number would
    sort as the oldest and be pruned at once.
    """
    stamp = moment.strftime("%Y%m%d-%H%M%S")
    suffix = f"-{label}" if label else ""
    taken = [
        int(m.group(2) or 1)
        for p in folder.iterdir()
        if (m := NAME_RE.fullmatch(p.name)) and m.group(1) == stamp
    ]
    if not taken:
        return folder / f"zebkb-{stamp}{suffix}.zip"
    return folder / f"zebkb-{stamp}-{max(taken) + 1}{suffix}.zip"


def team_backup_error() -> KnownError:
    """Team mode's database is backed up by its server, not into one PC's folder."""
    return KnownError(
        "this data folder uses the team's shared database: back it up on the server "
        "with pg_dump, and restore with pg_restore (README, 'Team mode')",
        message_ja=(
            "このデータフォルダは共有データベースを使っています。バックアップはサーバーで "
            "pg_dump、復元は pg_restore で行ってください（README の「Team mode」）"
        ),
    )


def create_backup(
    kb: Facade,
    *,
    keep: int = DEFAULT_KEEP,
    include_files: bool = True,
    label: str = "",
    progress: Progress | None = None,
) -> BackupInfo:
    """Write a backup zip atomically (temporary name, fsync, rename), then keep the last ``keep``."""
    if label not in LABELS:
        raise ValueError(f"unknown backup label {label!r}")
    if kb.team:
        raise team_backup_error()
    if keep < 1:
        raise InputError("--keep must be at least 1")
    import json

    folder = backup_dir(kb.data_dir)
    moment = kb.clock()
    try:
        folder.mkdir(exist_ok=True)
        sweep_backup_leftovers(kb.data_dir)
        final = _unique_name(folder, moment, label)
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(".partial-"), suffix=".zip", dir=folder)
    except OSError as exc:
        raise disk_error(exc, "the backup", folder) from None
    # Held until the end: the next backup knows this file is being written.
    hold_temp(fd)
    tmp = Path(tmp_name)
    snapshot = tmp.with_suffix(".sqlite3")
    try:
        records = _snapshot_database(kb.data_dir, snapshot)
        files = list(kb.files.iter_files()) if include_files else []
        sizes = {digest: path.stat().st_size for digest, path in files}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "zebkb_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "created_at": moment.isoformat(timespec="seconds"),
            "label": label,
            "records": records,
            "includes_files": include_files,
            "files": sizes,
        }
        total = len(files) + 1
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            zf.write(snapshot, DB_FILE, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
            if progress is not None:
                progress(1, total)
            # Photos and PDFs are compressed already: store them as they are.
            for done, (digest, path) in enumerate(files, start=2):
                zf.write(path, f"attachments/{digest[:2]}/{digest}", zipfile.ZIP_STORED)
                if progress is not None:
                    progress(done, total)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _verify_written(tmp, snapshot.stat().st_size)
        os.replace(tmp, final)
        fsync_dir(folder)
    except OSError as exc:
        raise disk_error(exc, "the backup", folder) from None
    finally:
        for leftover in (tmp, snapshot):
            with contextlib.suppress(OSError):
                leftover.unlink()
        os.close(fd)
    prune_backups(kb.data_dir, keep=keep, label=label, known_good=final)
    return BackupInfo(
        path=final,
        created_at=manifest["created_at"],
        records=records,
        files=len(files),
        includes_files=include_files,
        label=label,
        size=final.stat().st_size,
    )


# What an interrupted backup or restore leaves in backups/: the zip being written and its
# database copy (with SQLite's journal), and a restore's work folder.
_LEFTOVERS = (
    re.compile(r"\.partial-(?:(?P<pid>\d+)-)?[a-z0-9_]+\.(?:zip|sqlite3(?:-journal|-wal|-shm)?)"),
    re.compile(r"\.restore-(?:(?P<pid>\d+)-)?[a-z0-9_]+"),
)


def sweep_backup_leftovers(data_dir: Path) -> list[Path]:
    """Remove what interrupted backups and restores left in backups/, once their writer is gone."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    return [p for pattern in _LEFTOVERS for p in sweep_leftovers(folder, pattern)]


def list_backups(data_dir: Path, *, label: str | None = None) -> list[Path]:
    """Backups in the data folder, oldest first (their names sort by time)."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        m = NAME_RE.fullmatch(path.name)
        if m and path.is_file() and (label is None or (m.group(3) or "") == label):
            found.append(((m.group(1), int(m.group(2) or 1)), path))
    return [path for _, path in sorted(found)]


def prune_backups(
    data_dir: Path, *, keep: int, label: str = "", known_good: Path | None = None
) -> list[Path]:
    """Delete all but the newest ``keep`` backups of one kind; returns what was deleted.

    Never the last good one: when none of the kept backups restores (each is
    checked, newest first, until one does; ``known_good`` was just verified),
    the newest older one that does is spared.
    """
    found = list_backups(data_dir, label=label)
    kept, old = found[-keep:], found[:-keep]
    if old and not any(_restorable(p, known_good) for p in reversed(kept)):
        spare = next((p for p in reversed(old) if _restorable(p, known_good)), None)
        old = [p for p in old if p != spare]
    for path in old:
        with contextlib.suppress(OSError):
            path.unlink()
    return old


def newest_restorable(data_dir: Path) -> Path | None:
    """The newest backup of any kind that would restore (checked newest first), if any."""
    return next((p for p in reversed(list_backups(data_dir)) if _restorable(p, None)), None)


def _restorable(path: Path, known_good: Path | None) -> bool:
    if known_good is not None and path == known_good:
        return True
    try:
        inspect_backup(path)
    except (KnownError, InputError, OSError):
        return False
    return True


# -- reading a backup from anywhere ---------------------------------------------------------------


def _refuse(path: Path, why: str, why_ja: str | None = None) -> InputError:
    return InputError(
        f"{path.name} is not a usable zebkb backup: {why}",
        message_ja=f"{path.name} は zebkb のバックアップとして使えません: {why_ja or why}",
    )


@contextlib.contextmanager
def open_backup(path: Path) -> Iterator[tuple[zipfile.ZipFile, dict[str, Any]]]:
    """Open and check a backup zip's structure and manifest (InputError when refused)."""
    from zebkb import strictjson

    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"{path}: backup file not found", message_ja=f"{path}: バックアップがありません"
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(path, f"not a zip file ({exc})", "zip ファイルではありません") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _refuse(path, "too many entries")
        names: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if name in names:
                raise _refuse(path, f"entry {name[:80]!r} appears twice")
            if name not in (MANIFEST, DB_FILE):
                m = _ATTACHMENT_RE.fullmatch(name)
                if not m or m.group(1) != m.group(2)[:2]:
                    raise _refuse(path, f"unexpected entry {name[:80]!r}")
            if info.flag_bits & 0x1:
                raise _refuse(path, "encrypted entries")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise _refuse(path, f"entry {name[:80]!r} expands implausibly (zip bomb?)")
            names[name] = info
        for required in (MANIFEST, DB_FILE):
            if required not in names:
                raise _refuse(path, f"{required} is missing", f"{required} がありません")
        if names[MANIFEST].file_size > MAX_MANIFEST:
            raise _refuse(path, "manifest.json is too large")
        if names[DB_FILE].file_size > MAX_DATABASE:
            raise _refuse(path, "the database is too large")
        if sum(i.file_size for i in infos) > MAX_TOTAL:
            raise _refuse(path, "larger than any knowledge base zebkb restores")
        try:
            manifest = strictjson.loads(_read_bounded(zf, names[MANIFEST], MAX_MANIFEST))
        except (strictjson.StrictJSONError, *_DAMAGED, OSError) as exc:
            raise _refuse(path, f"manifest.json: {exc}") from None
        _check_manifest(path, manifest, names)
        yield zf, manifest


def _read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise zipfile.BadZipFile("entry larger than declared")
    return data


def _check_manifest(path: Path, manifest: Any, names: dict[str, zipfile.ZipInfo]) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(path, "manifest.json does not describe a zebkb backup")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(path, "manifest.json has no valid format_version")
    if version > FORMAT_VERSION:
        raise _refuse(path, f"made by a newer zebkb (backup format {version}); update zebkb")
    schema = manifest.get("schema_version")
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise _refuse(path, "manifest.json has no valid schema_version")
    if schema > SCHEMA_VERSION:
        raise _refuse(path, f"made by a newer zebkb (database schema {schema}); update zebkb")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise _refuse(path, "manifest.json has no file list")
    for digest, size in files.items():
        if not SHA256_RE.fullmatch(digest) or not isinstance(size, int) or size < 0:
            raise _refuse(path, f"manifest.json lists a bad file entry {digest[:80]!r}")
        info = names.get(f"attachments/{digest[:2]}/{digest}")
        if info is None:
            raise _refuse(path, f"attachment {digest[:12]}… is listed but missing")
        if info.file_size != size:
            raise _refuse(path, f"attachment {digest[:12]}… has the wrong size")
    stored = sum(1 for n in names if n.startswith("attachments/"))
    if stored != len(files):
        raise _refuse(path, "holds attachment files its manifest does not list")
    for key in ("created_at", "label"):
        if not isinstance(manifest.get(key), str):
            raise _refuse(path, f"manifest.json has no valid {key}")
    if not isinstance(manifest.get("records"), int) or not isinstance(
        manifest.get("includes_files"), bool
    ):
        raise _refuse(path, "manifest.json has no valid record count")


def _extract(zf: zipfile.ZipFile, name: str, dest: Path, size: int) -> None:
    written = 0
    with zf.open(name) as src, open(dest, "wb") as out:
        while chunk := src.read(_COPY_CHUNK):
            written += len(chunk)
            if written > size:
                raise zipfile.BadZipFile(f"{name} is larger than declared")
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def _check_database(path: Path, db: Path) -> int:
    """A copied-out backup database must be a zebkb database we can open; its record count."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise _refuse(path, f"the database is damaged ({check[0][0]})")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _refuse(path, f"database schema {version} is newer than this zebkb")
            return int(conn.execute("SELECT count(*) FROM record").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _refuse(path, f"the database cannot be read ({exc})") from None


def inspect_backup(path: Path) -> BackupInfo:
    """Check a backup fully (structure, manifest, database) without changing anything."""
    path = Path(path)
    with open_backup(path) as (zf, manifest), tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / DB_FILE
        info = zf.getinfo(DB_FILE)
        try:
            _extract(zf, DB_FILE, db, info.file_size)
        except (*_DAMAGED, OSError) as exc:
            raise _refuse(path, f"the database cannot be read ({exc})") from None
        records = _check_database(path, db)
        return _info(path, manifest, records)


def describe_backup(path: Path) -> BackupInfo:
    """What a backup's manifest says (structure checked, database not opened)."""
    with open_backup(Path(path)) as (_zf, manifest):
        return _info(Path(path), manifest, manifest["records"])


def _info(path: Path, manifest: dict[str, Any], records: int) -> BackupInfo:
    return BackupInfo(
        path=path,
        created_at=manifest["created_at"],
        records=records,
        files=len(manifest["files"]),
        includes_files=manifest["includes_files"],
        label=manifest["label"],
        size=path.stat().st_size,
    )


# -- restoring ------------------------------------------------------------------------------------


def _intact(path: Path, sha256: str, size: int) -> bool:
    """Whether the stored attachment ``path`` holds exactly the bytes named by its hash."""
    try:
        if path.stat().st_size != size:
            return False
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == sha256


def restore_backup(
    kb: Facade,
    path: Path,
    *,
    keep: int = DEFAULT_KEEP,
    progress: Progress | None = None,
) -> RestoreResult:
    """Bring a backup back in place of the current knowledge base.

    Order matters for crash safety: the current state is set aside as a backup
    first, the backup's attachment files are added (adding a content-addressed
    file never harms), and only then is the database replaced in one SQLite
    transaction. The search index is rebuilt last; until then it is merely stale.
    """
    path = Path(path).resolve()
    if kb.team:
        raise team_backup_error()
    kb.claim_writer()
    folder = backup_dir(kb.data_dir)
    try:
        folder.mkdir(exist_ok=True)
        sweep_backup_leftovers(kb.data_dir)
        work = Path(tempfile.mkdtemp(prefix=temp_prefix(".restore-"), dir=folder))
    except OSError as exc:
        raise disk_error(exc, "the restored database", folder) from None
    try:
        with open_backup(path) as (zf, manifest):
            db = work / DB_FILE
            try:
                _extract(zf, DB_FILE, db, zf.getinfo(DB_FILE).file_size)
            except _DAMAGED as exc:
                raise _refuse(path, f"the database cannot be read ({exc})") from None
            records = _check_database(path, db)
            live = kb.data_dir / DB_FILE
            damage = database_damage(live) if live.exists() else None
            if damage is None:
                set_aside = create_backup(
                    kb, keep=keep, include_files=False, label="before-restore"
                ).path
            else:
                # A damaged database cannot be backed up; its files are kept as they are.
                set_aside = _keep_damaged(kb)
            added = 0
            # A file already there is taken only if its bytes are the ones named:
            # the backup holds good copies of files damaged since (zebkb check --deep).
            wanted = [
                d
                for d in manifest["files"]
                if not _intact(kb.files.path(d), d, manifest["files"][d])
            ]
            for digest in wanted:
                # Gone first: a damaged file of the right size would otherwise be kept.
                with contextlib.suppress(FileNotFoundError):
                    kb.files.path(digest).unlink()
            for done, digest in enumerate(wanted, start=1):
                try:
                    with zf.open(f"attachments/{digest[:2]}/{digest}") as stream:
                        kb.files.put_stream(stream, digest, manifest["files"][digest])
                except _DAMAGED as exc:
                    raise _refuse(
                        path, f"attachment {digest[:12]}… cannot be read ({exc})"
                    ) from None
                added += 1
                if progress is not None:
                    progress(done, len(wanted) + 1)
            # A new change number, above both histories, so no index built for either
            # database can pass for current after the swap.
            _bump_change_seq(db, _change_seq_so_far(kb, damaged=damage is not None))
            # Pooled connections go first; the writer lock stays held throughout.
            kb.dispose_engines()
            if damage is None:
                src = sqlite3.connect(db)
                try:
                    dst = sqlite3.connect(live, timeout=30)
                    try:
                        src.backup(dst)
                    finally:
                        dst.close()
                finally:
                    src.close()
            else:
                _replace_damaged(live, db)
            kb.migrate()
        shutil.rmtree(work, ignore_errors=True)
        kb.reindex()
        problems = kb.check()
    except OSError as exc:
        raise disk_error(exc, "the restored knowledge base", kb.data_dir) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if progress is not None:
        progress(1, 1)
    kb.publish_everything()  # another database: every pane may differ
    return RestoreResult(
        restored=_info(path, manifest, records),
        set_aside=set_aside,
        files_added=added,
        problems=problems,
    )


def _change_seq_so_far(kb: Facade, *, damaged: bool) -> int:
    """The highest change number the live database or its index has reached."""
    if not damaged:
        return kb.change_state()
    # A damaged database may not say; the index knows the last state it reflected.
    seq = 0
    with contextlib.suppress(Exception):
        seq = kb.change_state()
    with contextlib.suppress(Exception):
        seq = max(seq, kb.index.indexed_state() or 0)
    return seq


def _keep_damaged(kb: Facade) -> Path:
    """Copy a damaged database (and its WAL) aside as ``backups/damaged-<time>.sqlite3``."""
    folder = backup_dir(kb.data_dir)
    stamp = kb.clock().strftime("%Y%m%d-%H%M%S")
    n = 1
    while (aside := folder / f"damaged-{stamp}{'' if n == 1 else f'-{n}'}.sqlite3").exists():
        n += 1
    live = kb.data_dir / DB_FILE
    for suffix in ("", "-wal"):
        source = live.with_name(live.name + suffix)
        if source.exists():
            target = aside.with_name(aside.name + suffix)
            shutil.copyfile(source, target)
            with open(target, "rb+") as fh:
                os.fsync(fh.fileno())
    fsync_dir(folder)
    return aside


def _replace_damaged(live: Path, db: Path) -> None:
    """Put a checked database file in place of a damaged one (no SQLite can open the latter).

    The damaged file's WAL and shared memory go first: SQLite would otherwise
    replay the old WAL onto the new file.
    """
    with open(db, "rb+") as fh:
        os.fsync(fh.fileno())
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            live.with_name(live.name + suffix).unlink()
    os.replace(db, live)
    fsync_dir(live.parent)


def _bump_change_seq(db: Path, live_seq: int) -> None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'change_seq'").fetchone()
        seq = max(live_seq, int(row[0]) if row else 0) + 1
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('change_seq', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(seq),),
        )
        conn.commit()
    finally:
        conn.close()


# -- the way out of a damaged database ---------------------------------------------------------


def damaged_database(
    data_dir: Path, detail: str, *, prefix: str = "", prefix_ja: str = ""
) -> DamagedDatabaseError:
    """The one line every command says about a damaged database: what, and the way out.

    The way out is the newest backup in the folder, named with the command that
    brings it back (the window's File menu has the same action).
    """
    data_dir = Path(data_dir).absolute()
    detail = detail.splitlines()[0][:120] if detail else "damaged"
    backup = newest_restorable(data_dir)
    if backup is not None:
        command = f"zebkb --data-dir {_quote(data_dir)} restore-backup {_quote(backup)}"
        way_en = f"restore the latest backup: {command}"
        way_ja = f"最新のバックアップから復元してください: {command}（ウィンドウでは ファイル → バックアップから復元）"
    else:
        way_en = (
            f"there is no usable backup in {data_dir / 'backups'}; keep a copy of the "
            "folder and ask your IT staff"
        )
        way_ja = (
            f"復元に使えるバックアップが {data_dir / 'backups'} にありません。"
            "フォルダのコピーを取って情報システム担当者に相談してください"
        )
    return DamagedDatabaseError(
        f"{prefix}the database of the knowledge base in {data_dir} is damaged ({detail}); {way_en}",
        message_ja=f"{prefix_ja}データベースが壊れています（{data_dir}、{detail}）。{way_ja}",
    )


def _quote(path: Path) -> str:
    text = str(path)
    if not any(c.isspace() or c in "'\"$&;|()<>*?`" for c in text):
        return text
    if os.name == "nt":
        return f'"{text}"'
    import shlex

    return shlex.quote(text)
