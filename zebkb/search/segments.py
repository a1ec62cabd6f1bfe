"""Reading the word index's Whoosh segments without importing Whoosh (the search path).

Whoosh writes the index (zebkb/search/whooshfield.py); a search only looks terms
up and reads their posting lists. Importing Whoosh and opening its reader was
about a third of what a new `zebkb search` process did before answering, so the
few formats a search reads are read here, from the files as Whoosh's whoosh3
codec writes them:

- the table of contents ``_MAIN_<generation>.toc``: a few architecture checks,
  the pickled schema (skipped), and the pickled list of segments: each one's id,
  number of documents and deleted docnums;
- each segment's compound file ``MAIN_<id>.seg``: its parts at offsets a pickled
  directory at the end gives (parts are separate files when not compound);
- the term table ``.trm``: Whoosh's hash file (CDB-like: 256 hash tables of
  (hash, position) slots), each key a field number and the term's bytes, each
  value the term's statistics and the extent of its posting list;
- the posting lists ``.pst``: blocks, each a length (negative for the last), a
  pickled info tuple and a pickled (docnum deltas, weights, values) tuple,
  compressed with zlib when the info says so.

Pickles are loaded with only the classes these files hold, as stand-ins: nothing
else is imported or called. Anything not as described (a truncated file, a
damaged table of contents) raises `IndexFormatError` (or the `OSError` met), which
opening the index turns into the same "damaged" notice as before (engine.py).
Tests compare every term's postings with Whoosh's own reader
(tests/search/test_search_segments.py).
"""

from __future__ import annotations

import mmap
import os
import zlib
from collections import defaultdict
from io import BytesIO
from itertools import accumulate, repeat
from pathlib import Path
from struct import Struct
from struct import error as StructError
from typing import Any

# The schema's version: another one means another index (bump to make old indexes
# rebuild). Defined here, not in whooshfield.py, so that reading needs no Whoosh.
# 3: bigrams of runs between whitespace, punctuation included (zebkb/search/normalize.py).
SCHEMA_VERSION = 3
CONTENT = "content"
UID = "uid"
# Marks a bigram found only in a document's variant-folded text (zebkb/search/variants.py),
# not in its text as written. Bigrams hold no whitespace, so no literal term starts so.
VARIANT = " "

INDEX_NAME = "MAIN"
_TOC_PREFIX = f"_{INDEX_NAME}_"
_TOC_VERSION = -111  # Whoosh's _CURRENT_TOC_VERSION
_BLOCK_MAGIC = b"W3Bl"  # at the start of every posting list
_HASH_MAGIC = b"HSH3"  # at the start of a term table

_INT = Struct(">i")
_LONG = Struct(">q")
_USHORT = Struct(">H")
_LENGTHS = Struct(">ii")  # a hash file entry: key and value lengths
_SLOT = Struct(">Iq")  # a hash table slot: the key's hash, the entry's position
_TABLE = Struct(">qi")  # the directory: each hash table's position and slots
_DIRECTORY = 256 * _TABLE.size
_TERM_INFO = Struct(">BfIBBfII")  # flags, weight, doc frequency, lengths, max weight, ids
_EXTENT = Struct(">qi")  # after a term's info: its posting list's offset and length
_COMPOUND = Struct(">qi")  # a compound file's start: its directory's position and length


class IndexFormatError(ValueError):
    """An index file is not as Whoosh writes it (damaged, or not an index)."""


class EmptyIndexError(IndexFormatError):
    """No table of contents: the word index has no files (named as Whoosh names it, which
    zebkb/search/faults.py says in words)."""


# ----- pickles: only what these files hold


class _Loaded:
    """A stand-in for a pickled Whoosh object: its attributes, and nothing it could run."""


