"""What one keystroke costs the search (zebkb/ui/main/searchwork.py), before and after.

    python benchmarks/keystroke_bench.py [--records 10000] [--repeat 5]

Types 清掃事務所 one character at a time into a 10,000-record knowledge base
and times the search work each keystroke runs off the GUI thread: the rows,
their total and the navigation's counts. "before" is the previous sequence
(`before` below: one engine pass for the rows, and with chips one more for
the text alone and one per chip group counted without its own chip; two
looks at the database's change number, three with chips); "after" is
``run_search`` (one service call: one engine pass and one look, whatever the
chips). Prints the median milliseconds per keystroke (wall and CPU; before and
after take turns), the engine passes and
the database checks, without chips, with 種別:事例 and with 種別:事例 +
区:葛飾区, and the machine's load average.
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
    """The sequence searchwork.run_search ran before the counts under the chips came from
    the engine: the rows with every chip (one service call: its index check and one
    engine pass), with chips the text alone (another), the table rows' own database
    check, and each chip group without its own chip (one more each, unless that leaves
    the text alone, already counted)."""
    from zebkb.search import engine
    from zebkb.search.engine import FILTER_FIELDS, SearchFilters
    from zebkb.search.query import parse_query

    def rows_with_every_chip():  # type: ignore[no-untyped-def]
        kb.index_is_current()  # the service's check before the search
        parsed = parse_query(query)
        ix = kb.index
        with ix._mutex:
            snap = ix._read_snapshot()
            folds = engine._folds(snap, parsed)
            matches, counts, _heads = engine._match(snap, parsed, filters, folds)
            snap.cols.facets(matches)
            ranked = engine._rank(snap, parsed, matches, counts, len(matches), folds=folds)
        return [d.uid for _s, d in ranked]

    uids = rows_with_every_chip()
    has = filters != SearchFilters()
    if has:
        kb.search(query, limit=0)
    by_uid = cache.rows(kb)
    rows = [by_uid[u] for u in uids if u in by_uid]
    for names in FILTER_FIELDS.values():
        if any(getattr(filters, n) not in ((), None, False) for n in names):
            cleared = replace(filters, **{n: getattr(SearchFilters(), n) for n in names})
            if cleared != SearchFilters():
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
    checks = [0]
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
            real_state = kb.change_state

            def checked():  # type: ignore[no-untyped-def]
                checks[0] += 1
                return real_state()

            kb.change_state = checked  # type: ignore[method-assign]
            cache = RowCache()
            cache.rows(kb)
            kb.search(TYPED, limit=0)  # warm the index
            for label, filters in (
                ("no chip", SearchFilters()),
                ("種別:事例", SearchFilters(kinds=("case",))),
                ("種別:事例 + 区:葛飾区", SearchFilters(kinds=("case",), wards=("131229",))),
            ):
                # Before and after take turns keystroke by keystroke, so a change in the
                # machine's load falls on both alike; CPU time is the steadier figure.
                runs = {"before": before, "after": run_search}
                seen: dict[str, dict[str, list[float]]] = {
                    name: {"wall": [], "cpu": [], "passes": [], "checks": []} for name in runs
                }
                for _ in range(args.repeat):
                    for i in range(1, len(TYPED) + 1):
                        for name, fn in runs.items():
                            calls[0] = checks[0] = 0
                            w0, c0 = time.perf_counter(), time.process_time()
                            fn(kb, TYPED[:i], filters, cache)
                            seen[name]["cpu"].append((time.process_time() - c0) * 1000)
                            seen[name]["wall"].append((time.perf_counter() - w0) * 1000)
                            seen[name]["passes"].append(calls[0])
                            seen[name]["checks"].append(checks[0])
                b, a = seen["before"], seen["after"]
                med = statistics.median
                print(
                    f"{label}: before {med(b['wall']):.1f} ms/keystroke "
                    f"(CPU {med(b['cpu']):.1f} ms; {max(b['passes']):.0f} engine passes, "
                    f"{max(b['checks']):.0f} database checks), after {med(a['wall']):.1f} ms "
                    f"(CPU {med(a['cpu']):.1f} ms; {max(a['passes']):.0f} engine passes, "
                    f"{max(a['checks']):.0f} database checks)"
                )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
