"""The search index: Whoosh finds candidate records by bigram, Python checks them exactly.

Layout of the index folder:
  CURRENT          the name of the generation in use (replaced atomically)
  gen-<n>/whoosh/  the Whoosh bigram index (no positions, only a uid per doc)
  gen-<n>/docs.sqlite  normalised text, facet values and original text per doc
  write.lock       held by the one process that writes
  damaged-<time>-gen-<n>/  the newest generation found damaged, kept for diagnosis
A rebuild writes a new generation beside the current one and swaps CURRENT, so
a cancelled or killed rebuild leaves the old index untouched. An update adds a
Whoosh segment to the current generation, and merges the newest segments into it
as they pile up (`_merge_count`).
"""

from __future__ import annotations

import gc
import math
import os
import time
import warnings
from _thread import RLock  # threading.RLock, without importing threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import ge, gt, is_not, not_, or_
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zebkb.problems import Problem
from zebkb.search import import_whoosh_lean
from zebkb.search.columns import FLOOR_AREA_BUCKETS, Columns, prunes
from zebkb.search.documents import FACILITY, TITLE, IndexDoc
from zebkb.search.faults import fault_words
from zebkb.search.lock import IndexBusyError, WriteLock
from zebkb.search.normalize import FIELD_SEP
from zebkb.search.notices import (
    NOTICE_INDEX_DAMAGED,
    NOTICE_INDEX_OTHER_VERSION,
    NOTICE_INDEX_OUTDATED,
    NOTICE_INDEX_RESET,
)
from zebkb.search.query import ParsedQuery, QueryError, Term, parse_query, rank_key, tag_key
from zebkb.search.segments import SCHEMA_VERSION, VARIANT, IndexReader
from zebkb.search.sidestore import (
    SIDE_TABLES,
    SIDE_VERSION,
    DocInfo,
    SideStore,
    info_from_doc,
    normalised_parts,
)
from zebkb.search.snippets import make_snippet
from zebkb.search.variants import USER_FILE, VariantTable, load_variants
from zebkb.tempfiles import try_lock, unlock

if TYPE_CHECKING:
    import shutil
else:

    class _OnFirstUse:
        """shutil, imported when first used: only writers and repairs copy or remove folders
        (it loads the bz2, lzma and fnmatch modules, which a search never needs)."""

        def __getattr__(self, name: str) -> Any:
            import shutil

            return getattr(shutil, name)

    shutil = _OnFirstUse()

__all__ = [
    "FLOOR_AREA_BUCKETS",
    "IndexBusyError",
    "QueryError",
    "SearchFilters",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
]


class _Log:
    """This module's logger, made when something is first logged: a search that logs
    nothing then never imports logging (and the traceback module it loads)."""

    # Set by `zebkb search`'s quick path (zebkb/cli/search.py) around its open: it logs
    # nowhere yet, so a warning would reach stderr through logging's last resort, in
    # English beside the answer; the full path that follows opens and logs again.
    muted = False

    def __getattr__(self, name: str) -> Any:
        if self.muted:
            return _ignore
        import logging

        return getattr(logging.getLogger(__name__), name)


def _ignore(*args: object, **kwargs: object) -> None:
    return None


log = _Log()

CURRENT = "CURRENT"
LOCK = "write.lock"
# In a generation built aside and not yet adopted, locked by the process that built it.
ASIDE_LOCK = "aside.lock"
# A damaged generation set aside (the newest one only is kept: `_remove_older_damaged`).
DAMAGED_PREFIX = "damaged-"
WHOOSH_DIR = "whoosh"
SIDE_FILE = "docs.sqlite"

# Candidate planning (search-research.md, design W3).
MAX_INTERSECT = 4
# Intersecting stops once an intersection rules out fewer than 1/STOP_FRACTION of the
# candidates: an intersection of two 6,000-document sets costs as much as checking about
# 500 texts.
STOP_FRACTION = 64
FEW_CANDIDATES = 64
CACHE_MIN_DF = 300
# Counts by docnum of this many frequent bigrams are kept (8 bytes a document each: 80 KB
# at 10,000 records): ranking bounds every term's counts with them (`_tf_bounds`).
COUNT_CACHE_MAX = 64
# A build writes a segment whenever its pool holds this many postings (8 bytes each in
# arrays, about as much again for the bigrams), which bounds its memory (issue: 400 MB at
# 50,000 records); 10,000 seed records hold about 6 million.
SEGMENT_POSTINGS = 8_000_000
# Below this many documents, counting a term in each text is as quick as reading its counts.
COUNTS_MIN_DF = 1000
# An update touching at least this many documents, and this fraction of the index,
# rebuilds aside instead (one clean segment; no slower than adding in place). In
# `update`, only the documents it replaces or removes count towards the fraction.
BULK_MIN = 500
BULK_FRACTION = 0.5
# An update merges the newest segments into the one it writes when enough of them are
# each no larger than what it is writing (`_merge_count`): MERGE_FANIN - 1 while that is
# under MERGE_SMALL documents (copying them costs little beside the update), MERGE_TIER - 1
# from there. Each size class then holds at most that many segments, so their number
# grows with the logarithm of the documents. Copying a document costs about a third of
# writing it anew, and six segments more cost a warm query 4-11 % (benchmarks/
# segments_bench.py, 10 segments against 4): with fan-in 4 at every size, saving 10,000
# records in batches of 1,000 copied 6,000 documents (3.5-4.7 s of the batches' 22-26 s
# CPU) to leave four segments instead of ten; now it copies none, and the eleventh batch
# merges the ten.
MERGE_FANIN = 4
MERGE_SMALL = 256
MERGE_TIER = 11

# Where a snippet is cut from, first choice first: prose, then short fields, the title last
# (the window shows the title beside the snippet anyway).
_SNIPPET_ORDER = {"body": 0, "purpose": 0, "attachments": 0, "tags": 2, "ward_names": 3, "title": 4}


@dataclass(frozen=True)
class SearchFilters:
    """What a search keeps to besides its words (the window's chips, the command's options)."""

    kinds: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()
    ranks: tuple[str, ...] = ()
    fiscal_years: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    floor_area_min: float | None = None
    floor_area_max: float | None = None
    # Only records with an overdue follow-up (the window's 期限切れ chip).
    overdue: bool = False
    # The records with an overdue follow-up today: the service fills this in when the
    # filters or the query (後日対応:期限切れ) ask, or the window counts them, since it
    # depends on the day (zebkb/overview.py's rule by the knowledge base's clock).
    overdue_uids: frozenset[str] | None = None