def _latin1(text: str, encoding: str = "latin1") -> bytes:
    """How a protocol 2 pickle made in Python 3 holds bytes: _codecs.encode(text, "latin1")."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise IndexFormatError("unexpected encoding in an index file")
    return text.encode("latin-1")


_ALLOWED: dict[tuple[str, str], Any] = {
    ("_codecs", "encode"): _latin1,
    ("whoosh.codec.whoosh3", "W3Segment"): _Loaded,
    ("whoosh.codec.whoosh3", "W3Codec"): _Loaded,
    ("zebkb.search.whooshfield", "NoLenW3Codec"): _Loaded,
    ("collections", "defaultdict"): defaultdict,
    ("builtins", "int"): int,
    ("builtins", "float"): float,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
}


try:  # the C unpickler alone, without the pickle module (and what it imports)
    from _pickle import Unpickler as _BaseUnpickler
except ImportError:
    from pickle import Unpickler as _BaseUnpickler


class _Unpickler(_BaseUnpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise IndexFormatError(f"unexpected {module}.{name} in an index file")
        return found


def _load(source: BytesIO) -> Any:
    """The next pickle in `source`, whatever is wrong with it as IndexFormatError."""
    try:
        return _Unpickler(source).load()
    except IndexFormatError:
        raise
    except Exception as e:  # a damaged pickle raises nearly anything
        raise IndexFormatError(f"damaged data in an index file: {e}") from None


def _loads(data: bytes) -> Any:
    return _load(BytesIO(data))


# ----- the table of contents


def _toc_generations(folder: Path) -> list[int]:
    """The generations of the tables of contents in `folder`, newest first."""
    found = []
    for name in os.listdir(folder):
        if name.startswith(_TOC_PREFIX) and name.endswith(".toc"):
            number = name[len(_TOC_PREFIX) : -len(".toc")]
            if number.isascii() and number.isdigit():
                found.append(int(number))
    return sorted(found, reverse=True)


def _varint(source: BytesIO) -> int:
    value = shift = 0
    while True:
        byte = source.read(1)
        if not byte:
            raise IndexFormatError("table of contents cut short")
        value |= (byte[0] & 0x7F) << shift
        if byte[0] < 0x80:
            return value
        shift += 7
        if shift > 63:
            raise IndexFormatError("damaged number in the table of contents")


def _int(source: BytesIO) -> int:
    data = source.read(_INT.size)
    if len(data) != _INT.size:
        raise IndexFormatError("table of contents cut short")
    value: int = _INT.unpack(data)[0]
    return value


def read_toc(folder: Path, generation: int) -> list[Any]:
    """The segments (pickled stand-ins) of the table of contents of `generation`."""
    with open(folder / f"{_TOC_PREFIX}{generation}.toc", "rb") as f:
        source = BytesIO(f.read())
    # The sizes of int, long and float, and a number that reads back only in its byte order.
    if [_varint(source) for _ in range(3)] != [4, 8, 4] or _int(source) != -12345:
        raise IndexFormatError("table of contents from another kind of computer, or damaged")
    if _int(source) != _TOC_VERSION:
        raise IndexFormatError("table of contents in another format")
    for _ in range(3):  # Whoosh's release
        _varint(source)
    source.seek(_varint(source), os.SEEK_CUR)  # the schema (SCHEMA_VERSION says which it is)
    if _int(source) != generation:
        raise IndexFormatError("table of contents names another generation")
    _int(source)  # unused
    segments = _load(source)
    if not isinstance(segments, list) or not all(isinstance(s, _Loaded) for s in segments):
        raise IndexFormatError("table of contents lists no segments")
    return segments


# ----- segments


class _Part:
    """One file of a segment: a range of a mapped file."""

    __slots__ = ("buf", "end", "start")

    def __init__(self, buf: Any, start: int, length: int) -> None:
        if start < 0 or length < 0 or start + length > len(buf):
            raise IndexFormatError("segment file cut short")
        self.buf = buf
        self.start = start
        self.end = start + length

    def unpack(self, st: Struct, at: int) -> tuple[Any, ...]:
        """`st` unpacked at offset `at` of this part."""
        pos = self.start + at
        if at < 0 or pos + st.size > self.end:
            raise IndexFormatError("index file cut short")
        return st.unpack_from(self.buf, pos)

    def get(self, at: int, length: int) -> bytes:
        pos = self.start + at
        if at < 0 or length < 0 or pos + length > self.end:
            raise IndexFormatError("index file cut short")
        return bytes(self.buf[pos : pos + length])


def _map(path: Path) -> Any:
    """The file at `path`, mapped (read only)."""
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return b""
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


try:  # CPython's own MD5, without loading OpenSSL (hashlib's import) at start-up
    from _md5 import md5 as _md5  # type: ignore[import-not-found, unused-ignore]
except ImportError:
    from hashlib import md5 as _md5


def _md5_hash(key: bytes) -> int:
    # Whoosh's md5_hash: the digest's low 32 bits.
    return int.from_bytes(_md5(key).digest()[-4:], "big")


def _crc_hash(key: bytes) -> int:
    return zlib.crc32(key) & 0xFFFFFFFF


class _TermTable:
    """A segment's term table (Whoosh's HashReader over the .trm part)."""

    def __init__(self, part: _Part) -> None:
        self.part = part
        length = part.end - part.start
        if part.get(0, 4) != _HASH_MAGIC:
            raise IndexFormatError("term table without its header")
        hashes = {0: _md5_hash, 1: _crc_hash}  # Whoosh's hash types (2 is broken in Python 3)
        kind = part.get(4, 1)[0]
        if kind not in hashes:
            raise IndexFormatError("term table hashed in an unknown way")
        self.hash = hashes[kind]
        end = length - _INT.size
        (extras_length,) = part.unpack(_INT, end)
        extras = end - extras_length
        self.directory = extras - _DIRECTORY
        if extras_length < 0 or self.directory < 9:
            raise IndexFormatError("term table cut short")
        info = _loads(part.get(extras, extras_length))
        fieldmap = info.get("fieldmap") if isinstance(info, dict) else None
        if not isinstance(fieldmap, dict):
            raise IndexFormatError("term table without its fields")
        self.fields: dict[str, int] = fieldmap

    def find(self, key: bytes) -> tuple[int, int] | None:
        """(position, length) of `key`'s value, or None when the table lacks it."""
        part = self.part
        h = self.hash(key)
        start, slots = part.unpack(_TABLE, self.directory + (h & 255) * _TABLE.size)
        if not slots:
            return None
        size = _SLOT.size
        slot = (h >> 8) % slots
        for _ in range(slots):
            found, pos = part.unpack(_SLOT, start + slot * size)
            if not pos:
                return None
            if found == h:
                keylen, datalen = part.unpack(_LENGTHS, pos)
                at = pos + _LENGTHS.size
                if keylen == len(key) and part.get(at, keylen) == key:
                    return at + keylen, datalen
            slot = (slot + 1) % slots
        return None


