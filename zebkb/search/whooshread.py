"""Opening a segment's terms and postings without copying them (the codec's reading side).

Whoosh maps a compound segment file and hands each part out as a
``BufferFile``, whose constructor wraps the part in ``BytesIO``, a copy: opening
an index read and copied its whole term table and every posting list (21 MB at
10,000 records) before the first query, from disk when the file was not cached.
Here the part stays a view of the mapped file, read where a query looks; its
bytes are the same, so are the answers.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import OverlayStorage
from whoosh.filedb.structfile import BufferFile


class _ViewReader:
    """The read side of a file object over a memoryview, without a copy of it."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        view = self._view
        limit = len(view) if size is None or size < 0 else min(len(view), self._pos + size)
        # A line ends after b"\n"; searched in slices, not byte by byte.
        end = self._pos
        while end < limit:
            chunk = bytes(view[end : min(limit, end + 256)])
            found = chunk.find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end += len(chunk)
        return self.read(end - self._pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view = memoryview(b"")


class _ViewFile(BufferFile):  # type: ignore[misc]  # Whoosh has no type hints
    """A `BufferFile` whose file object reads the buffer in place."""

    def __init__(self, buf: memoryview, name: str | None = None) -> None:
        self._buf = buf
        self._name = name
        self.file = _ViewReader(buf)
        self.onclose = None
        self.is_real = False
        self.is_closed = False


def _open(storage: Any, name: str) -> Any:
    # A segment reader's storage is the compound file over the index folder (OverlayStorage).
    compound = storage.a if isinstance(storage, OverlayStorage) else storage
    source = getattr(compound, "_source", None) if isinstance(compound, CompoundStorage) else None
    if source is None or compound.is_closed or not compound.file_exists(name):
        return storage.open_file(name)  # not mapped: Whoosh's own way
    offset, length = compound.range(name)
    return _ViewFile(memoryview(source)[offset : offset + length], name=name)


def terms_reader(codec: Any, storage: Any, segment: Any) -> Any:
    """`W3Codec.terms_reader`, with the terms and postings read in place."""
    name = segment.make_filename(codec.TERMS_EXT)
    length = storage.file_length(name)
    return W3TermsReader(
        codec, _open(storage, name), length, _open(storage, segment.make_filename(codec.POSTS_EXT))
    )
