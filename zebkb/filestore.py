"""Attachment files, content-addressed by SHA-256 and written atomically.

Files on disk only (no database, no Qt): the service keeps its attachments here,
and the bundle copier (zebkb/bundle/copier.py) writes an import's files here from
a helper process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from zebkb.errors import InputError, KnownError, os_reason
from zebkb.tempfiles import fsync_dir, hold_temp, sweep_leftovers, temp_prefix

CHUNK = 1 << 20


class ContentMismatch(InputError):
    """Bytes offered under a SHA-256 or size they do not have."""


SHA256_RE = re.compile(r"[0-9a-f]{64}")
# A file being written into the store: its writer's pid (older zebkb: none), a random part.
_INCOMING_RE = re.compile(r"\.incoming-(?:(?P<pid>\d+)-)?[a-z0-9_]+")


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@dataclass
class Staged:
    """A file written under a temporary name and checked, not yet synced or in place."""

    tmp: Path
    fd: int | None  # open until synced
    sha256: str
    size: int


class AttachmentStore:
    """Files live at ``root/ab/abcdef…``; the same bytes are stored once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if not SHA256_RE.fullmatch(sha256):
            raise InputError(f"not a SHA-256 file name: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_file(self, source: Path) -> tuple[str, int]:
        """Copy a file in; returns its SHA-256 and size."""
        try:
            with source.open("rb") as fh:
                return self.put_stream(fh)
        except FileNotFoundError:
            raise InputError(f"attachment file not found: {source}") from None
        except IsADirectoryError:
            raise InputError(f"attachment is a folder, not a file: {source}") from None
        except PermissionError:
            raise InputError(f"attachment file cannot be read: {source}") from None

    def put_stream(
        self, stream: IO[bytes], sha256: str | None = None, size: int | None = None
    ) -> tuple[str, int]:
        """Write bytes under a temporary name, check them, fsync, rename; returns SHA-256 and size.

        With ``sha256``/``size`` given, bytes that do not match raise
        `ContentMismatch` and nothing is kept.
        """
        staged = self.stage(iter(lambda: stream.read(CHUNK), b""), sha256, size)
        self.sync(staged)
        self.place(staged)
        return staged.sha256, staged.size

    def stage(
        self, chunks: Iterable[bytes], sha256: str | None = None, size: int | None = None
    ) -> Staged:
        """Write and check bytes under a temporary name; `sync` and `place` finish the job.

        Three steps so that an import can write the next file while the disk
        syncs this one, and put its files in place only once all of them
        have been checked (bundle/copier.py).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        written = 0
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(".incoming-"), dir=self.root)
        hold_temp(fd)  # until synced; the pid in the name says more (zebkb/tempfiles.py)
        staged = Staged(Path(tmp_name), fd, "", 0)
        try:
            with open(fd, "wb", closefd=False) as out:
                for chunk in chunks:
                    digest.update(chunk)
                    written += len(chunk)
                    if size is not None and written > size:
                        raise ContentMismatch(
                            f"attachment {sha256}: more bytes than its stated size"
                        )
                    out.write(chunk)
            actual = digest.hexdigest()
            if sha256 is not None and actual != sha256:
                raise ContentMismatch(f"attachment {sha256}: content does not match its SHA-256")
            if size is not None and written != size:
                raise ContentMismatch(f"attachment {sha256}: {written} bytes, stated size {size}")
        except OSError as exc:
            self.discard(staged)
            raise self._write_error(exc) from None
        except BaseException:
            self.discard(staged)
            raise
        staged.sha256, staged.size = actual, written
        return staged

    def sync(self, staged: Staged) -> None:
        """fsync a staged file's bytes to disk and close it (it keeps its temporary name)."""
        fd, staged.fd = staged.fd, None
        if fd is None:
            return
        try:
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.discard(staged)
            raise self._write_error(exc) from None

    def place(self, staged: Staged, *, synced_dirs: set[Path] | None = None) -> None:
        """Move a synced file to its name (dropped if that file is there already).

        Given ``synced_dirs``, the folder the file lands in is added to it
        instead of being fsynced at once: the caller fsyncs each folder once
        (`sync_dirs`) before anything refers to the files — for a thousand
        files, a quarter of the fsyncs.
        """
        if staged.fd is not None:
            raise ValueError("place() before sync()")
        try:
            final = self.path(staged.sha256)
            if final.is_file() and final.stat().st_size == staged.size:
                staged.tmp.unlink()
                return
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(staged.tmp, final)
            except PermissionError:
                # Windows refuses to replace a file another program has open: a copy
                # placed meanwhile by another writer (the same bytes) is the one kept.
                if final.is_file() and final.stat().st_size == staged.size:
                    staged.tmp.unlink()
                    return
                raise
            if synced_dirs is None:
                fsync_dir(final.parent)
            else:
                synced_dirs.update((final.parent, self.root))
        except OSError as exc:
            self.discard(staged)
            raise self._write_error(exc) from None

    def discard(self, staged: Staged) -> None:
        """Drop a staged file that will not be placed."""
        fd, staged.fd = staged.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            staged.tmp.unlink()

    def _write_error(self, exc: OSError) -> KnownError:
        return KnownError(
            f"cannot write attachment into {self.root}: {exc.strerror}",
            message_ja=f"添付ファイルを {self.root} に書き込めません（{os_reason(exc, 'ja')}）",
        )

    def remove_partials(self) -> list[Path]:
        """Remove temporary files that writers killed half-way left behind.

        Only files whose writing process is gone (zebkb/tempfiles.py): a helper
        process still copying, or another thread here, keeps its files.
        """
        if not self.root.is_dir():
            return []
        return sweep_leftovers(self.root, _INCOMING_RE)

    def sync_dirs(self, folders: set[Path]) -> None:
        """fsync folders collected by `place`, subfolders before the root that lists them."""
        try:
            for folder in sorted(folders, key=lambda f: f == self.root):
                fsync_dir(folder)
        except OSError as exc:
            raise self._write_error(exc) from None

    def iter_files(self) -> Iterator[tuple[str, Path]]:
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                for f in sorted(sub.iterdir()):
                    if SHA256_RE.fullmatch(f.name):
                        yield f.name, f
