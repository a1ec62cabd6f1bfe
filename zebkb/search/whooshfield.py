"""Whoosh field, codec and posting pool for the bigram candidate index.

Whoosh pickles the schema's field objects and each segment's codec into the
index's table of contents, so the classes here are looked up by this module
path whenever an index opens. Never move or rename this module or its classes;
change the schema by bumping `SCHEMA_VERSION`, which makes old indexes rebuild.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, TEXT, Schema
from whoosh.system import pack_uint

from zebkb.search.normalize import grams

SCHEMA_VERSION = 1
CONTENT = "content"
UID = "uid"


class BigramField(TEXT):
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


class NoLenW3Codec(W3Codec):
    """W3Codec without per-posting field-length statistics (we score outside Whoosh)."""

    length_stats = False


class InvertedPool:
    """An in-memory stand-in for Whoosh's external-sort PostingPool.

    Keeps term → docnums and weights in compact arrays instead of pickled run
    files, and hands postings back sorted by (field, term, docnum). For the
    bigram field the value bytes are the packed frequency, so they are rebuilt
    from the weight rather than kept.
    """

    def __init__(self) -> None:
        self.fieldnames: set[str] = set()
        self._terms: dict[tuple[str, bytes], tuple[array, array, list[bytes | None] | None]] = {}

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        self.fieldnames.add(fieldname)
        key = (fieldname, tbytes)
        entry = self._terms.get(key)
        if entry is None:
            values = None if fieldname == CONTENT else []
            entry = self._terms[key] = (array("I"), array("d"), values)
        entry[0].append(docnum)
        entry[1].append(weight)
        if entry[2] is not None:
            entry[2].append(vbytes)

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        for key in sorted(self._terms):
            docs, weights, values = self._terms[key]
            fieldname, tbytes = key
            for i in sorted(range(len(docs)), key=docs.__getitem__):
                w = weights[i]
                v = pack_uint(int(w)) if values is None else values[i]
                yield fieldname, tbytes, docs[i], w, v

    def cleanup(self) -> None:
        self._terms.clear()


def make_schema() -> Schema:
    return Schema(**{UID: ID(stored=True, unique=True), CONTENT: BigramField()})