@dataclass(frozen=True)
class SearchHit:
    """One record found, with its score and snippet."""

    uid: str
    kind: str
    title: str
    ward: str
    score: float
    snippet: str  # HTML-escaped original text with the matches in <b>…</b>


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, how many matched in all, and the counts by facet."""

    query: str
    total: int
    hits: list[SearchHit]
    # "kind", "ward", "rank", "fiscal_year", "tag", "floor_area" -> value -> count over all matches
    facets: dict[str, dict[str, int]]
    notice: str | None = None
    # The index is behind the database: the answer may miss its latest changes.
    stale: bool = False
    # ``search_all`` only: how many the text alone matches, before the filters (chips).
    text_total: int | None = None
    # The database's change number the service checked the index against (None: not read).
    state: int | None = None


class IndexVersionError(ValueError):
    """A generation written by another version of zebkb (its schema or side store differ).

    Not damage: an upgrade leaves one behind, and it is rebuilt from the database."""


# What `problems` (and so `zebkb check`, zebkb/cli/records.py) says of such a generation.
PROBLEM_OTHER_VERSION = Problem(
    "written by another version of zebkb (run zebkb reindex)",
    "別の版の zebkb で作られています（'zebkb reindex' で作り直してください）",
)


class _Snapshot:
    """One open generation: its word index's segments, the documents read so far, caches.

    Opening reads no document: each docnum's uid comes from the per-segment
    lists the side store keeps, and a query reads the values and texts of its
    candidates when it first meets them (`ensure`); they are kept for later
    queries and carried over an update. The segments are read without Whoosh
    (zebkb/search/segments.py); a writer opens Whoosh's index and reader when it
    first needs them (`ix`, `reader`, `leaves`).
    """

    uids: list[str | None]  # per docnum; None for a deleted one
    by_docnum: list[DocInfo | None]  # per docnum; None until read, or deleted
    deleted: frozenset[int]
    cols: Columns
    index: IndexReader  # the generation's segments, as a search reads them
    generation: int  # of the table of contents `index` read

    def __init__(self, gen_dir: Path, variants: VariantTable) -> None:
        self.gen_dir = gen_dir
        self.variants = variants
        self._ix: Any = None  # Whoosh's index and reader, for writers (`ix`, `reader`)
        self._reader: Any = None
        self._reader_stale = False
        self.side = SideStore(gen_dir / SIDE_FILE)
        try:
            if self.side.meta("schema_version") != str(SCHEMA_VERSION) or self.side.meta(
                "side_version"
            ) != str(SIDE_VERSION):
                raise IndexVersionError("index written by another version of zebkb")
            self.changes = self.side.meta("changes")
            # The documents read so far, by uid (carried over updates).
            self.infos: dict[str, DocInfo] = {}
            # Segments never change once written (only their deletion marks do), so
            # each one's uids are read once, not again after every update.
            self.segment_uids: dict[str, list[str]] = self.side.segment_uids()
            self.layout: list[tuple[str, int]] = []
            self._open_reader()
        except BaseException:
            self.side.close()
            raise

    @property
    def ix(self) -> Any:
        """Whoosh's index of the generation (writers only: it imports Whoosh)."""
        if self._ix is None:
            # Before Whoosh is imported (zebkb/search/__init__.py says why).
            import_whoosh_lean(query=False)
            from whoosh import index as whoosh_index

            self._ix = whoosh_index.open_dir(str(self.gen_dir / WHOOSH_DIR))
        return self._ix

    @property
    def reader(self) -> Any:
        """Whoosh's reader of the generation's newest table of contents (writers only)."""
        if self._reader is None:
            self._reader = self.ix.reader()
        elif self._reader_stale:  # an update since it was opened
            self._reader = _reopen(self.ix, self._reader)
        self._reader_stale = False
        return self._reader

    @property
    def leaves(self) -> list[tuple[Any, int]]:
        """Whoosh's readers of the segments and their first docnums (writers only)."""
        return list(self.reader.leaf_readers())

    def _close_reader(self) -> None:
        try:
            if self._reader is not None:
                self._reader.close()
        finally:
            self._reader = None
            self.index.close()

    def _open_reader(self, reuse: IndexReader | None = None) -> None:
        self.index = index = IndexReader(self.gen_dir / WHOOSH_DIR, reuse=reuse)
        self.generation = index.generation
        size = index.doc_count_all()
        uids: list[str | None] = [None] * size
        kept: dict[str, list[str]] = {}
        layout: list[tuple[str, int]] = []
        for segment, base in index.leaves:
            key = segment.id
            layout.append((key, base))
            seg_uids = self.segment_uids.get(key)
            if seg_uids is None or len(seg_uids) != segment.doc_count_all:
                seg_uids = self._stored_uids(key, segment.doc_count_all)
            kept[key] = seg_uids
            uids[base : base + len(seg_uids)] = seg_uids
            for docnum in segment.deleted:
                uids[base + docnum] = None
        live_mark = list(map(is_not, uids, repeat(None)))
        stats = self.side.stats()
        old: Columns | None = getattr(self, "cols", None)
        by_docnum: list[DocInfo | None] = [None] * size
        if old is not None and self.layout:
            # Segments kept from before keep their documents' docnums in order.
            before = dict(self.layout)
            ends = sorted([*before.values(), len(old.loaded)])
            moves = []
            for key, base in layout:
                start = before.get(key)
                if start is not None:
                    count = ends[ends.index(start) + 1] - start
                    moves.append((start, base, count))
                    by_docnum[base : base + count] = self.by_docnum[start : start + count]
            cols = old.remapped(moves, live_mark, stats)
            for d in compress(range(size), map(is_not, by_docnum, repeat(None))):
                if not live_mark[d]:
                    by_docnum[d] = None
        else:
            cols = Columns.unread(live_mark, stats)
        # Documents read before that sit at new docnums (a merged or new segment).
        infos = self.infos
        moved = (
            [d for d in compress(range(size), map(gt, live_mark, cols.loaded)) if uids[d] in infos]
            if infos
            else []
        )
        if moved:
            found = [infos[uids[d]] for d in moved]  # type: ignore[index]
            for d, info in zip(moved, found, strict=True):
                by_docnum[d] = info
            cols.fill(moved, found)
        self.cols = cols
        self.uids = uids
        self.layout = layout
        self.segment_uids = kept
        self.by_docnum = by_docnum
        self.deleted = frozenset(compress(range(size), map(not_, live_mark)))
        self.cache: dict[str, frozenset[int]] = {}
        self.count_cache: dict[str, list[int | None]] = {}
        self.n = cols.n

    def ensure(self, docnums: Iterable[int], *, texts: bool) -> None:
        """Read the values (and, with `texts`, the texts) of documents not read yet.

        A query reads what it needs of its candidates only, so a new process's
        first query costs what its candidates cost, not what the corpus does.
        """
        cols = self.cols
        docnums = list(docnums)
        if texts:
            # A document whose values are not read has no text read either: the
            # documents lacking a text are looked for once, among all, and the rest among them.
            docnums = cols.missing_texts(docnums)
        missing = cols.unloaded(docnums)
        if missing:
            uids = self.uids
            got = self.side.infos([u for d in missing if (u := uids[d]) is not None])
            found = [d for d in missing if uids[d] in got]
            infos = [got[uids[d]] for d in found]  # type: ignore[index]
            for d, info in zip(found, infos, strict=True):
                self.by_docnum[d] = info
                self.infos[info.uid] = info
            cols.fill(found, infos)
        if texts:
            self._ensure_texts(docnums)

    def read_texts_of(self, infos: Iterable[DocInfo]) -> None:
        """Read the texts of these documents (whose values are read), for their snippets.

        Their columns stay as they were: a later query that counts in them reads them there.
        """
        missing = [i for i in infos if not i.text]
        if not missing:
            return
        got = self.side.texts([i.uid for i in missing])
        for info in missing:
            pair = got.get(info.uid)
            if pair is not None:
                info.set_text(*pair)

    def _ensure_texts(self, docnums: list[int]) -> None:
        cols = self.cols
        missing = cols.missing_texts(docnums)
        if not missing:
            return
        by_docnum = self.by_docnum
        infos = [by_docnum[d] for d in missing]
        # In docnum order (which `missing` keeps), the order the texts are made in.
        got = self.side.texts([i.uid for i in infos if i is not None])
        for d, info in zip(missing, infos, strict=True):
            pair = got.get(info.uid) if info is not None else None
            if info is None or pair is None:
                continue
            info.set_text(*pair)
            cols.set_text(d, info)
        cols.compact_texts(by_docnum, in_order=len(got))

    def remember_segments(self) -> None:
        """Store each segment's uids in the side store, so that opening skips reading them.

        Writers only (the caller holds the write lock). A segment's uids never
        change, so a stored list is valid for as long as the segment exists.
        """
        self.side.set_segment_uids(self.segment_uids)

    def _stored_uids(self, key: str, count: int) -> list[str]:
        """A segment's uids read from Whoosh's stored fields: for a segment whose uids the
        side store lacks (a writer stopped between writing it and storing them)."""
        for leaf, _base in self.leaves:
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            if segment is not None and segment.segment_id() == key:
                return [leaf.stored_fields(i).get("uid", "") for i in range(count)]
        raise ValueError(f"segment {key} not found")

    def refresh(self, changed: Iterable[DocInfo], removed: Iterable[str]) -> None:
        for uid in removed:
            self.infos.pop(uid, None)
        for info in changed:
            self.infos[info.uid] = info
        self.changes = self.side.meta("changes")
        # Unchanged segments are kept open, ours and Whoosh's (`_reopen` says why).
        if self._reader is not None:
            self._reader_stale = True
        self._open_reader(reuse=self.index)

    def close(self) -> None:
        try:
            self._close_reader()
        finally:
            self.side.close()

    # Posting lists, a block at a time (zebkb/search/segments.py).
    def doc_frequency(self, gram: str) -> int:
        return self.index.doc_frequency(gram.encode("utf-8"))

    def live_doc_frequency(self, gram: str) -> int:
        """Documents holding `gram`, not counting deleted ones (which Whoosh counts until a merge)."""
        df = self.doc_frequency(gram)
        if not df or not self.deleted:
            return df
        posting = self.postings(gram, df)
        return len(posting) - len(posting & self.deleted)

    def gram_counts(self, gram: str, df: int) -> list[int | None] | None:
        """How often `gram` occurs in each docnum's text (None: not at all), from the
        posting weights.

        A list by docnum rather than a dict: looking thousands of matches up in it is
        about twice as fast, and for a frequent bigram it is smaller.
        """
        cached = self.count_cache.get(gram)
        if cached is not None:
            return cached
        counts: list[int | None] = [None] * len(self.uids)
        tbytes = gram.encode("utf-8")
        for segment, base in self.index.leaves:
            ids, weights = segment.read(tbytes, base, counts=True)
            # Counts are whole numbers (small ones are shared objects as ints).
            deque(map(counts.__setitem__, ids, weights), maxlen=0)
        if df >= CACHE_MIN_DF:
            if len(self.count_cache) >= COUNT_CACHE_MAX:
                # The one kept longest goes (a dict keeps its keys in insertion order).
                del self.count_cache[next(iter(self.count_cache))]
            self.count_cache[gram] = counts
        return counts

    def postings(self, gram: str, df: int) -> frozenset[int]:
        cached = self.cache.get(gram)
        if cached is not None:
            return cached
        tbytes = gram.encode("utf-8")
        ids: list[int] = []
        # Deleted docnums are included; they map to None in by_docnum and are dropped there.
        for segment, base in self.index.leaves:
            ids += segment.read(tbytes, base, counts=False)[0]
        result = frozenset(ids)
        if df >= CACHE_MIN_DF:
            self.cache[gram] = result
        return result


