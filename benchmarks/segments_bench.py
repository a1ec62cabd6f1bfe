"""What the index's segments cost: saving in batches, and querying what it leaves.

    python benchmarks/segments_bench.py [--records 10000] [--batch 1000]

Adds the records to an index in batches (as KnowledgeBase.save_many in batches
of --batch does) four ways, in one run: with updates merging nothing (every
batch stays a segment), with the merge policy (zebkb/search/engine.py,
`_merge_count`), with fan-in 4 at every size (the policy before MERGE_TIER), and
built whole (one segment). Prints the CPU time of the
batches and of a full build, and the warm CPU time of the search benchmark's
50 queries on each index (each query's best of 3 runs, the indexes taking turns, as they do
for each batch).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_bench import make_queries, quoted
from seed_corpus import make_records

from zebkb.search import engine
from zebkb.search.documents import IndexDoc, doc_from_record
from zebkb.search.engine import SearchIndex
from zebkb.search.sidestore import normalised_parts


# Merge settings (MERGE_FANIN, MERGE_SMALL) of each way of adding in batches; None: as set.
def _ways(count: int) -> dict[str, tuple[int, int] | None]:
    never = count + 2  # more segments than there can be
    return {
        "batches, no merging": (never, never),
        "batches, merge policy": None,
        "batches, fan-in 4": (engine.MERGE_FANIN, never),  # every merge at MERGE_FANIN
    }


def in_batches(
    root: Path, docs: list[IndexDoc], batch: int
) -> dict[str, tuple[SearchIndex, float]]:
    """Each way's index and its batches' CPU time: the indexes take each batch in turn
    (the order alternating), so that the machine's load weighs on all alike."""
    ways = _ways(len(docs))
    indexes = {name: SearchIndex(root / f"batches-{n}") for n, name in enumerate(ways)}
    took = dict.fromkeys(ways, 0.0)
    saved = engine.MERGE_FANIN, engine.MERGE_SMALL
    try:
        for b, i in enumerate(range(0, len(docs), batch)):
            for name in list(ways)[:: -1 if b % 2 else 1]:
                engine.MERGE_FANIN, engine.MERGE_SMALL = ways[name] or saved
                c0 = time.process_time()
                indexes[name].update(docs[i : i + batch], [], state=i + 1)
                took[name] += time.process_time() - c0
    finally:
        engine.MERGE_FANIN, engine.MERGE_SMALL = saved
    return {name: (indexes[name], took[name]) for name in ways}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args(argv)
    one, five, _fifteen = os.getloadavg()
    print(f"{args.records} records in batches of {args.batch}; load average {one:.2f}, {five:.2f}")
    docs = [doc_from_record(r) for r in make_records(args.records)]
    queries = make_queries([normalised_parts(d)[2] for d in docs])
    root = Path(tempfile.mkdtemp(prefix="zebkb-segments-bench-"))
    try:
        indexes: dict[str, tuple[SearchIndex, str]] = {}
        for name, (ix, took) in in_batches(root, docs, args.batch).items():
            indexes[name] = (ix, f"batches {took:.1f} s CPU")
        ix = SearchIndex(root / "whole")
        c0 = time.process_time()
        ix.rebuild(docs, total=len(docs), state=1)
        indexes["built whole"] = (ix, f"build {time.process_time() - c0:.1f} s CPU")
        for ix, _note in indexes.values():
            for q in queries:
                ix.search(quoted(q), limit=20)
        best = {name: [float("inf")] * len(queries) for name in indexes}
        for _ in range(3):
            for name, (ix, _note) in indexes.items():
                for j, q in enumerate(queries):
                    c0 = time.process_time()
                    ix.search(quoted(q), limit=20)
                    best[name][j] = min(best[name][j], time.process_time() - c0)
        for name, (ix, note) in indexes.items():
            v = sorted(best[name])
            print(
                f"  {name:<22} {len(ix._snapshot().leaves):>3} segments  {note:<22} "
                f"warm query CPU p50 {v[len(v) // 2] * 1000:.1f} ms  "
                f"p95 {v[int(len(v) * 0.95)] * 1000:.1f} ms  all 50 {sum(v) * 1000:.0f} ms"
            )
            ix.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
