"""What one search does off the GUI thread: matching uids, their table rows, the counts.

Pure Python over the service (no Qt), so it runs on a reader thread and is
measured by the benchmark as it is. The table rows of the whole knowledge
base are cached and read again only when the database has changed, so a
keystroke costs one search, not a 50,000-row query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from zebkb.search.engine import SearchFilters
from zebkb.search.query import parse_query
from zebkb.service import NOTICE_DATABASE_AWAY, DatabaseAwayError, KnowledgeBase, TableRow


@dataclass(frozen=True)
class SearchAnswer:
    query: str
    filters: SearchFilters
    rows: list[TableRow]
    # Counts per navigation entry: the text, and every chip but the entry's own group.
    facets: dict[str, dict[str, int]]
    facet_total: int
    # The one kind every row must have (columns fit it), else None.
    kind: str | None
    terms: tuple[str, ...]
    notice: str | None = None
    # The index is behind the database: these answers are what it has; the window
    # schedules the rebuild as a write (a read never builds the index).
    stale: bool = False
    # Why the index must be rebuilt whole rather than catch up from the change log
    # (None: a catch-up of the few records changed since, as after another PC's save).
    rebuild: str | None = None


class RowCache:
    """The table rows of every live record, keyed by uid; refreshed when data changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: int | None = None
        self._rows: dict[str, TableRow] = {}

    def rows(self, kb: KnowledgeBase) -> dict[str, TableRow]:
        try:
            state = kb.change_state()
        except DatabaseAwayError:
            # Team mode, the server away: the rows this window last read are what there is.
            with self._lock:
                if self._state is not None:
                    return self._rows
            raise
        with self._lock:
            if state != self._state:
                # State read first: a commit landing meanwhile makes the next call reload.
                self._rows = {r.uid: r for r in kb.table_rows()}
                self._state = state
            return self._rows


# Which SearchFilters fields each navigation group (facet) sets.
_FACET_FIELDS: dict[str, tuple[str, ...]] = {
    "kind": ("kinds",),
    "ward": ("wards",),
    "rank": ("ranks",),
    "fiscal_year": ("fiscal_years",),
    "tag": ("tags",),
    "floor_area": ("floor_area_min", "floor_area_max"),
}


def facets_under_filters(
    kb: KnowledgeBase,
    query: str,
    filters: SearchFilters,
    counted: dict[SearchFilters, dict[str, dict[str, int]]],
) -> dict[str, dict[str, int]]:
    """Counts that follow the chips, as a tag browser's do.

    Each group is counted with every other chip applied but not its own, so
    with 種別:事例 + 区:葛飾区 the ward group says how many cases each ward has
    (葛飾区 as many as the list shows) and the other wards stay choosable.
    `counted` holds the facets already counted for this text, by filters (the
    text alone, and every chip): a group whose chips cleared leave filters
    counted already (a lone chip leaves none) costs no search; each other
    group with a chip costs one.
    """

    def facets(f: SearchFilters) -> dict[str, dict[str, int]]:
        if f not in counted:
            counted[f] = kb.search(query, filters=f, limit=0).facets
        return counted[f]

    out: dict[str, dict[str, int]] = {}
    with_all = facets(filters)
    for group in set(counted[SearchFilters()]) | set(with_all):
        names = _FACET_FIELDS.get(group)
        active = names is not None and any(getattr(filters, n) not in ((), None) for n in names)
        if not active or names is None:
            out[group] = with_all.get(group, {})
            continue
        cleared = replace(filters, **{n: getattr(SearchFilters(), n) for n in names})
        out[group] = facets(cleared).get(group, {})
    return out


def run_search(
    kb: KnowledgeBase, query: str, filters: SearchFilters, cache: RowCache
) -> SearchAnswer:
    parsed = parse_query(query)  # a bad query raises QueryError: one line for the user
    # One engine pass gives the rows, their total and the navigation's counts; with
    # chips, the text alone is counted too (the navigation's total) and each chip
    # group without its own chip. A stale index answers from what it has and says
    # so; kb.search never rebuilds it.
    has_filters = filters != SearchFilters()
    chosen, uids = kb.search_all(query, filters=filters)
    overall = kb.search(query, limit=0) if has_filters else chosen
    stale = overall.stale
    by_uid = cache.rows(kb)
    rows = [by_uid[u] for u in uids if u in by_uid]
    kinds = set(filters.kinds) or set(parsed.kinds)
    kind = next(iter(kinds)) if len(kinds) == 1 else None
    # A quoted phrase stays in quotes: highlighting then marks it only as written,
    # not its spelling variants (zebkb/render.py).
    terms = tuple(
        sorted(
            {f'"{t.text}"' if t.exact else t.text for t in parsed.positive_terms},
            key=len,
            reverse=True,
        )
    )
    facets = (
        facets_under_filters(
            kb, query, filters, {SearchFilters(): overall.facets, filters: chosen.facets}
        )
        if has_filters
        else None
    )
    away = overall.notice == NOTICE_DATABASE_AWAY  # nothing to catch up from until it is back
    return SearchAnswer(
        query=query,
        filters=filters,
        rows=rows,
        facets=facets if facets is not None else overall.facets,
        facet_total=overall.total,
        kind=kind,
        terms=terms,
        # A stale index is rebuilt by the window and needs no word; a lost server does.
        notice=overall.notice if not stale or away else None,
        stale=stale,
        rebuild=kb.index_needs_rebuild() if stale and not away else None,
    )
