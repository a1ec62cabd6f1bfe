"""Per-document columns of an open index, and the bulk work done over them.

A query that matches thousands of records must verify, score and count facets
for each. Doing that one Python object at a time was most of a search's cost,
so the values are kept here as docnum-indexed lists, and the work is built
from `map`, `compress` and `Counter`, which loop in C. Scores are computed with
the same operations in the same order as the textbook formula (see
`bm25_reference`), so they are identical to it to the last bit.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from itertools import chain, compress, repeat
from operator import add, contains, mul, neg, truediv

from zebkb.search.sidestore import DocInfo

# BM25F
K1 = 1.2
B = 0.75
BOOST_TITLE = 3.0
BOOST_FACILITY = 2.0

FLOOR_AREA_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("<1000", 0.0, 1000.0),
    ("1000-3000", 1000.0, 3000.0),
    ("3000-10000", 3000.0, 10000.0),
    ("10000+", 10000.0, math.inf),
)


def area_bucket(area: float | None) -> str | None:
    if area is None:
        return None
    for label, lo, hi in FLOOR_AREA_BUCKETS:
        if lo <= area < hi:
            return label
    return None


class Columns:
    """Docnum-indexed values of every live document; deleted docnums hold neutral values.

    A document's normalised text is title, facility and the rest joined by a
    newline, so the title is text[:title_end] and the facility
    text[title_end + 1:head_end]; a term never contains a newline.
    """

    def __init__(self, by_docnum: Sequence[DocInfo | None]) -> None:
        live = [d for d in by_docnum if d is not None]
        self.live = [i for i, d in enumerate(by_docnum) if d is not None]
        self.n = len(live)
        n = max(1, self.n)
        self.avg_title = max(1.0, sum(len(d.title) for d in live) / n)
        self.avg_facility = max(1.0, sum(len(d.facility) for d in live) / n)
        self.avg_rest = max(1.0, sum(len(d.text) for d in live) / n - self.avg_title)
        size = len(by_docnum)
        self.text: list[str] = [""] * size
        self.updated: list[str] = [""] * size
        self.title_end: list[int] = [0] * size
        self.facility_start: list[int] = [0] * size
        self.head_end: list[int] = [0] * size
        self.nt: list[float] = [1.0] * size
        self.nf: list[float] = [1.0] * size
        self.nr: list[float] = [1.0] * size
        self.kind: list[str | None] = [None] * size
        self.ward: list[str | None] = [None] * size
        self.rank: list[str | None] = [None] * size
        self.year: list[str | None] = [None] * size
        self.tags: list[tuple[str, ...]] = [()] * size
        self.area: list[str | None] = [None] * size
        at, af, ar = self.avg_title, self.avg_facility, self.avg_rest
        for i, d in enumerate(by_docnum):
            if d is None:
                continue
            lt, lf = len(d.title), len(d.facility)
            lr = max(0, len(d.text) - lt - lf)
            self.text[i] = d.text
            self.updated[i] = d.updated_at
            self.title_end[i] = lt
            self.facility_start[i] = lt + 1
            self.head_end[i] = lt + 1 + lf
            self.nt[i] = 1.0 - B + B * lt / at
            self.nf[i] = 1.0 - B + B * lf / af
            self.nr[i] = 1.0 - B + B * lr / ar
            self.kind[i] = d.kind
            self.ward[i] = d.ward
            self.rank[i] = d.rank or None
            self.year[i] = None if d.fiscal_year is None else str(d.fiscal_year)
            self.tags[i] = tuple(dict.fromkeys(d.tags))
            self.area[i] = area_bucket(d.floor_area_m2)

    # ----- verification

    def containing(self, docnums: Sequence[int], term: str) -> list[int]:
        """The docnums whose text contains `term`."""
        texts = map(self.text.__getitem__, docnums)
        return list(compress(docnums, map(contains, texts, repeat(term))))

    def facility_containing(self, docnums: Sequence[int], term: str) -> list[int]:
        texts = map(self.text.__getitem__, docnums)
        starts = map(self.facility_start.__getitem__, docnums)
        ends = map(self.head_end.__getitem__, docnums)
        found = map(str.find, texts, repeat(term), starts, ends)
        return list(compress(docnums, map((-1).__ne__, found)))

    # ----- scoring

    def bm25(
        self, docnums: Sequence[int], terms: Sequence[str], idfs: Sequence[float]
    ) -> list[float]:
        """BM25F of each doc for the terms; equal, bit for bit, to `bm25_reference`."""
        if not docnums:
            return []
        texts = list(map(self.text.__getitem__, docnums))
        nr = list(map(self.nr.__getitem__, docnums))
        head_end = list(map(self.head_end.__getitem__, docnums))
        total: list[float] = [0.0] * len(docnums)
        k1p = K1 + 1.0
        for term, idf in zip(terms, idfs, strict=True):
            tf_all = list(map(str.count, texts, repeat(term)))
            # Without a match in title or facility, w = 0/nt + 0/nf + tf/nr = tf/nr exactly.
            w = list(map(truediv, tf_all, nr))
            in_head = map(str.count, texts, repeat(term), repeat(0), head_end)
            for i in compress(range(len(texts)), in_head):
                w[i] = self._head_weight(docnums[i], term, tf_all[i])
            part = map(
                truediv, map(mul, map(mul, repeat(idf), w), repeat(k1p)), map(add, repeat(K1), w)
            )
            total = list(map(add, total, part))
        return total

    def _head_weight(self, d: int, term: str, tf_all: int) -> float:
        text = self.text[d]
        lt = self.title_end[d]
        tf_t = text.count(term, 0, lt) if lt else 0
        tf_f = text.count(term, lt + 1, self.head_end[d]) if self.head_end[d] > lt + 1 else 0
        tf_r = tf_all - tf_t - tf_f
        return (
            BOOST_TITLE * tf_t / self.nt[d] + BOOST_FACILITY * tf_f / self.nf[d] + tf_r / self.nr[d]
        )

    def best(
        self, docnums: Sequence[int], scores: Sequence[float] | None, count: int
    ) -> list[tuple[float, int]]:
        """The `count` best (score, docnum): higher score, then newer, then lower docnum.

        Without scores (no search terms) the newest come first.
        """
        updated = map(self.updated.__getitem__, docnums)
        order = map(neg, docnums)
        keys = zip(scores if scores is not None else repeat(0.0), updated, order, strict=False)
        top = sorted(keys, reverse=True) if count >= len(docnums) else heapq.nlargest(count, keys)
        return [(s, -negd) for s, _u, negd in top]

    # ----- facets

    def facets(self, docnums: Sequence[int]) -> dict[str, dict[str, int]]:
        """Value counts over `docnums` for every facet the window shows."""

        def counted(column: list) -> Counter:
            c = Counter(map(column.__getitem__, docnums))
            c.pop(None, None)
            return c

        tags = Counter(chain.from_iterable(map(self.tags.__getitem__, docnums)))
        area = counted(self.area)
        return {
            "kind": dict(counted(self.kind).most_common()),
            "ward": dict(counted(self.ward).most_common()),
            "rank": dict(counted(self.rank).most_common()),
            "fiscal_year": dict(sorted(counted(self.year).items())),
            "tag": dict(tags.most_common()),
            "floor_area": {
                label: area[label] for label, _a, _b in FLOOR_AREA_BUCKETS if area[label]
            },
        }


def bm25_reference(d: DocInfo, terms: Sequence[str], idfs: Sequence[float], cols: Columns) -> float:
    """BM25F of one document, written out plainly; the tests hold `Columns.bm25` to it."""
    lt = len(d.title)
    lf = len(d.facility)
    lr = max(0, len(d.text) - lt - lf)
    nt = 1.0 - B + B * lt / cols.avg_title
    nf = 1.0 - B + B * lf / cols.avg_facility
    nr = 1.0 - B + B * lr / cols.avg_rest
    score = 0.0
    for term, idf in zip(terms, idfs, strict=True):
        tf_all = d.text.count(term)
        tf_t = d.title.count(term) if lt else 0
        tf_f = d.facility.count(term) if lf else 0
        tf_r = tf_all - tf_t - tf_f
        w = BOOST_TITLE * tf_t / nt + BOOST_FACILITY * tf_f / nf + tf_r / nr
        score += idf * w * (K1 + 1.0) / (K1 + w)
    return score
