"""What one keystroke costs the search (zebkb/ui/main/searchwork.py), before and after.

    python benchmarks/keystroke_bench.py [--records 10000] [--repeat 5]

Types 清掃事務所 one character at a time into a 10,000-record knowledge base
and times the search work each keystroke runs off the GUI thread: the rows,
their total and the navigation's counts. "before" is the previous sequence
(the text alone counted with limit 0, then the uids, then with chips the
facets with every chip and each chip group without its own: two engine
queries a keystroke, four with one chip); "after" is ``run_search`` (one, two
with one chip). Prints the median milliseconds per keystroke and the engine
queries, without and with a 種別:事例 chip, and the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TYPED = "清掃事務所"


def before(kb, query, filters, cache):  # type: ignore[no-untyped-def]
    """The sequence searchwork.run_search ran before one answer was shared."""
    from zebkb.search.engine import SearchFilters
    from zebkb.ui.main.searchwork import _FACET_FIELDS

    overall = kb.search(query, limit=0)
    has = filters != SearchFilters()
    uids = kb.index.search_uids(query, filters=filters if has else None)
    by_uid = cache.rows(kb)
    rows = [by_uid[u] for u in uids if u in by_uid]
    if has:
        with_all = kb.search(query, filters=filters, limit=0).facets
        for group in set(overall.facets) | set(with_all):
            names = _FACET_FIELDS.get(group)
            if names and any(getattr(filters, n) not in ((), None) for n in names):
                cleared = replace(filters, **{n: getattr(SearchFilters(), n) for n in names})
                kb.search(query, filters=cleared, limit=0)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from core_bench import make_records

    from zebkb.search import engine
    from zebkb.search.engine import SearchFilters
    from zebkb.service import KnowledgeBase
    from zebkb.ui.main.searchwork import RowCache, run_search

    calls = [0]
    real = engine._match

    def counted(*a, **k):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return real(*a, **k)

    engine._match = counted  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "kb"
        records = make_records(args.records)
        with KnowledgeBase.open(folder) as kb:
            kb.set_home_ward("131229")
            for start in range(0, len(records), 1000):
                kb.save_many(records[start : start + 1000])
        with KnowledgeBase.open(folder) as kb:
            cache = RowCache()
            cache.rows(kb)
            kb.search(TYPED, limit=0)  # warm the index
            for label, filters in (
                ("no chip", SearchFilters()),
                ("種別:事例", SearchFilters(kinds=("case",))),
            ):
                figures = {}
                for name, fn in (("before", before), ("after", run_search)):
                    times, queries = [], []
                    for _ in range(args.repeat):
                        for i in range(1, len(TYPED) + 1):
                            calls[0] = 0
                            t0 = time.perf_counter()
                            fn(kb, TYPED[:i], filters, cache)
                            times.append((time.perf_counter() - t0) * 1000)
                            queries.append(calls[0])
                    figures[name] = (statistics.median(times), max(queries))
                b, a = figures["before"], figures["after"]
                print(
                    f"{label}: before {b[0]:.1f} ms/keystroke ({b[1]} engine queries), "
                    f"after {a[0]:.1f} ms/keystroke ({a[1]} engine queries)"
                )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