def _reopen(ix: Any, old: Any) -> Any:
    """The index's reader after a commit, keeping `old`'s readers of unchanged segments.

    Opening a segment reads its term table's directory (a few hundred reads), and a new
    reader starts cold: at 10,000 records in ten segments, refreshing the snapshot after
    an update took 17 ms CPU reopening all of them, 7 ms keeping them (a one-record
    update's median 58 -> 45 ms, loaded machine). A segment's files never change; one with
    as many deleted documents as before has the same ones (deletions only grow), so
    its reader answers as a new one would. The other old readers are closed.
    (Whoosh's own `reader(reuse=...)` looks its old readers up by generation under a
    segment id, so it never finds one.)
    """
    from whoosh.reading import MultiReader, SegmentReader

    reusable: dict[str, Any] = {}
    others = []
    for leaf, _base in old.leaf_readers():
        if isinstance(leaf, SegmentReader):
            reusable[leaf.segment().segment_id()] = leaf
        else:
            others.append(leaf)
    toc = ix._read_toc()
    if not toc.segments:
        old.close()
        return ix.reader()
    readers, opened = [], []
    try:
        for segment in toc.segments:
            kept = reusable.get(segment.segment_id())
            if kept is not None and kept.segment().deleted_count() == segment.deleted_count():
                readers.append(kept)
            else:
                opened.append(SegmentReader(ix.storage, toc.schema, segment, toc.generation))
                readers.append(opened[-1])
    except BaseException:
        # The old reader stays as it was, whole.
        for leaf in opened:
            leaf.close()
        raise
    kept_ids = {id(r) for r in readers}
    for leaf in chain(others, (r for r in reusable.values() if id(r) not in kept_ids)):
        leaf.close()
    for leaf in readers:
        leaf._gen = toc.generation
    if len(readers) == 1:
        return readers[0]
    return MultiReader(readers, generation=toc.generation)


def _merge_count(sizes: Sequence[int], added: int) -> int:
    """How many of the newest segments an update that adds `added` documents merges into
    the segment it writes; `sizes` are the segments' live documents, oldest first.

    MERGE_FANIN - 1 of them at a time while what is being written (which grows with
    every merge) is under MERGE_SMALL documents, MERGE_TIER - 1 from there; each no
    larger than what is being written. An update that adds nothing merges nothing.
    """
    run, taken = added, 0
    while run:
        group = (MERGE_FANIN if run < MERGE_SMALL else MERGE_TIER) - 1
        start = len(sizes) - taken - group
        if start < 0:
            break
        tail = sizes[start : start + group]
        if max(tail) > run:
            break
        taken += group
        run += sum(tail)
    return taken


def _merge_newest(writer: Any, snap: _Snapshot, added: int, uids: list[str]) -> set[str]:
    """Merge the newest segments (`_merge_count`) into `writer`'s new segment; their ids.

    `snap` reads the generation the writer starts from; the merged documents' uids
    are appended to `uids` in their new order. Deleted documents are left out
    (the writer's deletions included).
    """
    from zebkb.search.whooshfield import add_segment

    segments = writer.segments
    count = _merge_count([s.doc_count() for s in segments], added)
    if not count or len(snap.leaves) != len(segments):
        return set()
    plan = []
    for segment, (leaf, _base) in zip(segments[-count:], snap.leaves[-count:], strict=True):
        key = segment.segment_id()
        seg_uids = snap.segment_uids.get(key)
        own = leaf.segment() if hasattr(leaf, "segment") else None
        if (
            own is None
            or own.segment_id() != key
            or seg_uids is None
            or len(seg_uids) != segment.doc_count_all()
            or not hasattr(leaf, "_terms")
        ):
            # Not read as this module reads its own segments: left for a rebuild.
            return set()
        plan.append((key, leaf, seg_uids, set(segment.deleted_docs())))
    for _key, leaf, seg_uids, deleted in plan:
        uids += add_segment(writer, leaf, seg_uids, deleted)
    return {key for key, *_rest in plan}


def _kept(segments: list[Any], merged: set[str]) -> list[Any]:
    """A merge policy for Whoosh's commit: the segments not merged into the new one."""
    return [s for s in segments if s.segment_id() not in merged]


def _read_current(index_dir: Path) -> str | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not name.startswith("gen-") or "/" in name or "\\" in name:
        return None
    return name


def copy_current(index_dir: Path, target: Path) -> None:
    """Copy what opening the index needs, CURRENT and the generation it names, to
    ``target`` (a read-only folder's index is opened from a private copy). Not the
    rest: a killed build's leftover or a damaged generation is as large as the index.
    Nothing is copied when CURRENT names no generation there (the copy then needs building).
    """
    name = _read_current(index_dir)
    if name is None or not (index_dir / name).is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    # Not an aside build's lock file (nor any lock: the copy is this process's alone).
    shutil.copytree(
        index_dir / name, target / name, ignore=shutil.ignore_patterns("*.lock", "lock")
    )
    shutil.copy2(index_dir / CURRENT, target / CURRENT)


def _damaged_order(name: str) -> tuple[str, int]:
    """damaged-<local time>-gen-<ns>: by when it was set aside, then by its generation."""
    stamp, _, gen = name[len(DAMAGED_PREFIX) :].partition("-gen-")
    return stamp, int(gen) if gen.isdigit() else -1


def _write_current(index_dir: Path, name: str) -> None:
    tmp = index_dir / f"{CURRENT}.tmp"
    tmp.write_text(name, encoding="utf-8")
    os.replace(tmp, index_dir / CURRENT)


def _create_generation(
    index_dir: Path, state: int | None, variants: VariantTable
) -> tuple[str, SideStore, Any]:
    import_whoosh_lean()
    from whoosh import index as whoosh_index

    from zebkb.search.whooshfield import make_schema

    name = f"gen-{time.time_ns()}"
    gen_dir = index_dir / name
    (gen_dir / WHOOSH_DIR).mkdir(parents=True)
    ix = whoosh_index.create_in(str(gen_dir / WHOOSH_DIR), make_schema())
    side = SideStore(gen_dir / SIDE_FILE, create=True)
    side.set_meta("schema_version", str(SCHEMA_VERSION))
    side.set_meta("state", None if state is None else str(state))
    side.set_meta("changes", "0")
    side.set_meta("stats", "0 0 0")
    # The table the texts are folded with; another table means another index.
    side.set_meta("variants", variants.fingerprint)
    return name, side, ix


def _no_facets() -> dict[str, dict[str, int]]:
    """The facets of an answer with no matches (zebkb/search/columns.py names them)."""
    return {name: {} for name in ("kind", "ward", "rank", "fiscal_year", "tag", "floor_area")}


def _bulk(indexed: int, changes: int) -> bool:
    return changes >= max(BULK_MIN, int(indexed * BULK_FRACTION))


class _Hold:
    """An OS lock on a file in a generation built aside, held until it is adopted or
    dropped: a writer's sweep of generations left by killed builds
    (`SearchIndex._remove_leftovers`) leaves a held one alone."""

    def __init__(self, path: Path) -> None:
        self.fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try_lock(self.fd)

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            unlock(fd)
            os.close(fd)

    def __del__(self) -> None:
        self.release()


@dataclass(frozen=True)
class AsideBuild:
    """A generation built beside the current one (`SearchIndex.build_aside`)."""

    name: str
    based_on: str | None  # the generation whose other documents it copied
    hold: _Hold | None = field(default=None, compare=False, repr=False)