class _Listed:
    """A segment as the table of contents lists it."""

    def __init__(self, loaded: _Loaded) -> None:
        state = vars(loaded)
        name = state.get("name")
        if name is None:
            name = f"{state.get('indexname')}_{state.get('segid')}"
        doccount = state.get("_doccount")
        deleted = state.get("_deleted") or ()
        if (
            not isinstance(name, str)
            or "/" in name
            or "\\" in name
            or not isinstance(doccount, int)
            or doccount < 0
            or not all(isinstance(d, int) and 0 <= d < doccount for d in deleted)
        ):
            raise IndexFormatError("damaged segment in the table of contents")
        self.id = name
        self.doc_count_all = doccount
        self.deleted = frozenset(deleted)
        self.compound = bool(state.get("compound", False))


class Segment:
    """One segment: its documents, deleted docnums, and content terms' postings."""

    def __init__(self, folder: Path, listed: _Listed) -> None:
        name = self.id = listed.id
        self.doc_count_all = listed.doc_count_all
        self.deleted = listed.deleted
        self._maps: list[Any] = []
        if listed.compound:
            buf = self._mapped(folder / f"{name}.seg")
            header = _Part(buf, 0, len(buf))
            dirpos, _dirlength = header.unpack(_COMPOUND, 0)
            if not 12 <= dirpos <= len(buf):
                raise IndexFormatError("segment file cut short")
            directory = _loads(bytes(buf[dirpos:]))
            if not isinstance(directory, dict):
                raise IndexFormatError("segment file without its directory")

            def part(ext: str) -> _Part:
                entry = directory.get(f"{name}{ext}")
                if not isinstance(entry, dict):
                    raise IndexFormatError(f"segment file without its {ext} part")
                offset, length = entry.get("offset"), entry.get("length")
                if not isinstance(offset, int) or not isinstance(length, int):
                    raise IndexFormatError("segment file with a damaged directory")
                return _Part(buf, offset, length)
        else:

            def part(ext: str) -> _Part:
                buf = self._mapped(folder / f"{name}{ext}")
                return _Part(buf, 0, len(buf))

        self.terms = _TermTable(part(".trm"))
        self.postings = part(".pst")
        self._content = self.terms.fields.get(CONTENT)

    def _mapped(self, path: Path) -> Any:
        buf = _map(path)
        self._maps.append(buf)
        return buf

    def close(self) -> None:
        for buf in self._maps:
            if isinstance(buf, mmap.mmap):
                buf.close()
        self._maps.clear()

    def _info(self, term: bytes) -> tuple[tuple[Any, ...], int, int] | None:
        """The content term's info tuple (_TERM_INFO), and where its value starts and its
        length."""
        if self._content is None:
            return None
        found = self.terms.find(_USHORT.pack(self._content) + term)
        if found is None:
            return None
        pos, length = found
        if length < _TERM_INFO.size:
            raise IndexFormatError("damaged term in the term table")
        return self.terms.part.unpack(_TERM_INFO, pos), pos, length

    def doc_frequency(self, term: bytes) -> int:
        """How many of the segment's documents hold the content term (deleted ones too)."""
        found = self._info(term)
        return 0 if found is None else int(found[0][2])

    def read(self, term: bytes, base: int = 0, *, counts: bool) -> tuple[list[int], list[int]]:
        """The content term's docnums (plus `base`), and with `counts` its count in each
        (else an empty list), in docnum order; deleted docnums included."""
        found = self._info(term)
        if found is None:
            return [], []
        info, pos, length = found
        table = self.terms.part
        if info[0] or length < _TERM_INFO.size + _EXTENT.size:
            # Postings inlined in the table: Whoosh 2.7's writer fails before writing any.
            raise IndexFormatError("damaged term in the term table")
        offset, length = table.unpack(_EXTENT, pos + _TERM_INFO.size)
        return read_blocks(self.postings.get(offset, length), base, counts=counts)


