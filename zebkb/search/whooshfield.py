"""Whoosh field, codec and posting pool for the bigram candidate index.

Whoosh pickles the schema's field objects and each segment's codec into the
index's table of contents, so the classes here are looked up by this module
path whenever an index opens. Never move or rename this module or its classes;
change the schema by bumping `SCHEMA_VERSION`, which makes old indexes rebuild.
"""

from __future__ import annotations

from array import array
from collections import Counter, deque
from collections.abc import Iterator
from itertools import repeat
from typing import Any

from zebkb.search import import_whoosh_lean

# Before Whoosh is imported (zebkb/search/__init__.py says why). The index opens with this
# module (its classes are in the table of contents); reading needs no query classes.
import_whoosh_lean(query=False)

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.system import pack_uint  # noqa: E402

from zebkb.search.normalize import grams  # noqa: E402

SCHEMA_VERSION = 2
CONTENT = "content"
UID = "uid"
# Marks a bigram found only in a document's variant-folded text (zebkb/search/variants.py),
# not in its text as written. Bigrams are word characters, so no literal term starts so.
VARIANT = "~"


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
    of the index update. The blocks written are byte for byte the ones
    `W3PostingsWriter.add_posting` would build (a test compares the files).
    Postings from anywhere else take Whoosh's way.
    """

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        by_term = getattr(items, "by_term", None)
        if by_term is None or lengths is not None:
            super().add_postings(schema, lengths, items)
            return
        field = None
        for fieldname, tbytes, docs, weights, values in by_term():
            if fieldname != field:
                if field is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field = fieldname
            self.start_term(tbytes)
            writer = self._postwriter
            limit = writer._blocklimit
            count = len(docs)
            for start in range(0, count, limit):
                end = min(start + limit, count)
                block_weights = weights[start:end]
                writer._ids = docs[start:end]
                writer._weights = array("f", block_weights)
                # add_posting keeps only non-empty values and the largest weight (from 0);
                # the pool keeps bigram counts as the ints Whoosh's own writer would.
                writer._values = [v for v in values[start:end] if v]
                top = max(block_weights)
                writer._maxweight = top if top > 0 else 0
                if end < count:  # the last block is written by finish_term, marked as last
                    writer._write_block()
            self.finish_term()
        if field is not None:
            self.finish_field()


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
        # The content field's postings by bigram (the bulk of every segment): docnums, counts.
        self._docs: dict[str, array[int]] = {}
        self._counts: dict[str, array[int]] = {}
        self._last_docnum = -1
        # Terms whose docnums arrived out of order (postings merged in from other segments).
        self._unordered: set[tuple[str, bytes]] = set()
        self._content_unordered: set[str] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        self.fieldnames.add(fieldname)
        self.postings += 1
        if fieldname == CONTENT:
            gram = tbytes.decode("utf-8")
            docs = self._docs.get(gram)
            if docs is None:
                docs = self._docs[gram] = array("I")
                self._counts[gram] = array("I")
            elif docs[-1] > docnum:
                self._content_unordered.add(gram)
            docs.append(docnum)
            self._counts[gram].append(int(weight))
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

    def add_text(self, docnum: int, text: str, folded: str | None = None) -> None:
        """The content postings of one document (normalised text); see `add_document`.

        `folded` is the text with spelling variants folded; its bigrams that the
        text lacks are added under `VARIANT`, so literal postings stay exact.
        """
        self.fieldnames.add(CONTENT)
        counts = Counter(grams(text))
        if folded is not None and folded != text:
            # Most texts fold somewhere (エネルギー → エネルギ), but only a few bigrams change.
            in_folded = Counter(grams(folded))
            for g in in_folded.keys() - counts.keys():
                counts[VARIANT + g] = in_folded[g]
        keys = list(counts)
        # A few hundred bigrams a document: the appends run in C (map), not a Python loop.
        found = list(map(self._docs.get, keys))
        if None in found:
            for i, g in enumerate(keys):
                if found[i] is None:
                    found[i] = self._docs[g] = array("I")
                    self._counts[g] = array("I")
        docs: list[array[int]] = found  # type: ignore[assignment]  # no None left
        if docnum < self._last_docnum:
            self._content_unordered.update(keys)
        self._last_docnum = max(self._last_docnum, docnum)
        deque(map(array.append, docs, repeat(docnum)), maxlen=0)
        deque(map(array.append, map(self._counts.__getitem__, keys), counts.values()), maxlen=0)
        self.postings += len(keys)

    def by_term(
        self,
    ) -> Iterator[tuple[str, bytes, array[int], array[Any], list[bytes | None]]]:
        """(field, term, docnums, weights, values) per term, terms and docnums in order."""
        by_field: dict[str, list[tuple[bytes, Any]]] = {}
        for key in self._terms:
            by_field.setdefault(key[0], []).append((key[1], key))
        for fieldname in sorted(self.fieldnames | by_field.keys()):
            if fieldname == CONTENT:
                # UTF-8 keeps code point order, so sorting the texts sorts their bytes.
                for gram in sorted(self._docs):
                    docs, counts = self._docs[gram], self._counts[gram]
                    if gram in self._content_unordered:
                        order = sorted(range(len(docs)), key=docs.__getitem__)
                        docs = array("I", (docs[i] for i in order))
                        counts = array("I", (counts[i] for i in order))
                    values: list[bytes | None] = list(map(pack_uint, counts))
                    yield CONTENT, gram.encode("utf-8"), docs, counts, values
                continue
            for tbytes, key in sorted(by_field.get(fieldname, [])):
                docs, weights, values = self._terms[key]
                if key in self._unordered:
                    order = sorted(range(len(docs)), key=docs.__getitem__)
                    docs = array("I", (docs[i] for i in order))
                    weights = array("d", (weights[i] for i in order))
                    values = [values[i] for i in order]
                yield fieldname, tbytes, docs, weights, values

    def iter_postings(self) -> _Postings:
        return _Postings(self)

    def cleanup(self) -> None:
        self._terms.clear()
        self._docs.clear()
        self._counts.clear()
        self._unordered.clear()
        self._content_unordered.clear()


class _Postings:
    """The pool's postings one by one (Whoosh's interface), or term by term for `BlockFieldWriter`."""

    def __init__(self, pool: InvertedPool) -> None:
        self.by_term = pool.by_term

    def __iter__(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        for fieldname, tbytes, docs, weights, values in self.by_term():
            for docnum, weight, value in zip(docs, weights, values, strict=True):
                yield fieldname, tbytes, docnum, weight, value


def add_document(writer: Any, uid: str, text: str, folded: str | None = None) -> None:
    """Add one document (uid, normalised and folded text) to a writer whose pool is an `InvertedPool`.

    The content field stores nothing per document, so leaving it out of
    Whoosh's ``add_document`` (and its per-posting loop) writes the same segment.
    """
    docnum = writer.docnum
    writer.add_document(uid=uid)
    writer.pool.add_text(docnum, text, folded)


def make_schema() -> Schema:
    return Schema(**{UID: ID(stored=True, unique=True), CONTENT: BigramField()})