class SearchIndex:
    """Japanese full-text search over the records, kept beside the database."""

    def __init__(self, index_dir: Path, *, variants_file: Path | None = None) -> None:
        """`variants_file` extends the built-in spelling-variant table; by default the
        data folder's search-variants.txt (the index folder's parent)."""
        self.index_dir = Path(index_dir)
        self.variants_file = (
            variants_file if variants_file is not None else self.index_dir.parent / USER_FILE
        )
        self._variants_stamp = self._file_stamp()
        self.variants = load_variants(self.variants_file)
        for problem in self.variants.problems:
            log.warning("spelling variants: %s", problem)
        self.notice: str | None = None
        self._problems: list[Problem] = []
        self._mutex = RLock()
        self._snap: _Snapshot | None = None
        self._current: str | None = None
        self._lock_depth = 0
        # A generation that could not be opened; a read leaves it where it is, the next
        # write sets it aside (a read never writes).
        self._unusable: str | None = None
        self._unusable_error: BaseException | None = None  # why it could not be opened
        self._open()

    # ----- opening and recovery

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """The write lock; re-entrant within this object (rebuild may reopen, reopen may create)."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        self.index_dir.mkdir(parents=True, exist_ok=True)  # a new folder's first write
        with WriteLock(self.index_dir / LOCK):
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0

    def _open(self, *, create: bool = False) -> None:
        """Open the current generation. None there (a new folder, a damaged index) is an
        index that needs building: a read leaves it so (``_snap`` None, nothing written);
        ``create``, for a writer only, sets a damaged one aside and starts an empty one."""
        name = _read_current(self.index_dir)
        # Another process's build may swap a new generation in (and remove this one)
        # while it is being opened: then the new one is opened (a few times at most).
        for _ in range(3):
            if name is None or name == self._unusable:
                break
            if self._try_open(name, set_aside=create):
                return
            again = _read_current(self.index_dir)
            if again == name:
                break
            name = again
        if name is None and (self.index_dir / CURRENT).exists() and not self._problems:
            self._set_aside(None, ValueError("unreadable CURRENT file"))
        if not create:
            self._snap = None
            self._current = None
            return
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with self._lock():
            # Another process may have created it while we waited for the lock.
            name = _read_current(self.index_dir)
            if name is not None and name == self._unusable:
                self._set_aside(name, self._unusable_error or ValueError("unusable generation"))
            elif (
                name is not None
                and (self.index_dir / name).is_dir()
                and self._try_open(name, set_aside=True)
            ):
                return
            name, side, _ix = _create_generation(self.index_dir, None, self.variants)
            side.close()
            _write_current(self.index_dir, name)
        self._snap = _Snapshot(self.index_dir / name, self.variants)
        self._current = name

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = self.variants_file.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _reload_variants(self) -> None:
        """Read the user's variants file again when it changed since it was read."""
        stamp = self._file_stamp()
        if stamp == self._variants_stamp:
            return
        self._variants_stamp = stamp
        self.variants = load_variants(self.variants_file)
        for problem in self.variants.problems:
            log.warning("spelling variants: %s", problem)
        if self._snap is not None:
            self._snap.variants = self.variants

    def _try_open(self, name: str, *, set_aside: bool) -> bool:
        # Whoosh leaves the table-of-contents file open when it fails to load;
        # those leaked files are closed here, quietly, rather than at random later.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self._snap = _Snapshot(self.index_dir / name, self.variants)
                self._current = name
                return True
            except Exception as e:
                if _read_current(self.index_dir) != name:
                    # Swapped out and removed by another process's build while it was
                    # opened: not damage (`_open` opens the new one).
                    log.debug("search index %s was replaced while opening it", name)
                else:
                    log.warning("search index %s could not be opened: %s", name, str(e))
                    if set_aside:
                        self._set_aside(name, e)
                    else:
                        self._note_unusable(name, e)
            gc.collect()
        return False

    def _note_unusable(self, name: str, error: BaseException) -> None:
        """What a read does with a generation it cannot open: remember it, say so, move nothing."""
        self._unusable = name
        # Not the error itself: its traceback would keep the files Whoosh left open alive
        # past `_try_open`'s quiet closing of them.
        self._unusable_error = (
            IndexVersionError(str(error))
            if isinstance(error, IndexVersionError)
            else ValueError("unusable generation")
        )
        if isinstance(error, IndexVersionError):
            self.notice = NOTICE_INDEX_OTHER_VERSION
            self._problems.append(PROBLEM_OTHER_VERSION)
            return
        self.notice = NOTICE_INDEX_DAMAGED
        en, ja = fault_words(error)
        self._problems.append(Problem(f"damaged: {en}", f"壊れています（{ja}）"))

    def _set_aside(self, name: str | None, error: BaseException) -> None:
        if name is not None and name == self._unusable:
            self._unusable = None
            self._unusable_error = None
            self._problems.clear()
        if isinstance(error, IndexVersionError):
            # Not damage but an upgrade: nothing in it is lost (the index is rebuilt from
            # the database), so it is removed rather than kept as damaged-… for inspection.
            if name is not None:
                shutil.rmtree(self.index_dir / name, ignore_errors=True)
            self.notice = NOTICE_INDEX_OTHER_VERSION
            self._problems.append(PROBLEM_OTHER_VERSION)
            return
        stamp = time.strftime("%Y%m%d-%H%M%S")
        if name is not None and (self.index_dir / name).exists():
            target = self.index_dir / f"{DAMAGED_PREFIX}{stamp}-{name}"
            try:
                os.replace(self.index_dir / name, target)
            except OSError:
                shutil.rmtree(self.index_dir / name, ignore_errors=True)
            else:
                if self._lock_depth:
                    self._remove_older_damaged(keep=target.name)
        self.notice = NOTICE_INDEX_RESET
        en, ja = fault_words(error)
        self._problems.append(
            Problem(
                f"was damaged and reset: {en}",
                f"壊れていたため空に戻しました（{ja}）",
            )
        )

    def _snapshot(self) -> _Snapshot:
        """The open generation for a writer: one is created when there is none."""
        with self._mutex:
            snap = self._read_snapshot()
            if snap is None:
                self._open(create=True)
                assert self._snap is not None
                snap = self._snap
            return snap

    def _read_snapshot(self) -> _Snapshot | None:
        """The open generation, reloaded when another process has changed the index; None
        when there is none to read (it needs building, which is a write)."""
        with self._mutex:
            snap = self._snap
            name = _read_current(self.index_dir)
            stale = snap is None or name != self._current
            if not stale and snap is not None:
                try:
                    stale = snap.side.meta("changes") != snap.changes
                except Exception:
                    stale = True
            if stale:
                if snap is not None:
                    snap.close()
                self._snap = None
                self._open()
            return self._snap

    # ----- state and health

    def indexed_state(self) -> int | None:
        """The database state the index reflects; None when unknown or built with
        another spelling-variant table (it must then be rebuilt)."""
        try:
            with self._mutex:
                self._reload_variants()
                snap = self._read_snapshot()
                if snap is None:
                    return None  # no index: it needs building
                side = snap.side
                value = side.meta("state")
                folded_with = side.meta("variants")
        except Exception:
            return None
        if folded_with != self.variants.fingerprint:
            return None
        return int(value) if value not in (None, "") else None

    def doc_count(self) -> int:
        """How many records the index holds (0 when there is none yet). A read."""
        with self._mutex:
            snap = self._read_snapshot()
            return 0 if snap is None else snap.side.count()

    def problems(self) -> list[Problem]:
        """What is wrong with the index, in English and Japanese (zebkb/problems.py)."""
        self._reload_variants()
        problems = list(self._problems)
        problems.extend(
            p.under("spelling variants: ", "表記ゆれの辞書: ") for p in self.variants.problems
        )
        out_of_date = Problem(
            "out of date (run zebkb reindex)",
            "古くなっています（'zebkb reindex' で作り直してください）",
        )
        try:
            snap = self._read_snapshot()
            if snap is None:
                problems.append(out_of_date)
                return problems
            if snap.side.meta("state") in (None, ""):
                problems.append(out_of_date)
            whoosh_count = snap.index.doc_count()
            side_count = snap.side.count()
            if whoosh_count != side_count:
                problems.append(
                    Problem(
                        f"inconsistent ({whoosh_count} indexed, {side_count} stored)",
                        f"食い違っています（索引に {whoosh_count} 件、保存は {side_count} 件）",
                    )
                )
        except Exception as e:
            en, ja = fault_words(e)
            problems.append(Problem(f"cannot be read: {en}", f"読めません（{ja}）"))
        return problems

    # ----- writing

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        *,
        total: int,
        state: int,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> bool:
        """Build a fresh index aside and swap it in; False (old index kept) if cancelled."""
        with self._mutex, self._lock():
            built = self._build(docs, total=total, state=state, progress=progress, cancel=cancel)
            if built is None:
                return False
            name, done = built
            self._swap_in(name)
            if progress is not None:
                progress(done, total)
            return True

    def _build(
        self,
        docs: Iterable[IndexDoc],
        *,
        total: int,
        state: int,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        carry: tuple[SideStore, set[str]] | None = None,
    ) -> tuple[str, int] | None:
        """Write a new generation from ``docs`` (not yet current); its name and size, or None
        when cancelled. On any failure the half-built generation is removed.

        ``carry``: a generation's side store and uids; its other documents are added
        too, from their normalised texts and stored rows as they are (folded with
        this table), instead of being normalised again from their originals.
        """
        from zebkb.search.variants import apply_script
        from zebkb.search.whooshfield import InvertedPool, NoLenW3Codec, add_document

        self._remove_leftovers()
        name, side, ix = _create_generation(self.index_dir, None, self.variants)
        # Nobody reads the generation before it is swapped in, and a failed build
        # removes it whole: its side store is filled without a journal (sidestore.py).
        side.start_filling()
        fold = self.variants.fold_script
        gen_dir = self.index_dir / name

        def new_writer() -> Any:
            writer = ix.writer(codec=NoLenW3Codec())
            writer.pool = InvertedPool()
            return writer

        writer = new_writer()
        # Each segment's uids in docnum order, stored so that opening need not read them.
        segments: dict[str, list[str]] = {}
        in_segment: list[str] = []
        ok = False
        try:
            seen: set[str] = set()
            batch: list[tuple[IndexDoc, DocInfo, str]] = []
            side.db.execute("BEGIN")
            done = 0
            for doc in docs:
                if cancel is not None and done % 50 == 0 and cancel():
                    return None
                if doc.uid in seen:
                    continue
                seen.add(doc.uid)
                parts = normalised_parts(doc)
                folded, script = fold(parts[2])
                add_document(writer, doc.uid, parts[2], folded, script)
                in_segment.append(doc.uid)
                batch.append((doc, info_from_doc(doc, parts, folded), script))
                if len(batch) >= 500:
                    side.write_docs(batch)
                    batch.clear()
                if writer.pool.postings >= SEGMENT_POSTINGS:
                    # Written as a segment of its own: the postings held in memory stay bounded.
                    segments[writer.newsegment.segment_id()] = in_segment
                    writer.commit(merge=False)
                    writer, in_segment = new_writer(), []
                done += 1
                if progress is not None and done % 100 == 0:
                    progress(done, total)
            if carry is not None:
                old, replaced = carry
                skip = replaced | seen
                for uid, text, script in old.all_texts():
                    if uid in skip:
                        continue
                    if cancel is not None and done % 50 == 0 and cancel():
                        return None
                    add_document(writer, uid, text, apply_script(text, script), script)
                    in_segment.append(uid)
                    if writer.pool.postings >= SEGMENT_POSTINGS:
                        segments[writer.newsegment.segment_id()] = in_segment
                        writer.commit(merge=False)
                        writer, in_segment = new_writer(), []
                    done += 1
                    if progress is not None and done % 100 == 0:
                        progress(done, total)
                # The rows go over unchanged (same side store version: it opened).
                for table in SIDE_TABLES:
                    rows = old.db.execute(f"SELECT * FROM {table}")
                    marks = ",".join("?" * len(rows.description))
                    side.db.executemany(
                        f"INSERT OR REPLACE INTO {table} VALUES ({marks})",
                        (r for r in rows if r[0] not in skip),
                    )
            if cancel is not None and cancel():
                return None
            side.write_docs(batch)
            side.update_stats()
            side.set_meta("state", str(state))
            side.db.execute("COMMIT")
            if in_segment or not segments:
                segments[writer.newsegment.segment_id()] = in_segment
                writer.commit(merge=False)
            else:
                writer.cancel()
            side.set_segment_uids(segments)
            side.end_filling()
            ok = True
        finally:
            if not ok:
                try:
                    writer.cancel()
                except Exception:
                    log.debug("cancelling the index writer failed", exc_info=True)
            side.close()
            ix.close()
            if not ok:
                shutil.rmtree(gen_dir, ignore_errors=True)
        return name, done

    def _remove_leftovers(self) -> None:
        """Remove the generations killed builds left behind, each as large as the index
        (900 MB at 100,000 records); a build removes its own only when it fails in Python.

        Writers only (the caller holds the write lock, so no build is under way).
        A generation built aside is held (`_Hold`) until its process adopts or drops
        it, or ends; a held one is left.
        """
        keep = {self._current, _read_current(self.index_dir)}
        for path in self.index_dir.glob("gen-*"):
            if path.name in keep or not path.is_dir():
                continue
            held = path / ASIDE_LOCK
            if held.exists():
                try:
                    fd = os.open(held, os.O_RDWR)
                except OSError:
                    continue
                try:
                    if not try_lock(fd):
                        continue
                    unlock(fd)
                finally:
                    os.close(fd)
            shutil.rmtree(path, ignore_errors=True)
        self._remove_older_damaged()

    def _remove_older_damaged(self, keep: str | None = None) -> None:
        """Keep one damaged generation set aside, ``keep`` (by default the newest): enough
        to see what went wrong, where keeping each (as large as the index, 700 MB at
        100,000 records) filled the disk of a PC that met damage a few times.

        Writers only (the caller holds the write lock, as `_remove_leftovers`): these
        are no generation in use or being built, whose names begin with gen-.
        """
        damaged = sorted(
            (p for p in self.index_dir.glob(f"{DAMAGED_PREFIX}*") if p.is_dir()),
            key=lambda p: _damaged_order(p.name),
        )
        if keep is None and damaged:
            keep = damaged[-1].name
        for path in damaged:
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)

    def _swap_in(self, name: str) -> None:
        """Make a built generation the current one and drop the one it replaces."""
        old = self._current
        if self._snap is not None:
            self._snap.close()
            self._snap = None
        _write_current(self.index_dir, name)
        self._current = name
        self._snap = _Snapshot(self.index_dir / name, self.variants)
        self._snap.remember_segments()
        self.notice = None
        self._problems.clear()
        if old is not None and old != name:
            shutil.rmtree(self.index_dir / old, ignore_errors=True)
        if self._unusable is not None and self._unusable != name:
            self._set_aside(
                self._unusable, self._unusable_error or ValueError("unusable generation")
            )
            self.notice = None
            self._problems.clear()

    # A commit not yet made: its index is built beside the current one while the
    # transaction is open (an import, while its files are copied), shown once it commits.

    def is_bulk(self, changes: int) -> bool:
        """Whether a commit of this many changed records is applied by rebuilding."""
        snap = self._read_snapshot()
        return _bulk(0 if snap is None else snap.n, changes)

    def build_aside(
        self, docs: Iterable[IndexDoc], replaced: set[str], *, state: int
    ) -> AsideBuild:
        """The generation a coming commit makes current, built but not shown.

        It holds ``docs`` and every current document whose uid is not in
        ``replaced``, and says it reflects database ``state``. `adopt` shows
        it after the commit; `discard` drops it if the commit does not happen.
        """
        with self._mutex, self._lock():
            # No index yet (a new folder): nothing to copy, and none is made for the
            # aside to start from, so an import that does not commit leaves none behind.
            snap = self._read_snapshot()
            based_on = self._current
            if snap is not None and snap.side.meta("variants") == snap.variants.fingerprint:
                built = self._build(docs, total=0, state=state, carry=(snap.side, replaced))
            else:
                others = (
                    ()
                    if snap is None
                    else (d for d in snap.side.index_docs() if d.uid not in replaced)
                )
                built = self._build(chain(docs, others), total=0, state=state)
            assert built is not None  # no cancel was given
            hold = _Hold(self.index_dir / built[0] / ASIDE_LOCK)
            return AsideBuild(name=built[0], based_on=based_on, hold=hold)

    def adopt(self, aside: AsideBuild, *, state: int | None = None) -> bool:
        """Show a generation built aside; False (and dropped) if the index moved on meanwhile.

        ``state``: the database state it reflects after all, when the commit it was
        built for got another number than the one it was built with.
        """
        with self._mutex, self._lock():
            if self._current != aside.based_on or _read_current(self.index_dir) != aside.based_on:
                self.discard(aside)
                return False
            if state is not None:
                side = SideStore(self.index_dir / aside.name / SIDE_FILE)
                try:
                    side.set_meta("state", str(state))
                finally:
                    side.close()
            if aside.hold is not None:
                aside.hold.release()
            self._swap_in(aside.name)
            return True

    def discard(self, aside: AsideBuild) -> None:
        if aside.hold is not None:
            aside.hold.release()
        shutil.rmtree(self.index_dir / aside.name, ignore_errors=True)

    def update(self, docs: Iterable[IndexDoc], removed_uids: Iterable[str], *, state: int) -> None:
        """Apply one database commit: docs added or changed, uids removed.

        A batch that replaces or removes a large part of the index (an import
        of changed records) is applied by rebuilding aside from the index's own
        copy of the other documents, which leaves one clean segment instead of
        as many deleted documents. New documents alone go into a new segment:
        rebuilding for them re-added every document already indexed (saving
        10,000 records in batches of 1,000 rebuilt at 1,000, 2,000 and 3,000).
        """
        from zebkb.search.whooshfield import InvertedPool, NoLenW3Codec, add_document

        import_whoosh_lean()  # finding the old versions uses Whoosh's query classes
        merged: set[str] = set()
        new_uids: list[str] = []
        docs = list({d.uid: d for d in docs}.values())
        changed = {d.uid for d in docs}
        removed = [u for u in dict.fromkeys(removed_uids) if u not in changed]
        with self._mutex, self._lock():
            snap = self._snapshot()
            side = snap.side
            if (
                _bulk(snap.n, len(docs) + len(removed))
                and _bulk(snap.n, side.present(changed) + len(removed))
            ) or side.meta("variants") != snap.variants.fingerprint:
                # (Texts folded with another variant table cannot be added to.)
                self._rebuild_with(snap, docs, changed | set(removed), state)
                return
            # Marked dirty first: if we die half-way, the index says it is stale.
            side.set_meta("state", None)
            fold = snap.variants.fold_script
            rows = []
            for d in docs:
                parts = normalised_parts(d)
                folded, script = fold(parts[2])
                rows.append((d, info_from_doc(d, parts, folded), script))
            writer = snap.ix.writer(codec=NoLenW3Codec())
            # One searcher finds every old version (update_document opens one per document),
            # and the in-memory pool replaces Whoosh's external sort (search-research.md).
            writer.pool = InvertedPool()
            try:
                # The open snapshot reads the generation this writer starts from (opening
                # another reader costs more than the rest of a one-record update).
                current = snap.generation == writer.generation - 1
                if current:
                    # Its docnums are the writer's: the old versions are found in its uid
                    # list, not by a query per uid (a tenth of saving 1,000 new records).
                    wanted = {*removed, *changed}
                    for docnum, uid in enumerate(snap.uids):
                        if uid in wanted:
                            writer.delete_document(docnum)
                else:
                    searcher = writer.searcher()
                    try:
                        for uid in (*removed, *changed):
                            for docnum in searcher.document_numbers(uid=uid):
                                writer.delete_document(docnum)
                    finally:
                        searcher.close()
                for d, info, script in rows:
                    add_document(writer, d.uid, info.text, info.folded, script)
                    new_uids.append(d.uid)
                if current:
                    merged = _merge_newest(writer, snap, len(rows), new_uids)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=lambda _w, segments: _kept(segments, merged))
            if new_uids:
                # Known here: opening the new segment need not read them from its stored fields.
                snap.segment_uids[writer.newsegment.segment_id()] = new_uids
            changes = str(int(side.meta("changes") or 0) + 1)
            side.db.execute("BEGIN")
            side.delete_docs(removed)
            side.write_docs(rows)
            side.update_stats()
            side.set_meta("state", str(state))
            side.set_meta("changes", changes)
            side.db.execute("COMMIT")
            snap.refresh((info for _d, info, _s in rows), removed)
            snap.remember_segments()

    def _rebuild_with(
        self, snap: _Snapshot, docs: list[IndexDoc], replaced: set[str], state: int
    ) -> None:
        if snap.side.meta("variants") != snap.variants.fingerprint:
            # Folded with another table: every text is folded again from its original.
            kept = snap.side.count() - sum(1 for u in replaced if u in snap.infos)
            others = (d for d in snap.side.index_docs() if d.uid not in replaced)
            self.rebuild(chain(docs, others), total=len(docs) + kept, state=state)
            return
        with self._mutex, self._lock():
            built = self._build(docs, total=0, state=state, carry=(snap.side, replaced))
            assert built is not None  # no cancel was given
            self._swap_in(built[0])

    def close(self) -> None:
        with self._mutex:
            if self._snap is not None:
                self._snap.close()
                self._snap = None

    # ----- searching

    def search_uids(self, query: str, *, filters: SearchFilters | None = None) -> list[str]:
        """Every matching uid, best first, without snippets (for "select all" and tests)."""
        parsed = parse_query(query)
        with self._mutex:
            snap = self._read_snapshot()
            if snap is None:
                return []
            folds = _folds(snap, parsed)
            matches, counts, _bounded = _match(snap, parsed, filters or SearchFilters(), folds)
            ranked = _rank(snap, parsed, matches, counts, len(matches), folds=folds)
            return [d.uid for _s, d in ranked]

    def search_all(
        self, query: str, *, filters: SearchFilters | None = None
    ) -> tuple[SearchResult, list[str]]:
        """Every uid the query and filters select, best first, their total, and the counts
        the window's navigation shows, from one pass of the matcher: one keystroke's work.

        The facets follow the filters as a tag browser's do: each group is counted with
        every filter but its own (with 種別:事例 + 区:葛飾区, the ward group says how many
        cases each ward has, and the other wards stay choosable); without filters they
        are ``search``'s. ``text_total`` is how many the text alone matches.
        """
        parsed = parse_query(query)
        with self._mutex:
            snap = self._read_snapshot()
            if snap is None:
                empty = SearchResult(
                    query=query,
                    total=0,
                    hits=[],
                    facets=_no_facets(),
                    notice=self.notice,
                    text_total=0,
                )
                return empty, []
            folds = _folds(snap, parsed)
            # The text alone, once; the filters then only look at the matches' values.
            late = (filters or SearchFilters()).overdue_uids
            matches, counts, _bounded = _match(
                snap, parsed, SearchFilters(overdue_uids=late), folds
            )
            text_total = len(matches)
            keep, facets = _filter_facets(snap, matches, filters or SearchFilters())
            if keep is not None:
                matches = list(compress(matches, keep))
                counts = {t: list(compress(c, keep)) for t, c in counts.items()}
            ranked = _rank(snap, parsed, matches, counts, len(matches), folds=folds)
            result = SearchResult(
                query=query,
                total=len(matches),
                hits=[],
                facets=facets,
                notice=_notice(snap, self),
                text_total=text_total,
            )
            return result, [d.uid for _s, d in ranked]

    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> SearchResult:
        parsed = parse_query(query)
        with self._mutex:
            snap = self._read_snapshot()
            if snap is None:  # no index yet: nothing found, and the caller hears it is stale
                return SearchResult(
                    query=query, total=0, hits=[], facets=_no_facets(), notice=self.notice
                )
            return _run(
                snap,
                query,
                parsed=parsed,
                filters=filters or SearchFilters(),
                limit=limit,
                offset=offset,
                index=self,
            )


