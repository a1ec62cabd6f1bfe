"""Attachment files, content-addressed by SHA-256 and written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from zebkb.errors import InputError, KnownError

CHUNK = 1 << 20
SHA256_RE = re.compile(r"[0-9a-f]{64}")


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def make_shareable(path: Path | str) -> None:
    """Give a file meant for others (a bundle, a PDF) ordinary permissions.

    mkstemp creates files readable by their owner only; a bundle copied to a
    shared folder or a PDF handed round must be readable like any document.
    """
    os.chmod(path, 0o644)


def fsync_dir(path: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
        self, stream: BinaryIO, sha256: str | None = None, size: int | None = None
    ) -> tuple[str, int]:
        """Stream bytes in under a temporary name, check them, fsync, rename.

        With ``sha256``/``size`` given, bytes that do not match are refused and
        nothing is kept.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        written = 0
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    written += len(chunk)
                    if size is not None and written > size:
                        raise InputError(f"attachment {sha256}: more bytes than its stated size")
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            actual = digest.hexdigest()
            if sha256 is not None and actual != sha256:
                raise InputError(f"attachment {sha256}: content does not match its SHA-256")
            if size is not None and written != size:
                raise InputError(f"attachment {sha256}: {written} bytes, stated size {size}")
            final = self.path(actual)
            if final.is_file() and final.stat().st_size == written:
                tmp.unlink()
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, final)
                fsync_dir(final.parent)
            return actual, written
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise KnownError(f"cannot write attachment into {self.root}: {exc.strerror}") from None
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def iter_files(self) -> Iterator[tuple[str, Path]]:
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                for f in sorted(sub.iterdir()):
                    if SHA256_RE.fullmatch(f.name):
                        yield f.name, f

    def copy_to(self, sha256: str, dest: Path) -> None:
        shutil.copyfile(self.path(sha256), dest)
