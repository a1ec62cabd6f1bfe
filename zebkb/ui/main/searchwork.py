"""What one search does off the GUI thread: matching uids, their table rows, the counts.

Pure Python over the service (no Qt), so it runs on a reader thread and is
measured by the benchmark as it is. The table rows of the whole knowledge
base are cached and read again only when the database has changed, so a
keystroke costs one search, not a 50,000-row query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

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

    def rows(self, kb: KnowledgeBase, *, state: int | None = None) -> dict[str, TableRow]:
        """`state`: the change number the caller has just read (a search's), if it has."""
        try:
            if state is None:
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


def run_search(
    kb: KnowledgeBase, query: str, filters: SearchFilters, cache: RowCache
) -> SearchAnswer:
    parsed = parse_query(query)  # a bad query raises QueryError: one line for the user
    # One call of the service, one engine pass and one look at the database give the rows,
    # their total, the text alone's total and the navigation's counts (each chip group
    # counted without its own chip). A stale index answers from what it has and says so;
    # kb.search_all never rebuilds it.
    answer, uids = kb.search_all(query, filters=filters)
    stale = answer.stale
    by_uid = cache.rows(kb, state=answer.state)
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
    away = answer.notice == NOTICE_DATABASE_AWAY  # nothing to catch up from until it is back
    return SearchAnswer(
        query=query,
        filters=filters,
        rows=rows,
        facets=answer.facets,
        facet_total=answer.total if answer.text_total is None else answer.text_total,
        kind=kind,
        terms=terms,
        # A stale index is rebuilt by the window and needs no word; a lost server does.
        notice=answer.notice if not stale or away else None,
        stale=stale,
        rebuild=(kb.index_needs_rebuild() or _emptied(answer.notice))
        if stale and not away
        else None,
    )


def _emptied(notice: str | None) -> str | None:
    """An index emptied on opening (damaged, or another version's) is filled again from
    the change log rather than rebuilt, but it is as long a wait: said as a rebuild."""
    from zebkb.search.notices import (
        NOTICE_INDEX_DAMAGED,
        NOTICE_INDEX_OTHER_VERSION,
        NOTICE_INDEX_RESET,
    )

    emptied = (NOTICE_INDEX_DAMAGED, NOTICE_INDEX_RESET, NOTICE_INDEX_OTHER_VERSION)
    return notice if notice in emptied else None