# ----- the query plan
#
# A term not in quotes is found as written or through a spelling variant: a text
# matches when it holds the term, or when its folded text holds the term's folded
# form (zebkb/search/variants.py). `folds` maps each such term to its folded form;
# quoted terms map to None and are found only as written.

Folds = dict[Term, str | None]


def _folds(snap: _Snapshot, parsed: ParsedQuery) -> Folds:
    fold = snap.variants.fold
    return {
        t: None if t.exact else fold(t.text) for t in (*parsed.positive_terms, *parsed.negatives)
    }


def _df(snap: _Snapshot, dfs: dict[str, int], gram: str) -> int:
    df = dfs.get(gram)
    if df is None:
        df = dfs[gram] = snap.doc_frequency(gram)
    return df


def _gram_candidates(
    snap: _Snapshot, grams: Sequence[str], dfs: dict[str, int], *, variant: bool
) -> frozenset[int] | None:
    """Docnums whose text (or, with `variant`, folded text) may hold every gram; None: all."""

    def df_of(g: str) -> int:
        return _df(snap, dfs, g) + (_df(snap, dfs, VARIANT + g) if variant else 0)

    ordered = sorted(set(grams), key=df_of)
    if not ordered:
        return None
    result: frozenset[int] | None = None
    for g in ordered[:MAX_INTERSECT]:
        if df_of(g) == 0:
            return frozenset()
        posting = snap.postings(g, _df(snap, dfs, g))
        if variant:
            extra = _df(snap, dfs, VARIANT + g)
            if extra:
                # A folded text's bigram is either one of its text's or marked as a variant.
                posting = posting | snap.postings(VARIANT + g, extra)
        before = result
        result = posting if before is None else before & posting
        if len(result) <= FEW_CANDIDATES:
            break
        if before is not None and (len(before) - len(result)) * STOP_FRACTION < len(before):
            # The bigrams go together (one word): another intersection costs more than
            # checking the few texts it would rule out (ゼロカーボンシティ: 6,830, 6,800, 6,800).
            break
    return result


