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
import re
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import add, and_, attrgetter, ge, gt, is_not, lt, mul, neg, not_, sub, truediv
from typing import Any

from zebkb.search.normalize import FIELD_SEP
from zebkb.search.sidestore import DocInfo
from zebkb.search.variants import term_pairs

# BM25F
K1 = 1.2
B = 0.75
BOOST_TITLE = 3.0
BOOST_FACILITY = 2.0

# Ranking one term scores only the docs whose w is within PRUNE_SLACK (relative) of
# the k-th largest: the score idf*w*(K1+1)/(K1+w) then differs by at least
# PRUNE_SLACK*K1/(K1+w) relative, over a thousand times the few ulps its rounding can
# move it for any w below PRUNE_MAX_W. Done when the matches outnumber the page
# PRUNE_FACTOR times.
PRUNE_SLACK = 1e-6
PRUNE_MAX_W = 1e6
PRUNE_FACTOR = 4

FLOOR_AREA_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("<1000", 0.0, 1000.0),
    ("1000-3000", 1000.0, 3000.0),
    ("3000-10000", 3000.0, 10000.0),
    ("10000+", 10000.0, math.inf),
)


# Texts are compacted (`Columns.compact_texts`) once at least this many were read since.
COMPACT_MIN = 256

# Stands in for deleted docnums and documents not read yet: empty text matches no
# term and counts in no facet.
_ABSENT = DocInfo("", None, None, None, "", None, (), frozenset(), None, "", 0, 0, 0)  # type: ignore[arg-type]


_Ids = dict[tuple[object, ...], int]


def _combine(ids: _Ids, *columns: list[Any]) -> list[int]:
    """Each doc's combination of values as a small int, numbered on from `ids`."""
    return [ids.setdefault(values, len(ids)) for values in zip(*columns, strict=True)]


def prunes(matches: int, count: int) -> bool:
    """Whether ranking the best `count` of this many matches scores only some of them."""
    return count > 0 and count * PRUNE_FACTOR <= matches


def area_bucket(area: float | None) -> str | None:
    if area is None:
        return None
    for label, lo, hi in FLOOR_AREA_BUCKETS:
        if lo <= area < hi:
            return label
    return None