def read_blocks(raw: bytes, base: int, *, counts: bool) -> tuple[list[int], list[int]]:
    """A posting list's docnums (plus `base`) and, with `counts`, weights as ints."""
    if raw[:4] != _BLOCK_MAGIC:
        raise IndexFormatError("posting list without its header")
    docs: list[int] = []
    weights: list[int] = []
    source = BytesIO(raw)
    position = 4
    try:
        while True:
            (size,) = _INT.unpack_from(raw, position)
            start = position + _INT.size
            end = start + abs(size)
            if end > len(raw):
                raise IndexFormatError("posting list cut short")
            source.seek(start)
            info = _load(source)
            count, level = info[0], info[3]
            data = raw[source.tell() : end]
            deltas, block_weights, _values = _loads(zlib.decompress(data) if level else data)
            if len(deltas) != count:
                raise IndexFormatError("damaged posting list")
            # A block's first delta is its first docnum: summed from `base`, which is dropped.
            mark = len(docs)
            docs.extend(accumulate(deltas, initial=base))
            del docs[mark]
            if counts:
                if block_weights is None:
                    weights.extend(repeat(1, count))
                elif isinstance(block_weights, float):
                    weights.extend(repeat(int(block_weights), count))
                else:
                    weights.extend(map(int, block_weights))
            if size < 0:
                return docs, weights
            position = end
    except IndexFormatError:
        raise
    except (StructError, zlib.error, TypeError, ValueError, IndexError, KeyError) as e:
        raise IndexFormatError(f"damaged posting list: {e}") from None


class IndexReader:
    """The newest generation of a Whoosh index folder, read for searching."""

    def __init__(self, folder: Path, *, reuse: IndexReader | None = None) -> None:
        """`reuse`: the folder's reader before a change; its segments still listed alike
        are kept open (a segment's files never change, only its deletions), the others
        closed. On failure it is left as it was."""
        self.folder = Path(folder)
        self.segments: list[Segment] = []
        kept = {s.id: s for s in reuse.segments} if reuse is not None else {}
        # A writer in another process may remove a segment between our reading the table of
        # contents and the segment: a newer table of contents then exists; read that one.
        for _attempt in range(10):
            generations = _toc_generations(self.folder)
            if not generations:
                raise EmptyIndexError(f"no table of contents in {self.folder}")
            self.generation = generations[0]
            try:
                self._open([_Listed(s) for s in read_toc(self.folder, self.generation)], kept)
                break
            except FileNotFoundError:
                if _toc_generations(self.folder)[:1] == [self.generation]:
                    raise
        else:
            raise IndexFormatError("the index changed while it was being opened")
        if reuse is not None:
            used = set(map(id, self.segments))
            for segment in reuse.segments:
                if id(segment) not in used:
                    segment.close()
            reuse.segments = []  # this reader's now
        # Each segment's first docnum: they follow one another in the table's order.
        bases = list(accumulate((s.doc_count_all for s in self.segments), initial=0))
        self.leaves = list(zip(self.segments, bases[:-1], strict=True))

    def _open(self, listed: list[_Listed], kept: dict[str, Segment]) -> None:
        opened: list[Segment] = []
        segments = []
        try:
            for entry in listed:
                old = kept.get(entry.id)
                if (
                    old is not None
                    and old.doc_count_all == entry.doc_count_all
                    and old.deleted == entry.deleted
                ):
                    segments.append(old)
                else:
                    opened.append(Segment(self.folder, entry))
                    segments.append(opened[-1])
        except BaseException:
            for segment in opened:
                segment.close()
            raise
        self.segments = segments

    def doc_count_all(self) -> int:
        return sum(s.doc_count_all for s in self.segments)

    def doc_count(self) -> int:
        """Documents not deleted."""
        return sum(s.doc_count_all - len(s.deleted) for s in self.segments)

    def doc_frequency(self, term: bytes) -> int:
        """Documents holding the content term, deleted ones included (as Whoosh counts)."""
        return sum(s.doc_frequency(term) for s in self.segments)

    def close(self) -> None:
        for segment in self.segments:
            segment.close()
        self.segments = []