def _term_candidates(
    snap: _Snapshot, term: Term, folded: str | None, dfs: dict[str, int]
) -> frozenset[int] | None:
    """Docnums that may contain `term` (as written or, unquoted, as a variant); None: all."""
    from zebkb.search.normalize import query_grams

    written = None
    if folded != term.text:
        written = _gram_candidates(snap, query_grams(term.text), dfs, variant=False)
        if folded is None:
            return written
        if written is None:
            return None
    assert folded is not None
    # When folding leaves the term as it is, its folded-text candidates include the
    # texts holding it as written.
    variants = _gram_candidates(snap, query_grams(folded), dfs, variant=True)
    if variants is None:
        return None
    return variants if written is None else variants | written


def _candidates(
    snap: _Snapshot,
    parsed: ParsedQuery,
    folds: Folds,
    found: dict[Term, frozenset[int] | None] | None = None,
) -> list[int] | None:
    """Sorted docnums that may match; None means every document.

    `found`, if given, receives each OR's alternatives' own candidates (`_term_candidates`).
    """
    dfs: dict[str, int] = {}
    sets: list[frozenset[int]] = []
    for group in parsed.groups:
        alternatives = [_term_candidates(snap, t, folds[t], dfs) for t in group]
        if found is not None and len(group) > 1:
            found.update(zip(group, alternatives, strict=True))
        if any(a is None for a in alternatives):
            continue
        # One alternative (no OR) is its own union: not copied (thousands of docnums).
        union: frozenset[int] = (
            alternatives[0]  # type: ignore[assignment]
            if len(alternatives) == 1
            else frozenset().union(*alternatives)  # type: ignore[arg-type]
        )
        sets.append(union)
    if not sets:
        return None
    sets.sort(key=len)
    result = sets[0]
    for s in sets[1:]:
        if len(result) <= FEW_CANDIDATES:
            break
        result = result & s
    return sorted(result)


def _normalised_fields(
    d: DocInfo, fields: dict[str, str], *, folded: bool = False
) -> dict[str, str]:
    """Each original field's normalised (or folded) text, cut from the document's in-memory text.

    The text joins title, facility and the other fields in their stored order
    (`normalised_parts`); normalising removes every newline from a field, and
    folding never adds or removes one.
    """
    rest = [k for k in fields if k not in (TITLE, FACILITY)]
    parts = (d.folded if folded else d.text).split(FIELD_SEP)
    if len(parts) != len(rest) + 2:
        return {}
    return dict(zip([TITLE, FACILITY, *rest], parts, strict=True))


def _idfs(snap: _Snapshot, terms: Sequence[Term], folds: Folds) -> list[float]:
    from zebkb.search.normalize import query_grams

    n = max(1, snap.n)
    idfs = []
    for t in terms:
        grams = query_grams(t.text)
        df = min(snap.live_doc_frequency(g) for g in set(grams)) if grams else snap.n
        folded = folds.get(t)
        if folded is not None:
            # Found as written or as a variant: at least as many as either way alone.
            fgrams = set(query_grams(folded))
            fdf = (
                min(snap.live_doc_frequency(g) + snap.doc_frequency(VARIANT + g) for g in fgrams)
                if fgrams
                else snap.n
            )
            df = max(df, fdf)
        df = min(df, n)
        idfs.append(math.log(1.0 + (n - df + 0.5) / (df + 0.5)))
    return idfs


def _exact_posting(snap: _Snapshot, term: Term, folded: str | None) -> frozenset[int] | None:
    """The documents holding the term, when the index's posting lists say exactly; else None.

    So for a two-character term (its one bigram) in an index without deleted
    documents, and that folding leaves as it is; the candidates then need no checking.
    """
    from zebkb.search.normalize import is_one_bigram

    text = term.text
    if term.facility_only or snap.deleted or not is_one_bigram(text):
        return None
    if folded is not None and folded != text:
        return None
    posting = snap.postings(text, snap.doc_frequency(text))
    if folded is not None:
        extra = snap.doc_frequency(VARIANT + text)
        if extra:
            posting = posting | snap.postings(VARIANT + text, extra)
    return posting


