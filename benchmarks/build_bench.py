"""A full build of the search index beside SQLite FTS5's, in one run, and where its time goes.

    python benchmarks/build_bench.py [--records 10000] [--profile 30]

Builds zebkb's index of the seed corpus (benchmarks/seed_corpus.py) as a reindex
does (`SearchIndex.rebuild`), and an FTS5 trigram index of the same normalised
texts as benchmarks/search_bench.py builds it (best of two, before and after
zebkb's), and prints both CPU times, their ratio and the sizes. CPU time, not
wall: the machine is shared and the load changes between runs. With --profile N,
the build runs once more under cProfile and the N functions costing the most
(own time, then with what they call) are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_corpus import make_records

from zebkb.search.documents import IndexDoc, doc_from_record
from zebkb.search.engine import SearchIndex
from zebkb.search.sidestore import normalised_parts


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def fts5_build(texts: list[str]) -> tuple[float, int]:
    """(CPU s, bytes) of an FTS5 trigram index of `texts` (search_bench.py's)."""
    folder = Path(tempfile.mkdtemp(prefix="fts5-build-bench-"))
    try:
        db = sqlite3.connect(folder / "fts.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute(
            "CREATE VIRTUAL TABLE f USING fts5(text, content='docs', content_rowid='id',"
            " tokenize='trigram')"
        )
        c0 = time.process_time()
        db.execute("BEGIN")
        db.executemany("INSERT INTO docs(id, text) VALUES (?, ?)", enumerate(texts))
        db.execute("COMMIT")
        db.execute("INSERT INTO f(f) VALUES ('rebuild')")
        db.execute("INSERT INTO f(f) VALUES ('optimize')")
        used = time.process_time() - c0
        db.close()
        return used, folder_size(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def zebkb_build(docs: list[IndexDoc], profile: cProfile.Profile | None = None) -> tuple[float, int]:
    """(CPU s, bytes) of a full build of `docs`."""
    folder = Path(tempfile.mkdtemp(prefix="zebkb-build-bench-"))
    try:
        ix = SearchIndex(folder)
        c0 = time.process_time()
        if profile is not None:
            profile.enable()
        ix.rebuild(docs, total=len(docs), state=1)
        if profile is not None:
            profile.disable()
        used = time.process_time() - c0
        ix.close()
        return used, folder_size(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    docs = [doc_from_record(r) for r in make_records(args.records)]
    texts = [normalised_parts(d)[2] for d in docs]
    one, five, _fifteen = os.getloadavg()
    print(f"{args.records} records; load average {one:.2f}, {five:.2f}", flush=True)
    fts_before, fts_size = fts5_build(texts)
    built, size = zebkb_build(docs)
    fts_after, _size = fts5_build(texts)
    fts = min(fts_before, fts_after)
    print(
        f"  full build CPU time, zebkb / FTS5 trigram: {built:.2f} s / {fts:.2f} s "
        f"({built / fts:.2f}x; FTS5 {fts_before:.2f} s before zebkb's, {fts_after:.2f} s after)\n"
        f"  size, zebkb / FTS5: {size / 2**20:.1f} / {fts_size / 2**20:.1f} MB",
        flush=True,
    )
    if args.profile:
        profile = cProfile.Profile()
        zebkb_build(docs, profile)
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