class Columns:
    """Docnum-indexed values of the documents read so far; others hold neutral values.

    An index opens with every column blank (`unread`) and reads the values of
    a query's candidates when it first meets them (`fill`, `set_text`), so a
    new process pays for what its queries touch, not for the corpus. The
    average field lengths come from sums the index keeps, so scores do not
    depend on which documents have been read.

    A document's normalised text is title, facility and the rest joined by a
    newline, so the title is text[:title_end] and the facility
    text[title_end + 1:head_end]; a term never contains a newline.
    """

    # The columns, set by `_columns` (one entry per docnum).
    text: list[str]
    # The folded text (`text` itself where folding changes nothing, or has not been done).
    folded: list[str]
    fold_extra: list[str]
    # A document whose text is read but not folded yet (`fold_waiting` folds it when a
    # term may need it), None for the others; and the pairs its folding touches.
    fold_pending: list[DocInfo | None]
    fold_pairs: list[str]
    updated: list[str]
    title_end: list[int]
    facility_len: list[int]
    facility_start: list[int]
    head_end: list[int]
    # text[:head_end] (title and facility), "" until the values are read: str.count and
    # str.find given an end cost as much on a long text as a whole count, on this none.
    head: list[str]
    rest_len: list[int]
    kind: list[str]
    ward: list[str]
    rank: list[str | None]
    year: list[str | None]
    tags: list[tuple[str, ...]]
    area: list[str | None]
    kind_ward: list[int]
    rank_year_area: list[int]
    tag_set: list[int]  # each doc's tags as a number (`_combine`), which facets count
    # Whether a docnum's values have been read (`fill`).
    loaded: list[bool]
    # Whether a docnum is live and its text not read yet. Kept apart from `text` so that
    # looking for the texts a query lacks reads these flags, not thousands of strings
    # scattered over the heap (most of what that look cost on a warm index).
    needs_text: list[bool]
    # How many texts the last `compact_texts` copied.
    compacted_texts: int

    def __init__(self, by_docnum: Sequence[DocInfo | None]) -> None:
        """Columns of documents all read already (None: a deleted docnum)."""
        self._ids: tuple[_Ids, _Ids, _Ids] = ({}, {}, {})
        self._loose_texts = self.compacted_texts = 0
        self._waiting: int | None = None
        self._unread: int | None = None
        self._textless: int | None = None
        self._rest_norms: list[float] | None = None
        for name, values in self._columns(by_docnum).items():
            setattr(self, name, values)
        live_mark = list(map(is_not, by_docnum, repeat(None)))
        self.loaded = list(live_mark)
        self.needs_text = list(map(gt, live_mark, map(bool, self.text)))
        stats = (sum(self.title_end), sum(self.facility_len), sum(self.rest_len))
        self._finish(live_mark, stats)

    @classmethod
    def unread(cls, live_mark: list[bool], stats: tuple[int, int, int]) -> Columns:
        """Blank columns for `len(live_mark)` docnums; `stats` sums the title, facility
        and other lengths over every live document (SideStore.stats)."""
        new = object.__new__(cls)
        new._ids = ({}, {}, {})
        new._loose_texts = new.compacted_texts = 0
        new._unread = new._textless = new._waiting = None
        new._rest_norms = None
        for name, blank in new._columns([None]).items():
            setattr(new, name, blank * len(live_mark))
        new.loaded = [False] * len(live_mark)
        new.needs_text = list(live_mark)
        new._finish(live_mark, stats)
        return new

    def remapped(
        self,
        moves: Iterable[tuple[int, int, int]],
        live_mark: list[bool],
        stats: tuple[int, int, int],
    ) -> Columns:
        """The columns after an update: (old start, new start, count) per segment kept.

        Whoosh keeps a segment's docnums in order when segments are added or merged
        around it, so its block of every column moves as a whole (a slice copy);
        documents deleted since are blanked. Everything else starts unread.
        """
        new = Columns.unread(live_mark, stats)
        new._ids = (dict(self._ids[0]), dict(self._ids[1]), dict(self._ids[2]))
        new._loose_texts, new.compacted_texts = self._loose_texts, self.compacted_texts
        names = [*self._columns([None]), "loaded", "needs_text"]
        for old_start, new_start, count in moves:
            for name in names:
                getattr(new, name)[new_start : new_start + count] = getattr(self, name)[
                    old_start : old_start + count
                ]
        gone = list(compress(range(len(live_mark)), map(gt, new.loaded, live_mark)))
        if gone:
            blank = new._columns([None])
            for name, (value,) in blank.items():
                column = getattr(new, name)
                for d in gone:
                    column[d] = value
            for d in gone:
                new.loaded[d] = False
        # A document deleted since, read or not, needs no text.
        new.needs_text = list(map(and_, new.needs_text, live_mark))
        return new

    def fill(self, docnums: Sequence[int], infos: Sequence[DocInfo]) -> None:
        """Set the values of documents just read (their texts, if read, too)."""
        if self._unread is not None:
            live = map(self.live_mark.__getitem__, docnums)
            self._unread -= sum(map(gt, live, map(self.loaded.__getitem__, docnums)))
        self._textless = self._waiting = None
        self._rest_norms = None
        for name, values in self._columns(infos).items():
            deque(map(getattr(self, name).__setitem__, docnums, values), maxlen=0)
        deque(map(self.loaded.__setitem__, docnums, repeat(True)), maxlen=0)
        texts = map(attrgetter("text"), infos)
        deque(map(self.needs_text.__setitem__, docnums, map(not_, texts)), maxlen=0)

    def unloaded(self, docnums: Iterable[int]) -> list[int]:
        """The live docnums among `docnums` whose values have not been read."""
        if self._unread is None:
            self._unread = sum(map(gt, self.live_mark, self.loaded))
        if not self._unread:
            # Every document read (a warm index): nothing to look for.
            return []
        docnums = list(docnums)
        unread = compress(docnums, map(not_, map(self.loaded.__getitem__, docnums)))
        return [d for d in unread if self.live_mark[d]]

    def _columns(self, by_docnum: Sequence[DocInfo | None]) -> dict[str, list[Any]]:
        # Built column by column with C loops: it runs for every batch of documents read.
        docs = [_ABSENT if d is None else d for d in by_docnum]
        text = list(map(attrgetter("text"), docs))
        folded = list(map(attrgetter("fold_cache"), docs))
        pending = [d if d.fold_script else None for d in docs]
        title_len = list(map(attrgetter("title_len"), docs))
        facility_len = list(map(attrgetter("facility_len"), docs))
        facility_start = list(map(add, title_len, repeat(1)))
        head_end = list(map(add, facility_start, facility_len))
        kind = list(map(attrgetter("kind"), docs))
        ward = list(map(attrgetter("ward"), docs))
        rank = [r or None for r in map(attrgetter("rank"), docs)]
        year = [None if y is None else str(y) for y in map(attrgetter("fiscal_year"), docs)]
        area = list(map(area_bucket, map(attrgetter("floor_area_m2"), docs)))
        tags = [t if len(t) < 2 else tuple(dict.fromkeys(t)) for t in map(attrgetter("tags"), docs)]
        return {
            "text": text,
            "folded": folded,
            # The folded text only where folding changed it, else "" (nothing to count there).
            "fold_extra": ["" if f is t else f for t, f in zip(text, folded, strict=True)],
            "fold_pending": pending,
            "fold_pairs": [d.fold_pairs if d.fold_script else "" for d in docs],
            "updated": list(map(attrgetter("updated_at"), docs)),
            "title_end": title_len,
            "facility_len": facility_len,
            "facility_start": facility_start,
            "head_end": head_end,
            # (Title and facility are read with the values, before the text.)
            "head": [f"{d.title}{FIELD_SEP}{d.facility}" if d.length else "" for d in docs],
            "rest_len": list(
                map(
                    max,
                    repeat(0),
                    map(sub, map(sub, map(attrgetter("length"), docs), title_len), facility_len),
                )
            ),
            "kind": kind,
            "ward": ward,
            "rank": rank,
            "year": year,
            "tags": tags,
            "area": area,
            "kind_ward": _combine(self._ids[0], kind, ward),
            "rank_year_area": _combine(self._ids[1], rank, year, area),
            "tag_set": _combine(self._ids[2], tags),
        }

    def _finish(self, live_mark: list[bool], stats: tuple[int, int, int]) -> None:
        self.live_mark = live_mark
        self.live = list(compress(range(len(live_mark)), live_mark))
        self.n = len(self.live)
        n = max(1, self.n)
        title_sum, facility_sum, rest_sum = stats
        self.avg_title = max(1.0, title_sum / n)
        self.avg_facility = max(1.0, facility_sum / n)
        text_len = rest_sum + title_sum + facility_sum
        self.avg_rest = max(1.0, text_len / n - self.avg_title)

    @property
    def kind_wards(self) -> list[tuple[str | None, ...]]:
        """Each kind-and-ward combination number's values (strings, or None for no value)."""
        return list(self._ids[0])  # type: ignore[arg-type]

    @property
    def rank_year_areas(self) -> list[tuple[str | None, ...]]:
        return list(self._ids[1])  # type: ignore[arg-type]

    def _norms(self, lengths: Iterable[int], avg: float) -> list[float]:
        """`1.0 - B + B * length / avg` for each length, evaluated exactly as written."""
        return list(
            map(add, repeat(1.0 - B), map(truediv, map(mul, repeat(B), lengths), repeat(avg)))
        )

    # ----- texts, read when first needed

    def missing_texts(self, docnums: Iterable[int]) -> list[int]:
        """The docnums among `docnums` whose text has not been read yet (absent ones excluded)."""
        if self._textless is None:
            self._textless = sum(self.needs_text)
        if not self._textless:
            return []
        docnums = list(docnums)
        return list(compress(docnums, map(self.needs_text.__getitem__, docnums)))

    def set_text(self, d: int, info: DocInfo) -> None:
        """The text just read of the document at `d` (`info`, whose values are set)."""
        if self._textless is not None and self.needs_text[d]:
            self._textless -= 1
        self.needs_text[d] = False
        text = self.text[d] = info.text
        self.head[d] = text[: self.head_end[d]]
        folded = self.folded[d] = info.fold_cache
        self.fold_extra[d] = "" if folded is text else folded
        if info.fold_script:
            self.fold_pending[d] = info
            self.fold_pairs[d] = info.fold_pairs
            self._waiting = None
        self._loose_texts += 1

    def fold_waiting(self, docnums: Sequence[int], term: str | None = None) -> None:
        """Fold the texts among `docnums` read but not folded yet, that `term` needs.

        `term` is a term that folding leaves as it is: a text whose folding touches
        none of its pairs holds it no more often folded than as written
        (variants.script_pairs), so counting it there can wait. None: every text.
        """
        if self._waiting is None:
            self._waiting = len(self.fold_pending) - self.fold_pending.count(None)
        if not self._waiting:
            return
        pending = self.fold_pending
        waiting = list(compress(docnums, map(pending.__getitem__, docnums)))
        pairs = None if term is None else term_pairs(term)
        if pairs is not None and waiting:
            # One C loop over the waiting texts' pairs: most hold none of the term's.
            found = re.compile("|".join(map(re.escape, pairs))).search
            waiting = list(compress(waiting, map(found, map(self.fold_pairs.__getitem__, waiting))))
        for d in waiting:
            info = pending[d]
            if info is None:  # listed twice
                continue
            folded = self.folded[d] = info.folded
            self.fold_extra[d] = "" if folded is self.text[d] else folded
            pending[d] = None
            self.fold_pairs[d] = ""
            self._waiting -= 1

    def compact_texts(self, by_docnum: Sequence[DocInfo | None], *, in_order: int = 0) -> bool:
        """Copy the texts read so far one after another, in docnum order, when due.

        Texts arrive from the side store in its key order, scattered over the heap
        among other objects, and a query scans them in docnum order; counting a
        term over copies made one after another (so mostly lying in memory in the
        order they are scanned) took a third to half less time on 10,000 records,
        and counting is most of a frequent term's cost. Due when as many texts
        were read since the last compaction as were compacted then, so the copying
        stays proportional to the reading. The documents in `by_docnum` get the
        copies too, so the old strings are freed.

        `in_order`: how many texts were just read, made one after another in docnum
        order (SideStore.texts). When they are every text read so far (a new process's
        first query), they already lie as copies would: none is made.
        """
        if self._loose_texts < max(COMPACT_MIN, self.compacted_texts):
            return False
        if in_order and in_order == self._loose_texts and not self.compacted_texts:
            self._loose_texts = 0
            self.compacted_texts = in_order
            return True
        self._loose_texts = 0
        for column in ("text", "fold_extra"):
            values = getattr(self, column)
            docs = list(compress(range(len(values)), values))
            olds = list(compress(values, values))
            if column == "text":
                self.compacted_texts = len(olds)
            # One new string each (joining a text and "" copies it), made while the old
            # ones are still held, so they come one after another from fresh memory
            # rather than from the holes the old ones leave; no more than the texts'
            # size is held twice.
            copies = list(map("".join, zip(olds, repeat(""))))
            if column == "text":
                folded = self.folded
                for d, old, new in zip(docs, olds, copies, strict=True):
                    values[d] = new
                    if folded[d] is old:
                        folded[d] = new
                    info = by_docnum[d]
                    if info is not None and info.text is old:
                        if info.fold_cache is old:
                            info.fold_cache = new
                        info.text = new
            else:
                folded = self.folded
                for d, old, new in zip(docs, olds, copies, strict=True):
                    values[d] = new
                    folded[d] = new
                    info = by_docnum[d]
                    if info is not None and info.fold_cache is old:
                        info.fold_cache = new
        return True

    # ----- verification

    def counts(self, docnums: Sequence[int], term: str, folded: str | None = None) -> list[int]:
        """How often `term` occurs in each doc's text.

        With `folded` (the term's variant-folded form), the larger of that and how
        often `folded` occurs in the doc's folded text: a term is found as written
        or through its variants.
        """
        literal = map(str.count, map(self.text.__getitem__, docnums), repeat(term))
        if folded is None:
            return list(literal)
        self.fold_waiting(docnums, term if folded == term else None)
        if folded == term:
            # Where folding changed nothing, the folded text is the text already counted.
            other = map(str.count, map(self.fold_extra.__getitem__, docnums), repeat(term))
        else:
            other = map(str.count, map(self.folded.__getitem__, docnums), repeat(folded))
        return list(map(max, literal, other))

    def holds(self, docnums: Sequence[int], term: str, folded: str | None = None) -> list[bool]:
        """Whether each doc's text holds `term` or (given) its folded text holds `folded`."""
        found = list(map(str.__contains__, map(self.text.__getitem__, docnums), repeat(term)))
        if folded is None:
            return found
        # The folded texts are looked in only where the text lacks the term.
        lacking = list(compress(range(len(found)), map(not_, found)))
        if not lacking:
            return found
        rest = list(map(docnums.__getitem__, lacking))
        # Texts whose folding was put off are folded first, as for `counts`.
        self.fold_waiting(rest, term if folded == term else None)
        if folded == term:
            # Where folding changed nothing, the folded text is the text already looked in.
            other = map(str.__contains__, map(self.fold_extra.__getitem__, rest), repeat(term))
        else:
            other = map(str.__contains__, map(self.folded.__getitem__, rest), repeat(folded))
        deque(map(found.__setitem__, compress(lacking, other), repeat(True)), maxlen=0)
        return found

    def firsts(self, docnums: Sequence[int], term: str) -> list[int]:
        """Where `term` first occurs in each doc's text, -1 where it does not (a scan that
        stops at its first occurrence)."""
        return list(map(str.find, map(self.text.__getitem__, docnums), repeat(term)))

    def in_heads(self, docnums: Sequence[int], firsts: Sequence[int]) -> list[bool]:
        """Whether each doc holds a term in its title or facility name, given where the term
        first occurs in its text (`firsts`, each at least 0): the head is the text's start,
        and a term holds no newline, so it is there if it starts there."""
        return list(map(lt, firsts, map(self.head_end.__getitem__, docnums)))

    def in_head(self, docnums: Sequence[int], term: str) -> list[bool]:
        """Whether each doc holds `term` in its title or facility name (its head)."""
        return list(map(str.__contains__, map(self.head.__getitem__, docnums), repeat(term)))

    def in_facility(
        self, docnums: Sequence[int], term: str, folded: str | None = None
    ) -> list[bool]:
        """Whether each doc's facility name contains `term` (or, given, its folded form)."""
        heads = list(map(self.head.__getitem__, docnums))
        starts = list(map(self.facility_start.__getitem__, docnums))
        found = list(map((-1).__ne__, map(str.find, heads, repeat(term), starts)))
        if folded is None:
            return found
        self.fold_waiting(docnums, term if folded == term else None)
        if folded != term:
            also = map((-1).__ne__, map(str.find, heads, repeat(folded), starts))
            found = list(map(bool.__or__, found, also))
        for i, d in enumerate(docnums):
            extra = self.fold_extra[d]
            if extra and not found[i]:
                parts = extra.split(FIELD_SEP, 2)
                found[i] = len(parts) > 1 and folded in parts[1]
        return found

    # ----- scoring

    def bm25(
        self,
        docnums: Sequence[int],
        terms: Sequence[str],
        idfs: Sequence[float],
        known_counts: Sequence[Sequence[float] | None] | None = None,
        heads: Sequence[Sequence[bool] | None] | None = None,
    ) -> list[float]:
        """BM25F of each doc for the terms; equal, bit for bit, to `bm25_reference`.

        `known_counts` may give, for each term (in `terms` order; None where not),
        its count in each doc's text (in `docnums` order), which saves scanning the
        texts again; `heads` likewise whether each doc holds it in its head.
        """
        if not docnums:
            return []
        nr = self.rest_norms(docnums)
        total: list[float] = [0.0] * len(docnums)
        knowns = known_counts or [None] * len(terms)
        in_heads = heads or [None] * len(terms)
        for term, idf, known, in_head in zip(terms, idfs, knowns, in_heads, strict=True):
            w = self._weights(docnums, term, known, nr, in_head)
            total = list(map(add, total, self._saturated(w, idf)))
        return total

    def bound_scores(
        self,
        docnums: Sequence[int],
        terms: Sequence[str],
        idfs: Sequence[float],
        known_counts: Sequence[Sequence[float] | None],
        heads: Sequence[Sequence[bool] | None],
    ) -> list[float]:
        """`bm25`'s scores in fewer operations, for bounding the page only (`ranked_within_bounds`).

        idf * w * (K1 + 1) / (K1 + w) = c - c * K1 / (K1 + w) with c = idf * (K1 + 1):
        each term costs three passes over the docs instead of five. The rounding differs
        from `bm25`'s by a few units in the last place of the sum of the c's, which for a
        score to move by PRUNE_SLACK relative needs a w below 1e-9 (a text a billion times
        longer than the average); the scores shown are `bm25`'s.
        """
        if not docnums:
            return []
        nr = self.rest_norms(docnums)
        cs = [idf * (K1 + 1.0) for idf in idfs]
        total: list[float] = [math.fsum(cs)] * len(docnums)
        for term, c, known, in_head in zip(terms, cs, known_counts, heads, strict=True):
            w = self._weights(docnums, term, known, nr, in_head)
            total = list(map(sub, total, map(truediv, repeat(c * K1), map(add, repeat(K1), w))))
        return total

    def weights(
        self,
        docnums: Sequence[int],
        term: str,
        known: Sequence[float] | None = None,
        in_head: Sequence[bool] | None = None,
    ) -> list[float]:
        """Each doc's field-weighted count of `term` (BM25F's w, which its score grows
        with); `known`, if given, the term's count in each doc's text, `in_head` whether
        the doc holds it in its head."""
        return self._weights(docnums, term, known, self.rest_norms(docnums), in_head)

    def _weights(
        self,
        docnums: Sequence[int],
        term: str,
        known: Sequence[float] | None,
        nr: list[float],
        in_head: Sequence[bool] | None = None,
    ) -> list[float]:
        """Each doc's field-weighted count of `term` (BM25F's w), `nr` its rest norm;
        `known`, if given, the term's count in each doc's text, and `in_head` whether
        the doc holds it in its head."""
        tf_all: Sequence[float]
        if known is not None and len(known) == len(docnums):
            tf_all = known
        else:
            tf_all = list(map(str.count, map(self.text.__getitem__, docnums), repeat(term)))
        # Without a match in title or facility, w = 0/nt + 0/nf + tf/nr = tf/nr exactly.
        w = list(map(truediv, tf_all, nr))
        if in_head is None:
            in_head = list(map(str.__contains__, map(self.head.__getitem__, docnums), repeat(term)))
        at = list(compress(range(len(w)), in_head))
        if at:
            # BOOST_TITLE * tf_t / nt + BOOST_FACILITY * tf_f / nf + tf_r / nr, evaluated
            # as `bm25_reference` writes it, a column at a time.
            ds = list(map(docnums.__getitem__, at))
            heads = list(map(self.head.__getitem__, ds))
            lt = list(map(self.title_end.__getitem__, ds))
            tf_t = list(map(str.count, heads, repeat(term), repeat(0), lt))
            tf_f = list(map(str.count, heads, repeat(term), map(add, lt, repeat(1))))
            tf_r = map(sub, map(sub, map(tf_all.__getitem__, at), tf_t), tf_f)
            nt = self._norms(lt, self.avg_title)
            nf = self._norms(map(self.facility_len.__getitem__, ds), self.avg_facility)
            title = map(truediv, map(mul, repeat(BOOST_TITLE), tf_t), nt)
            facility = map(truediv, map(mul, repeat(BOOST_FACILITY), tf_f), nf)
            rest = map(truediv, tf_r, map(nr.__getitem__, at))
            deque(map(w.__setitem__, at, map(add, map(add, title, facility), rest)), maxlen=0)
        return w

    def rest_norms(self, docnums: Sequence[int]) -> list[float]:
        """`_norms` of each doc's rest length; for many docs, from a column kept until
        documents are read (the average it divides by is fixed while the index is open)."""
        if len(docnums) * 8 < len(self.rest_len):
            return self._norms(map(self.rest_len.__getitem__, docnums), self.avg_rest)
        if self._rest_norms is None:
            self._rest_norms = self._norms(self.rest_len, self.avg_rest)
        return list(map(self._rest_norms.__getitem__, docnums))

    @staticmethod
    def _saturated(w: Iterable[float], idf: float) -> Iterable[float]:
        """idf * w * (K1 + 1) / (K1 + w) for each w, evaluated as `bm25_reference` writes it."""
        w = list(w)
        k1p = K1 + 1.0
        return map(
            truediv, map(mul, map(mul, repeat(idf), w), repeat(k1p)), map(add, repeat(K1), w)
        )

    def ranked(
        self,
        docnums: Sequence[int],
        terms: Sequence[str],
        idfs: Sequence[float],
        known_counts: Sequence[Sequence[float] | None] | None,
        count: int,
    ) -> list[tuple[float, int]]:
        """`best(docnums, bm25(docnums, terms, idfs, known_counts), count)`, scoring fewer.

        With one term, a doc's score only grows with its w, so only the docs whose
        w comes near the `count`-th largest can be among the best: they are scored
        and ordered, the others not. "Near" leaves a margin (PRUNE_SLACK) far wider
        than the rounding of the score's four operations, so the answer is the
        same, to the bit, as scoring every doc (tests/search/test_search_equivalence.py).
        """
        if len(terms) != 1 or count <= 0 or count * PRUNE_FACTOR > len(docnums):
            return self.best(docnums, self.bm25(docnums, terms, idfs, known_counts), count)
        nr = self.rest_norms(docnums)
        w = self._weights(docnums, terms[0], known_counts[0] if known_counts else None, nr)
        kth = heapq.nlargest(count, w)[-1]
        if not 0.0 < kth < PRUNE_MAX_W:
            scores = list(map(add, repeat(0.0), self._saturated(w, idfs[0])))
            return self.best(docnums, scores, count)
        keep = list(map(ge, w, repeat(kth * (1.0 - PRUNE_SLACK))))
        near = list(compress(docnums, keep))
        scores = list(map(add, repeat(0.0), self._saturated(compress(w, keep), idfs[0])))
        return self.best(near, scores, count)

    def ranked_within_bounds(
        self,
        matches: list[int],
        texts: list[str],
        idfs: list[float],
        tfs: list[list[Any] | None],
        *,
        heads: list[list[bool] | None],
        count: int,
    ) -> list[tuple[float, int]]:
        """`self.ranked` of the matches, where `tfs` are upper bounds for the terms with
        `heads` (whether each match holds the term in its head; None for the others).

        Scores grow with the counts, so the scores of the bounds bound the scores. The
        `count` (or more) matches with the highest bounds are scored exactly; the
        `count`-th best of their scores is at most the `count`-th best of all, so a match
        whose bound falls below it (by more than the rounding of a score, PRUNE_SLACK)
        cannot be among the best. Only the others are counted exactly and ranked: the same
        answer, to the bit, as counting every match (tests/search/test_search_equivalence.py).
        """
        if all(h is None for h in heads):
            return self.ranked(matches, texts, idfs, tfs, count)

        def pick(values: list[Any] | None, at: list[int]) -> list[Any] | None:
            return None if values is None else list(map(values.__getitem__, at))

        def exact(at: list[int]) -> tuple[list[int], list[list[Any] | None], list[Any]]:
            docs = list(map(matches.__getitem__, at))
            counted = [
                pick(tf, at) if head is None else self.counts(docs, text)
                for text, tf, head in zip(texts, tfs, heads, strict=True)
            ]
            return docs, counted, [pick(head, at) for head in heads]

        everything = list(range(len(matches)))
        if not prunes(len(matches), count):
            docs, exact_tfs, _heads = exact(everything)
            return self.ranked(docs, texts, idfs, exact_tfs, count)
        if len(texts) == 1:
            # One term: its score grows with its field-weighted count w, so w orders (and
            # bounds) as well as the score, without the score's four operations on every match.
            def scores(docs: list[int], tfs: list[Any], heads: list[Any]) -> list[float]:
                return self.weights(docs, texts[0], tfs[0], heads[0])
        else:

            def scores(docs: list[int], tfs: list[Any], heads: list[Any]) -> list[float]:
                return self.bound_scores(docs, texts, idfs, tfs, heads)

        ceilings = scores(matches, tfs, heads)
        # At least `count` matches, those with the highest bounds (compared as floats, in C).
        top = heapq.nlargest(count, ceilings)[-1]
        docs, exact_tfs, exact_heads = exact(
            list(compress(everything, map(ge, ceilings, repeat(top))))
        )
        floor = heapq.nlargest(count, scores(docs, exact_tfs, exact_heads))[-1]
        near = list(compress(everything, map(ge, ceilings, repeat(floor * (1.0 - PRUNE_SLACK)))))
        docs, exact_tfs, _heads = exact(near)
        return self.ranked(docs, texts, idfs, exact_tfs, count)

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

        # Counted by pairs of kind and ward (at most 72) and triples of rank, year
        # and area (a few hundred), then split. Combinations are met in document
        # order, so each value is too, and most_common() breaks ties as if the
        # values had been counted one by one.
        kind: Counter[str] = Counter()
        ward: Counter[str] = Counter()
        rank: Counter[str] = Counter()
        year: Counter[str] = Counter()
        area: Counter[str] = Counter()
        for column, combos, facets in (
            (self.kind_ward, self.kind_wards, (kind, ward)),
            (self.rank_year_area, self.rank_year_areas, (rank, year, area)),
        ):
            for combo, n in Counter(map(column.__getitem__, docnums)).items():
                for c, value in zip(facets, combos[combo], strict=True):
                    if value is not None:
                        c[value] += n
        # Tags by each doc's set of them (a few hundred sets), met in document order too.
        tags: Counter[str] = Counter()
        sets: list[tuple[tuple[str, ...]]] = list(self._ids[2])  # type: ignore[arg-type]
        for combo, n in Counter(map(self.tag_set.__getitem__, docnums)).items():
            for tag in sets[combo][0]:
                tags[tag] += n
        return {
            "kind": dict(kind.most_common()),
            "ward": dict(ward.most_common()),
            "rank": dict(rank.most_common()),
            "fiscal_year": dict(sorted(year.items())),
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