def _holding(cols: Columns, docnums: list[int], term: Term, folded: str | None) -> list[bool]:
    """Whether each document's text holds the term: as written or, unquoted, folded (its
    folded text holds the folded term); with facility:, in the facility name."""
    if term.facility_only:
        return cols.in_facility(docnums, term.text, folded)
    return cols.holds(docnums, term.text, folded)


def _holding_among(
    cols: Columns,
    docnums: list[int],
    term: Term,
    folded: str | None,
    among: frozenset[int] | None,
) -> list[bool]:
    """`_holding`, looked for only in the docs `among` the term's candidates
    (`_term_candidates`: the others lack one of its bigrams, so cannot hold it); None: all."""
    if among is None:
        return _holding(cols, docnums, term, folded)
    held = [False] * len(docnums)
    at = list(compress(range(len(docnums)), map(among.__contains__, docnums)))
    if at:
        found = _holding(cols, list(map(docnums.__getitem__, at)), term, folded)
        for i in compress(at, found):
            held[i] = True
    return held


def _match(
    snap: _Snapshot,
    parsed: ParsedQuery,
    filters: SearchFilters,
    folds: Folds,
    *,
    page: int = 0,
    ranked: bool = True,
) -> tuple[list[int], dict[Term, list[Any]], dict[Term, list[bool]]]:
    """The docnums of every document the query and filters select, verified against its text.

    Also, for some terms, the term's count in each of those documents. With `page`, the
    number of best matches to be ranked, when the matches are many more than that (so
    that ranking looks at a few of them, `prunes`): for some terms an upper bound of the
    count instead (`_tf_bounds`), and for those terms whether each document holds the
    term in its title or facility name (its head). Not `ranked` (totals and facets
    alone): whether each text holds a term, not how often, and no counts.
    """
    # The chips' tests, one per group set: the ones the facet counts apply (`_filter_facets`).
    chips = tuple(_filter_tests(filters).values())
    groups = parsed.groups
    negatives = parsed.negatives
    cols = snap.cols
    late = _overdue_uids(filters, parsed)

    # Each OR's alternatives' own candidates: each is looked for only among its own.
    found: dict[Term, frozenset[int] | None] = {}
    candidates = _candidates(snap, parsed, folds, found)
    if candidates is None:
        candidates = cols.live
    filtered = chips or negatives or parsed.overdue
    plain = not filtered and not parsed.has_field_filters and all(len(g) == 1 for g in groups)
    exacts = {g[0]: _exact_posting(snap, g[0], folds[g[0]]) for g in groups} if plain else {}
    # Terms their posting lists decide (two characters) need no text: a new process's broad
    # two-character query reads only the values, and the texts of the page it shows.
    decided = plain and None not in exacts.values()
    snap.ensure(candidates, texts=bool(groups or negatives) and not decided)
    if plain:
        # The common case, plain words: counted in C, rarest term first; the counts
        # are kept for scoring, which then need not scan the texts again.
        matches = list(candidates)
        counts: dict[Term, list[Any]] = {}
        # For the terms whose counts are bounded: whether each match holds it in its head.
        heads: dict[Term, list[bool]] = {}
        keep: list[Any]
        for g in sorted(groups, key=lambda g: -len(g[0].text)):
            t = g[0]
            folded = folds[t]
            exact = exacts[t]
            if exact is not None and len(groups) == 1 and candidates is not cols.live:
                break
            if exact is not None:
                # Its posting list is the answer: a set lookup instead of a text scan.
                keep = list(map(exact.__contains__, matches))
                matches = list(compress(matches, keep))
                counts = {k: list(compress(v, keep)) for k, v in counts.items()}
                heads = {k: list(compress(v, keep)) for k, v in heads.items()}
                continue
            grams = (
                _bound_grams(snap, t.text)
                if ranked and folded is None and not t.facility_only and prunes(len(matches), page)
                else None
            )
            firsts: list[int] = []
            if t.facility_only:
                keep = cols.in_facility(matches, t.text, folded)
            elif grams:
                # Where each text holds the term first (a scan that stops there, half of
                # counting them all); its counts are bounded from the postings, and counted
                # only where they can decide the page (`_rank`).
                firsts = cols.firsts(matches, t.text)
                keep = list(map(ge, firsts, repeat(0)))
            elif ranked:
                keep = cols.counts(matches, t.text, folded)
            else:
                # Nothing will be ranked: a look that stops at the first occurrence.
                keep = cols.holds(matches, t.text, folded)
            matches = list(compress(matches, keep))
            counts = {k: list(compress(v, keep)) for k, v in counts.items()}
            heads = {k: list(compress(v, keep)) for k, v in heads.items()}
            tf = _tf_bounds(grams, matches) if grams else None
            if tf is not None:
                counts[t] = tf
                heads[t] = cols.in_heads(matches, list(compress(firsts, keep)))
            elif grams:
                counts[t] = cols.counts(matches, t.text)
            elif ranked and not t.facility_only:
                counts[t] = list(compress(keep, keep))
        return matches, counts, heads

    def selected(d: DocInfo) -> bool:
        """Whether the chips and the query's field filters keep a document (its values)."""
        for test in chips:
            if not test(d):
                return False
        if parsed.kinds and d.kind not in parsed.kinds:
            return False
        if d.kind in parsed.not_kinds or d.ward in parsed.not_wards:
            return False
        if parsed.wards and d.ward not in parsed.wards:
            return False
        if parsed.ranks and d.rank_key not in parsed.ranks:
            return False
        if d.rank_key and d.rank_key in parsed.not_ranks:
            return False
        if parsed.fiscal_years and d.fiscal_year not in parsed.fiscal_years:
            return False
        if d.fiscal_year in parsed.not_fiscal_years:
            return False
        if parsed.tags and not parsed.tags <= d.tag_keys:
            return False
        if parsed.not_tags & d.tag_keys:
            return False
        return not (
            (parsed.overdue and d.uid not in late) or (parsed.not_overdue and d.uid in late)
        )

    by_docnum = snap.by_docnum
    selection = list(
        compress(candidates, map(is_not, map(by_docnum.__getitem__, candidates), repeat(None)))
    )
    if chips or parsed.has_field_filters:
        # The values first (one look each), so the texts are scanned only for the documents kept.
        selection = [n for n in selection if selected(by_docnum[n])]  # type: ignore[arg-type]
    # Then the terms, each over every document left at once (the scans loop in C).
    for g in groups:
        keep = _holding_among(cols, selection, g[0], folds[g[0]], found.get(g[0]))
        for t in g[1:]:
            keep = list(map(or_, keep, _holding_among(cols, selection, t, folds[t], found.get(t))))
        selection = list(compress(selection, keep))
    dfs: dict[str, int] = {}
    for t in negatives:
        # Only the texts that may hold it are looked in: the others are kept as they are.
        among = _term_candidates(snap, t, folds[t], dfs) if selection else None
        held = _holding_among(cols, selection, t, folds[t], among)
        selection = list(compress(selection, map(not_, held)))
    return selection, {}, {}


# Bounds from the rarest bigram, the most specific to the term. The two rarest bound the
# count exactly in more documents (at 10,000 records: zeb 99 % instead of 44 %, most
# terms 97-100 % either way), but only the few near the page are counted exactly
# (`Columns.ranked_within_bounds`), and the second's lookup over every match cost more
# than it saved: over the benchmark's 50 queries, 2 % less CPU time with one.
BOUND_GRAMS = 1


def _bound_grams(snap: _Snapshot, term: str) -> list[list[int | None]] | None:
    """The counts by docnum (`_Snapshot.gram_counts`) of the term's rarest bigrams, or None."""
    from zebkb.search.normalize import query_grams

    grams = sorted(set(query_grams(term)), key=snap.doc_frequency)[:BOUND_GRAMS]
    found = [snap.gram_counts(g, snap.doc_frequency(g)) for g in grams]
    if not found or None in found:
        return None
    return found  # type: ignore[return-value]  # no None left


def _tf_bounds(
    grams: list[list[int | None]], docnums: list[int], *, absent: int | None = None
) -> list[float] | None:
    """An upper bound of a term's count in each document holding it: the least count of
    its bigrams there (each occurrence holds each of them). None when a posting lacks
    one of the documents, which only a damaged index would; with `absent`, documents
    that need not hold the term (an OR's other side), that bound where a posting lacks
    them (0: a text without one of its bigrams does not hold it)."""
    lookups: list[Iterable[int | None]] = [map(g.__getitem__, docnums) for g in grams]
    if absent is not None:
        lookups = [[absent if c is None else c for c in found] for found in lookups]
    try:
        bounds: list[Any] = list(map(min, *lookups) if len(lookups) > 1 else lookups[0])
    except TypeError:  # None: a posting without the document
        return None
    return None if None in bounds else bounds


# Which SearchFilters fields each facet group is chosen by.
FILTER_FIELDS: dict[str, tuple[str, ...]] = {
    "kind": ("kinds",),
    "ward": ("wards",),
    "rank": ("ranks",),
    "fiscal_year": ("fiscal_years",),
    "tag": ("tags",),
    "floor_area": ("floor_area_min", "floor_area_max"),
    "overdue": ("overdue",),
}
# The group of the overdue filter: its one value counts the records with an overdue
# follow-up, when the caller gave them (``SearchFilters.overdue_uids``).
OVERDUE = "overdue"


