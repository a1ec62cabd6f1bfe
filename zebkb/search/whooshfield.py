"""Whoosh field, codec and posting pool for the bigram candidate index.

Whoosh pickles the schema's field objects and each segment's codec into the
index's table of contents, so the classes here are looked up by this module
path whenever an index opens. Never move or rename this module or its classes;
change the schema by bumping `SCHEMA_VERSION` (zebkb/search/segments.py), which
makes old indexes rebuild.
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Iterator, Sequence
from functools import partial
from io import BytesIO
from itertools import accumulate, chain, repeat
from itertools import compress as selected
from operator import add, itemgetter, sub
from pickle import dumps, load, loads
from struct import Struct
from typing import Any
from zlib import compress, decompress

from zebkb.search import import_whoosh_lean

# Before Whoosh is imported (zebkb/search/__init__.py says why). The index opens with this
# module (its classes are in the table of contents); reading needs no query classes.
import_whoosh_lean(query=False)

from whoosh.codec.whoosh3 import (  # noqa: E402
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3TermInfo,
)
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort  # noqa: E402
from whoosh.util.numeric import length_to_byte  # noqa: E402

from zebkb.search.normalize import grams, run_grams, word_runs  # noqa: E402

# The schema's version and names, defined where the search path reads them without Whoosh.
from zebkb.search.segments import CONTENT, SCHEMA_VERSION, UID, VARIANT  # noqa: E402, F401
from zebkb.search.variants import script_marks  # noqa: E402

_HEADER_MAGIC: bytes = WHOOSH3_HEADER_MAGIC
_LITTLE_ENDIAN = sys.byteorder == "little"
# The length byte of a block whose documents' lengths are not kept.
_NO_LENGTH: int = length_to_byte(None)
_BLOCK_SIZE = Struct(">i")  # a block's length, as pack_int writes it
_TERM_INFO: Struct = W3TermInfo._struct
_EXTENT = Struct(">qi")  # after the info: the posting list's offset and length
_ZERO_LENGTH: int = length_to_byte(0)
# A block's pickle shorter than this is written uncompressed (its info says so, and
# readers decompress only what says it is compressed): zlib saves a byte or two on the
# one- and two-posting blocks that are half of a small segment's, and setting up its
# compressor cost more than the rest of writing such a block.
COMPRESS_MIN = 96


class BigramField(TEXT):  # type: ignore[misc]  # Whoosh has no type hints
    """A no-positions text field whose terms are the bigrams of already-normalised text.

    `index` bypasses Whoosh's analyser pipeline: the caller passes normalised text
    and the terms are counted directly, which is several times faster.
    """

    def __init__(self) -> None:
        super().__init__(phrase=False)
        self.scorable = False

    def index(self, value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        return [
            (g.encode("utf-8"), f, float(f), pack_uint(f)) for g, f in Counter(grams(value)).items()
        ]


class NoLenW3Codec(W3Codec):  # type: ignore[misc]
    """W3Codec without per-posting field-length statistics (we score outside Whoosh)."""

    length_stats = False

    def __init__(self, blocklimit: int = 1024, compression: int = 3, inlinelimit: int = 1) -> None:
        # Blocks of 1,024 postings, not Whoosh's 128: a 10,000-record build writes a
        # fifth fewer blocks' overhead and compresses to 14 MB instead of 20 MB. Readers
        # take each block's length from the block, so indexes with either size read alike.
        super().__init__(blocklimit, compression, inlinelimit)

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return BlockFieldWriter(self, storage, segment)

    def terms_reader(self, storage: Any, segment: Any) -> Any:
        # Opened in place, not copied (zebkb/search/whooshread.py says why).
        from zebkb.search.whooshread import terms_reader

        return terms_reader(self, storage, segment)


class BlockFieldWriter(W3FieldWriter):  # type: ignore[misc]
    """Writes an `InvertedPool`'s posting lists a block at a time.

    Whoosh's own loop makes four Python calls and several type checks per
    posting; for an import of 10,000 records (430,000 postings) that was most
    of the index update. The bigram field's posting lists are written a whole
    term at a time (`_write_counts`), other fields' a block at a time; the files
    are byte for byte the ones `W3PostingsWriter.add_posting` would write (a test
    compares them). Postings from anywhere else take Whoosh's way.
    """

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        by_term = getattr(items, "by_term", None)
        if by_term is None or lengths is not None:
            super().add_postings(schema, lengths, items)
            return
        field = None
        no_values: Any = None
        for fieldname, tbytes, docs, weights, values in by_term(values=False):
            if fieldname != field:
                if field is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field = fieldname
                # What W3PostingsWriter._mini_values makes of a block without values.
                fixed = schema[fieldname].format.fixed_value_size()
                no_values = () if fixed is None or fixed < 0 else None if fixed == 0 else b""
            if values is None:
                self._write_counts(tbytes, docs, weights)
                continue
            if len(docs) == 1 and weights[0] == 1.0 and not values[0]:
                self._write_one(tbytes, docs[0], no_values)
                continue
            self.start_term(tbytes)
            writer = self._postwriter
            limit = writer._blocklimit
            count = len(docs)
            for start in range(0, count, limit):
                end = min(start + limit, count)
                block_weights = weights[start:end]
                writer._ids = docs[start:end]
                writer._weights = array("f", block_weights)
                # add_posting keeps only non-empty values and the largest weight (from 0).
                writer._values = [v for v in values[start:end] if v]
                top = max(block_weights)
                writer._maxweight = top if top > 0 else 0
                if end < count:  # the last block is written by finish_term, marked as last
                    writer._write_block()
            self.finish_term()
        if field is not None:
            self.finish_field()

    def _write_one(self, tbytes: bytes, docnum: int, no_values: Any) -> None:
        """A term with one posting of weight 1 and no value: each record's uid.

        The block `W3PostingsWriter` writes for it (Whoosh inlines no posting
        list, whatever its length), without the term's writer and info objects,
        which cost a tenth of a build; small blocks stay uncompressed, as in
        `_write_counts`.
        """
        postfile = self._postfile
        offset = postfile.tell()
        data = dumps(((docnum,), None, no_values), 2)
        used = self._postwriter._compression if len(data) >= COMPRESS_MIN else 0
        if used:
            data = compress(data, used)
        info = dumps((1, docnum, 1.0, used, _NO_LENGTH, _ZERO_LENGTH), 2)
        size = len(info) + len(data)
        postfile.write(b"".join((_HEADER_MAGIC, pack_int(-size), info, data)))
        terminfo = _TERM_INFO.pack(False, 1.0, 1, 0, _ZERO_LENGTH, 1.0, docnum, docnum)
        extent = pack_long(offset) + pack_int(postfile.tell() - offset)
        self._tindex.add(pack_ushort(self._fieldid) + tbytes, terminfo + extent)

    def _write_counts(self, tbytes: bytes, docs: array[int], counts: array[int]) -> None:
        """One bigram's posting list: docnums in order, and the bigram's count in each.

        The blocks `W3PostingsWriter` writes for a Frequency field: each a length
        (negative for the last), a pickled info tuple (postings, last docnum,
        largest weight, compression, min and max length bytes) and the
        compressed pickle of (docnum deltas, weights, packed counts), where the
        weights are None when all are 1 and one float when all are equal.
        """
        writer = self._postwriter
        limit = writer._blocklimit
        level = writer._compression
        postfile = self._postfile
        offset = postfile.tell()
        out = [_HEADER_MAGIC]
        count = len(docs)
        for start in range(0, count, limit):
            end = min(start + limit, count)
            # Most terms have one block: the arrays as they are, not copies.
            ids = docs[start:end] if start or end < count else docs
            block = counts[start:end] if start or end < count else counts
            top = max(block)
            if top == 1:
                weights: Any = None
            elif min(block) == top:
                weights = float(top)
            else:
                weights = tuple(map(float, block))
            packed = array("I", block)
            if _LITTLE_ENDIAN:
                packed.byteswap()  # pack_uint is big-endian
            data = dumps((tuple(map(sub, ids, chain((0,), ids))), weights, packed.tobytes()), 2)
            used = level if len(data) >= COMPRESS_MIN else 0
            if used:
                data = compress(data, used)
            info = dumps((end - start, ids[-1], top, used, _NO_LENGTH, _NO_LENGTH), 2)
            size = len(info) + len(data)
            out += (pack_int(-size if end == count else size), info, data)
        postfile.write(b"".join(out))
        # W3TermInfo.to_bytes of the term's info (not inlined, no lengths), packed here.
        terminfo = _TERM_INFO.pack(
            False, float(sum(counts)), count, 0, _ZERO_LENGTH, max(counts), docs[0], docs[-1]
        )
        extent = pack_long(offset) + pack_int(postfile.tell() - offset)
        self._tindex.add(pack_ushort(self._fieldid) + tbytes, terminfo + extent)


# A bigram of two BMP characters is kept in the pool by an int code: its two UTF-16 code
# units as one unsigned int (the first in the low half). A text's codes come from viewing
# its UTF-16 bytes as unsigned ints twice (from the first and the second unit on), all in
# C: making and hashing a two-character string for each of a text's thousand bigrams was
# a third of a build. Codes of pairs that no run holds (a whitespace character or a lone
# surrogate in them) are counted too and left out when the terms are written.
# In the machine's byte order, so that each unit reads as itself: the first is then the
# low half of a little-endian int and the high half of a big-endian one.
_UTF16 = "utf-16-le" if _LITTLE_ENDIAN else "utf-16-be"
_FIRST, _SECOND = (0, 16) if _LITTLE_ENDIAN else (16, 0)


def _pair_code(a: int, b: int) -> int:
    return a << _FIRST | b << _SECOND


def _code_text(code: int) -> str:
    return chr(code >> _FIRST & 0xFFFF) + chr(code >> _SECOND & 0xFFFF)


def _gram_key(gram: str) -> int | str:
    """How the pool keys a term: a bigram of two BMP characters by its code, any other
    (a one-character run, characters beyond the BMP, a variant's term) by its text."""
    if len(gram) == 2:
        a, b = ord(gram[0]), ord(gram[1])
        # A variant's term of one character (VARIANT + it) is by its text: the code of
        # a pair holding a separator is dropped when the terms are written.
        if a < 0x10000 and b < 0x10000 and not (_is_separator(a) or _is_separator(b)):
            return _pair_code(a, b)
    return gram


def _count_grams(text: str, runs: list[str]) -> Counter[int | str]:
    """`Counter(grams(text))` keyed by `_gram_key`, plus codes of pairs no run holds.

    `runs` are `word_runs(text)`.
    """
    data = text.encode(_UTF16, "surrogatepass")
    size = len(data)
    if size != 2 * len(text):  # characters outside the BMP: two units each
        return Counter(map(_gram_key, run_grams(runs)))
    counts: Counter[int | str] = Counter(array("I", data[: size & ~3]))
    if size > 2:
        counts.update(array("I", data[2 : 2 + ((size - 2) & ~3)]))
    counts.update(run for run in runs if len(run) == 1)
    return counts


def _is_separator(unit: int) -> bool:
    """Whether no run holds this UTF-16 unit (`word_runs`: whitespace and lone surrogates)."""
    return 0xD800 <= unit <= 0xDFFF or chr(unit).isspace()


def _key_text(key: int | str) -> str | None:
    """The term a `_count_grams` key stands for; None for a pair that no run holds."""
    if isinstance(key, str):
        return key
    if _is_separator(key & 0xFFFF) or _is_separator(key >> 16):
        return None
    return _code_text(key)


def _gram_texts(pairs: dict[int | str, Any]) -> Iterator[tuple[str, int | str]]:
    """(term, key) of each key of the pool's content postings, but codes of pairs that
    no run holds (`_count_grams` counts them)."""
    for key in pairs:
        gram = _key_text(key)
        if gram is not None:
            yield gram, key


def _add_folded_runs(counts: Counter[int | str], runs: list[str], folded: str) -> None:
    """Add to a text's `counts` the folded text's bigrams it lacks, under `VARIANT`.

    Most texts fold somewhere (エネルギー → エネルギ), but only a few words change: a
    word of the folded text that the text has too adds no bigram it lacks, so only
    the new words are counted (counting the whole folded text again was a fifth of a
    build). A bigram the text lacks occurs only in such words, so its count there is
    its count in the folded text.
    """
    known = set(runs)
    new = [run for run in word_runs(folded) if run not in known]
    if new:
        found = _count_grams(" ".join(new), new)
        for key in found.keys() - counts.keys():
            gram = _key_text(key)
            if gram is not None:
                counts[VARIANT + gram] = found[key]


def _add_folded_marks(counts: Counter[int | str], folded: str, script: str) -> None:
    """`_add_folded_runs`, from where the fold's edits are (`script`).

    A bigram the text lacks occurs in the folded text only at the pairs the edits
    made or brought together (zebkb/search/variants.py, `script_marks`), so its count
    there is its count in the folded text. Japanese words run between punctuation, not
    spaces: a changed word was a whole sentence, and counting those was two thirds of
    this. A word that folding left one character long has no pair: those are looked
    for among the folded text's words.
    """
    found: dict[str, int] = {}
    for i in script_marks(script, folded):
        gram = folded[i : i + 2]
        a, b = ord(gram[0]), ord(gram[1])
        if _is_separator(a) or _is_separator(b):
            continue
        key: int | str = _pair_code(a, b) if a < 0x10000 and b < 0x10000 else gram
        if key not in counts:
            found[gram] = found.get(gram, 0) + 1
    for run in word_runs(folded):
        if len(run) == 1 and run not in counts:
            found[run] = found.get(run, 0) + 1
    for gram, f in found.items():
        counts[VARIANT + gram] = f


class InvertedPool:
    """An in-memory stand-in for Whoosh's external-sort PostingPool.

    Keeps term → docnums and weights in compact arrays instead of pickled run
    files, and hands postings back sorted by (field, term, docnum). The bigram
    field's terms are kept by their text (encoded once, when written), its
    weights as unsigned ints (they are counts), and its value bytes are the
    packed count, so they are rebuilt from the weight. `postings` counts the
    postings held, so a builder can write a segment before memory grows.
    """

    def __init__(self) -> None:
        self.fieldnames: set[str] = set()
        self.postings = 0
        self._terms: dict[
            tuple[str, bytes], tuple[array[int], array[float], list[bytes | None]]
        ] = {}
        # The content field's postings by bigram (the bulk of every segment): docnum and
        # count, one after the other in one array. Two appends to one array a posting cost
        # 40 % less than an append to each of two (one lookup, and the array's end is
        # still in the cache for the second). Keyed by `_gram_key`: a bigram of two BMP
        # characters by its int code, anything else by its text.
        self._pairs: defaultdict[int | str, array[int]] = defaultdict(partial(array, "I"))
        self._last_docnum = -1
        # Terms whose docnums arrived out of order (postings merged in from other segments).
        self._unordered: set[tuple[str, bytes]] = set()
        self._content_unordered: set[int | str] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        self.fieldnames.add(fieldname)
        self.postings += 1
        if fieldname == CONTENT:
            gram = _gram_key(tbytes.decode("utf-8"))
            pairs = self._pairs.get(gram)
            if pairs is None:
                pairs = self._pairs[gram] = array("I")
            elif pairs[-2] > docnum:
                self._content_unordered.add(gram)
            pairs.append(docnum)
            pairs.append(int(weight))
            self._last_docnum = max(self._last_docnum, docnum)
            return
        key = (fieldname, tbytes)
        entry = self._terms.get(key)
        if entry is None:
            entry = self._terms[key] = (array("I"), array("d"), [])
        elif entry[0][-1] > docnum:
            self._unordered.add(key)
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(vbytes)

    def add_counts(self, gram: str, docs: array[int], counts: array[int]) -> None:
        """One content term's postings at once (docnums in order): a merged segment's."""
        if not docs:
            return
        self.fieldnames.add(CONTENT)
        both = array("I", bytes(8 * len(docs)))
        both[0::2] = docs
        both[1::2] = counts
        key = _gram_key(gram)
        pairs = self._pairs.get(key)
        if pairs is None:
            self._pairs[key] = both
        else:
            if pairs[-2] > docs[0]:
                self._content_unordered.add(key)
            pairs.extend(both)
        self._last_docnum = max(self._last_docnum, docs[-1])
        self.postings += len(docs)

    def add_text(
        self, docnum: int, text: str, folded: str | None = None, script: str | None = None
    ) -> None:
        """The content postings of one document (normalised text); see `add_document`.

        `folded` is the text with spelling variants folded; its bigrams that the
        text lacks are added under `VARIANT`, so literal postings stay exact.
        `script`, when given, is the fold's edits (`VariantTable.fold_script`).
        """
        self.fieldnames.add(CONTENT)
        runs = word_runs(text)
        counts = _count_grams(text, runs)
        if folded is not None and folded != text:
            if script:
                _add_folded_marks(counts, folded, script)
            else:
                _add_folded_runs(counts, runs, folded)
        keys = list(counts)
        # A few hundred bigrams a document: the appends run in C (map), not a Python loop,
        # and so does making the arrays of bigrams not seen before (the dict's default).
        pairs = list(map(self._pairs.__getitem__, keys))
        if docnum < self._last_docnum:
            self._content_unordered.update(keys)
        self._last_docnum = max(self._last_docnum, docnum)
        deque(map(array.append, pairs, repeat(docnum)), maxlen=0)
        deque(map(array.append, pairs, counts.values()), maxlen=0)
        self.postings += len(keys)

    def by_term(
        self, *, values: bool = True
    ) -> Iterator[tuple[str, bytes, array[int], array[Any], list[bytes | None] | None]]:
        """(field, term, docnums, weights, values) per term, terms and docnums in order.

        Without `values`, the bigram field's values are None: they are its
        weights packed (`BlockFieldWriter._write_counts` packs them itself).
        """
        by_field: dict[str, list[tuple[bytes, Any]]] = {}
        for key in self._terms:
            by_field.setdefault(key[0], []).append((key[1], key))
        for fieldname in sorted(self.fieldnames | by_field.keys()):
            if fieldname == CONTENT:
                # UTF-8 keeps code point order, so sorting the texts sorts their bytes.
                for gram, pool_key in sorted(_gram_texts(self._pairs), key=itemgetter(0)):
                    pairs = self._pairs[pool_key]
                    docs, counts = pairs[0::2], pairs[1::2]
                    if pool_key in self._content_unordered:
                        order = sorted(range(len(docs)), key=docs.__getitem__)
                        docs = array("I", (docs[i] for i in order))
                        counts = array("I", (counts[i] for i in order))
                    packed = list(map(pack_uint, counts)) if values else None
                    yield CONTENT, gram.encode("utf-8"), docs, counts, packed
                continue
            for tbytes, key in sorted(by_field.get(fieldname, [])):
                docs, weights, vbytes = self._terms[key]
                if key in self._unordered:
                    order = sorted(range(len(docs)), key=docs.__getitem__)
                    docs = array("I", (docs[i] for i in order))
                    weights = array("d", (weights[i] for i in order))
                    vbytes = [vbytes[i] for i in order]
                yield fieldname, tbytes, docs, weights, vbytes

    def iter_postings(self) -> _Postings:
        return _Postings(self)

    def cleanup(self) -> None:
        self._terms.clear()
        self._pairs.clear()
        self._unordered.clear()
        self._content_unordered.clear()


class _Postings:
    """The pool's postings one by one (Whoosh's interface), or term by term for `BlockFieldWriter`."""

    def __init__(self, pool: InvertedPool) -> None:
        self.by_term = pool.by_term

    def __iter__(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        for fieldname, tbytes, docs, weights, values in self.by_term():
            assert values is not None  # asked for
            for docnum, weight, value in zip(docs, weights, values, strict=True):
                yield fieldname, tbytes, docnum, weight, value


def add_document(
    writer: Any, uid: str, text: str, folded: str | None = None, script: str | None = None
) -> None:
    """Add one document (uid, normalised and folded text, and the fold's edits when known)
    to a writer whose pool is an `InvertedPool`.

    The content field stores nothing per document, so leaving it out of
    Whoosh's ``add_document`` (and its per-posting loop) writes the same segment.
    """
    docnum = writer.docnum
    _add_uid(writer, uid)
    writer.pool.add_text(docnum, text, folded, script)


def _add_uid(writer: Any, uid: str) -> None:
    """What Whoosh's ``add_document(uid=uid)`` does for this schema, without its general
    handling of any field (a twentieth of a build): the uid's one posting and its stored
    value (a test compares the files with Whoosh's own)."""
    docnum = writer.docnum
    per_doc = writer.perdocwriter
    per_doc.start_doc(docnum)
    writer.pool.add((UID, uid.encode("utf-8"), docnum, 1.0, b""))
    per_doc.add_field(UID, writer.schema[UID], uid, 0)
    per_doc.finish_doc()
    writer._added = True
    writer.docnum = docnum + 1


def read_counts(
    terms: Any, tbytes: bytes, terminfo: Any, base: int = 0
) -> tuple[array[int], array[int]]:
    """A content term's docnums (plus `base`) and counts in one segment, read from its blocks.

    Parses what `BlockFieldWriter._write_counts` writes (and Whoosh's own writer
    for this field: the same bytes), a whole block at a time, instead of a
    matcher's posting-by-posting Python loop.
    """
    if terminfo.is_inlined():
        ids, weights, _values = terminfo.inlined_postings()
        return array("I", map(add, ids, repeat(base))), array("I", map(int, weights))
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct's tuple
        (length,) = length
    return _read_blocks(terms._postfile.get(offset, length), base)


def _content_terms(terms: Any) -> Iterator[tuple[bytes, Any]]:
    """(term, its posting list's bytes, or its W3TermInfo when inlined) of a segment's
    content field, read from the term table's entries without making W3TermInfo objects."""
    fieldnum = terms._fieldmap.get(CONTENT)
    if fieldnum is None:
        return
    prefix = pack_ushort(fieldnum)
    postfile = terms._postfile
    head = _TERM_INFO.size
    for key, value in terms._tindex.items():
        if not key.startswith(prefix):
            continue
        if value[0]:  # inlined: the postings are in the entry
            yield key[2:], W3TermInfo.from_bytes(value)
            continue
        offset, length = _EXTENT.unpack_from(value, head)
        yield key[2:], postfile.get(offset, length)


def _read_blocks(raw: bytes, base: int) -> tuple[array[int], array[int]]:
    """`read_counts` of one posting list's bytes."""
    if raw[:4] != _HEADER_MAGIC:
        raise ValueError("posting list without its header")
    docs: array[int] = array("I")
    counts: array[int] = array("I")
    source = BytesIO(raw)
    position = 4
    while True:
        (size,) = _BLOCK_SIZE.unpack_from(raw, position)
        start = position + _BLOCK_SIZE.size
        source.seek(start)
        info = load(source)
        count, level = info[0], info[3]
        data = raw[source.tell() : start + abs(size)]
        deltas, weights, _packed = loads(decompress(data) if level else data)
        # A block's first delta is its first docnum: summed from `base`, which is dropped.
        mark = len(docs)
        docs.extend(accumulate(deltas, initial=base))
        del docs[mark]
        if weights is None:
            counts.extend(repeat(1, count))
        elif isinstance(weights, float):
            counts.extend(repeat(int(weights), count))
        else:
            counts.extend(map(int, weights))
        if size < 0:
            return docs, counts
        position = start + size


def add_segment(writer: Any, reader: Any, uids: Sequence[str], deleted: set[int]) -> list[str]:
    """Add one segment's live documents to a writer whose pool is an `InvertedPool`.

    `reader` reads the segment, `uids` are its docnums' uids, `deleted` its deleted
    docnums. The documents keep their order; their content postings are copied
    from the segment's blocks (`read_counts`), not counted again from the texts.
    Returns the uids added, in their new docnums' order.
    """
    base = writer.docnum
    live = [d not in deleted for d in range(len(uids))]
    added = list(selected(uids, live))
    for uid in added:
        _add_uid(writer, uid)
    # Old docnum -> new one (deleted ones map past the end and are dropped).
    mapped = array("I", accumulate(live, initial=base))[:-1] if deleted else None
    end = base + len(added)
    pool = writer.pool
    terms = reader._terms
    shift = base if mapped is None else 0
    for tbytes, found in _content_terms(terms):
        if isinstance(found, bytes):
            docs, counts = _read_blocks(found, shift)
        else:
            docs, counts = read_counts(terms, tbytes, found, shift)
        if mapped is not None:
            keep = list(map(live.__getitem__, docs))
            counts = array("I", selected(counts, keep))
            docs = array("I", map(mapped.__getitem__, selected(docs, keep)))
        pool.add_counts(tbytes.decode("utf-8"), docs, counts)
    assert writer.docnum == end
    return added


def make_schema() -> Schema:
    return Schema(**{UID: ID(stored=True, unique=True), CONTENT: BigramField()})