def _overdue_uids(filters: SearchFilters, parsed: ParsedQuery) -> frozenset[str]:
    """The records with an overdue follow-up, as the caller gave them (when it is asked)."""
    asked = filters.overdue or parsed.overdue or parsed.not_overdue
    if asked and filters.overdue_uids is None:
        # Only the service knows which follow-ups are overdue today (it reads the database).
        raise ValueError("overdue follow-ups asked for without the records that have them")
    return filters.overdue_uids or frozenset()


def _filter_tests(filters: SearchFilters) -> dict[str, Callable[[DocInfo], bool]]:
    """One test per facet group the filters set: `_match` selects with them, and
    `_filter_facets` counts each group under the others' with them."""
    tests: dict[str, Callable[[DocInfo], bool]] = {}
    if filters.kinds:
        kinds = frozenset(filters.kinds)
        tests["kind"] = lambda d: d.kind in kinds
    if filters.wards:
        wards = frozenset(filters.wards)
        tests["ward"] = lambda d: d.ward in wards
    if filters.ranks:
        ranks = frozenset(rank_key(r) for r in filters.ranks)
        tests["rank"] = lambda d: d.rank_key in ranks
    if filters.fiscal_years:
        years = frozenset(filters.fiscal_years)
        tests["fiscal_year"] = lambda d: d.fiscal_year in years
    if filters.tags:
        tags = frozenset(tag_key(t) for t in filters.tags)
        tests["tag"] = lambda d: tags <= d.tag_keys
    lo, hi = filters.floor_area_min, filters.floor_area_max
    if lo is not None or hi is not None:
        tests["floor_area"] = lambda d: (
            d.floor_area_m2 is not None
            and ((lo is None or d.floor_area_m2 >= lo) and (hi is None or d.floor_area_m2 <= hi))
        )
    if filters.overdue:
        late = _overdue_uids(filters, ParsedQuery())
        tests[OVERDUE] = lambda d: d.uid in late
    return tests


def _filter_facets(
    snap: _Snapshot, matches: list[int], filters: SearchFilters
) -> tuple[list[bool] | None, dict[str, dict[str, int]]]:
    """Which of the text's matches every filter keeps (None: all), and the facets with
    each group counted under every filter but its own.

    A match failing one group's filter alone still counts in that group; one failing
    two counts nowhere. Document order is kept, so ties in the counts fall as in a
    search with those filters (`Columns.facets`).
    """
    tests = _filter_tests(filters)
    if not tests:
        facets = snap.cols.facets(matches)
        _count_overdue(snap, matches, None, filters, facets)
        return None, facets
    by_docnum = snap.by_docnum
    # Per match: "" when every filter keeps it, the group whose filter alone drops it,
    # None when two or more do (or it is no live document, as a filtered search drops).
    failed: list[str | None] = []
    for n in matches:
        d = by_docnum[n]
        if d is None:
            failed.append(None)
            continue
        missed = [g for g, test in tests.items() if not test(d)]
        failed.append("" if not missed else missed[0] if len(missed) == 1 else None)
    keep = [f == "" for f in failed]
    facets = snap.cols.facets(list(compress(matches, keep)))
    for group in tests:
        if group != OVERDUE:
            alone = [f in ("", group) for f in failed]
            facets[group] = snap.cols.facets(list(compress(matches, alone)))[group]
    _count_overdue(snap, matches, failed, filters, facets)
    return keep, facets


def _count_overdue(
    snap: _Snapshot,
    matches: list[int],
    failed: list[str | None] | None,
    filters: SearchFilters,
    facets: dict[str, dict[str, int]],
) -> None:
    """The overdue group's count, under every other filter, when the caller gave the
    records (``failed`` as in `_filter_facets`; None: no filters)."""
    late = filters.overdue_uids
    if late is None:
        return
    if not late:  # the common case: nothing overdue, nothing to look up
        facets[OVERDUE] = {}
        return
    uids = snap.uids
    under = matches if failed is None else compress(matches, (f in ("", OVERDUE) for f in failed))
    n = sum(uids[d] in late for d in under)
    facets[OVERDUE] = {OVERDUE: n} if n else {}


def _rank(
    snap: _Snapshot,
    parsed: ParsedQuery,
    matches: list[int],
    counts: dict[Term, list[Any]],
    count: int,
    *,
    folds: Folds,
    bounded: dict[Term, list[bool]] | None = None,
) -> list[tuple[float, DocInfo]]:
    """The best `count` matches: BM25F when there are terms, else newest first.

    `counts` holds, for the terms in `bounded`, upper bounds of their counts, and
    `bounded` whether each match holds the term in its head (`_match`).
    """
    from zebkb.search.normalize import is_one_bigram

    terms = parsed.positive_terms
    if terms:
        # A frequent two-character term's counts come from the index: scanning
        # thousands of texts for it was the slowest part of the slowest queries.
        # So do a rarer one's when the texts have not been read (`_match`).
        # By term, not by its text: "取組" and a quoted "取組" count differently.
        known: dict[Term, list[Any]] = dict(counts)
        heads_of: dict[Term, list[bool]] = dict(bounded or {})
        unread = bool(snap.cols.missing_texts(matches))
        for t in terms:
            folded = folds[t]
            if t in known:
                continue
            if is_one_bigram(t.text) and (
                folded is None or (folded == t.text and not snap.doc_frequency(VARIANT + t.text))
            ):
                df = snap.doc_frequency(t.text)
                by_doc = snap.gram_counts(t.text, df) if df >= COUNTS_MIN_DF or unread else None
                if by_doc is not None:
                    tf = list(map(by_doc.__getitem__, matches))
                    if None not in tf:
                        known[t] = tf
                        continue
            if unread:
                # This term is counted in the texts: read those not read yet.
                snap.ensure(matches, texts=True)
                unread = False
            if folded is not None and not t.facility_only:
                # A text may hold only a variant of the term: count that too.
                known[t] = snap.cols.counts(matches, t.text, folded)
            elif not t.facility_only and prunes(len(matches), count):
                # Matches `_match` did not count (OR, filters): bounds from the postings, as
                # for the plain path's, so only those near the page are counted.
                grams = _bound_grams(snap, t.text)
                bounds = _tf_bounds(grams, matches, absent=0) if grams else None
                if bounds is not None:
                    known[t] = bounds
                    heads_of[t] = snap.cols.in_head(matches, t.text)
        texts = [t.text for t in terms]
        idfs = _idfs(snap, terms, folds)
        tfs = [known.get(t) for t in terms]
        heads = [heads_of.get(t) for t in terms]
        best = snap.cols.ranked_within_bounds(matches, texts, idfs, tfs, heads=heads, count=count)
    else:
        best = snap.cols.best(matches, None, count)
    by_docnum = snap.by_docnum
    return [(s, d) for s, n in best if (d := by_docnum[n]) is not None]


def _run(
    snap: _Snapshot,
    query: str,
    *,
    parsed: ParsedQuery,
    filters: SearchFilters,
    limit: int,
    offset: int,
    index: SearchIndex,
) -> SearchResult:
    folds = _folds(snap, parsed)
    # Bounds of the counts are enough for ranking a page of a few of many matches.
    matches, counts, bounded = _match(
        snap, parsed, filters, folds, page=offset + limit, ranked=limit > 0
    )
    facets = snap.cols.facets(matches)
    # The overdue chip's count too, from the same matches, when the caller gave the records.
    _count_overdue(snap, matches, None, filters, facets)
    terms = parsed.positive_terms
    # No page (the window asks for totals and facets alone with limit 0): nothing to rank,
    # and no text to read for it.
    top = (
        _rank(snap, parsed, matches, counts, offset + limit, folds=folds, bounded=bounded)
        if limit > 0
        else []
    )
    # Snippets, the costly part of a hit, only for the page shown.
    page = top[offset : offset + limit]
    if terms:  # where the terms are marked in the snippet
        snap.read_texts_of(d for _s, d in page)
    originals = snap.side.originals([d.uid for _s, d in page])
    snippet_terms = sorted({t.text for t in terms}, key=len, reverse=True)
    variant_terms = sorted({f for t in terms if (f := folds[t]) is not None}, key=len, reverse=True)
    hits = []
    for score, d in page:
        fields = originals.get(d.uid, {})
        ordered = dict(sorted(fields.items(), key=lambda kv: _SNIPPET_ORDER.get(kv[0], 1)))
        hits.append(
            SearchHit(
                uid=d.uid,
                kind=d.kind,
                title=fields.get("title", ""),
                ward=d.ward,
                score=round(score, 4),
                snippet=make_snippet(
                    ordered,
                    snippet_terms,
                    normalised=_normalised_fields(d, fields),
                    variant_terms=variant_terms,
                    variants=snap.variants,
                    folded=_normalised_fields(d, fields, folded=True) if variant_terms else None,
                ),
            )
        )
    return SearchResult(
        query=query, total=len(matches), hits=hits, facets=facets, notice=_notice(snap, index)
    )


def _notice(snap: _Snapshot, index: SearchIndex) -> str | None:
    notice = index.notice
    if notice is None and snap.side.meta("state") in (None, ""):
        notice = NOTICE_INDEX_OUTDATED
    return notice
