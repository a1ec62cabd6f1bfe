"""Team mode beside a data folder of its own: save, search, import and migrate times.

    python benchmarks/team_bench.py [--records 2000] [--saves 200] [--queries 100] [--quick]

Starts a throwaway PostgreSQL server (the machine's own binaries, as the test
kit does: a Unix socket in a temporary folder, no TCP) running durable
(fsync and synchronous commit on, as a ward's server would), and measures
on it and on SQLite in the same run:

- save: one record saved (a new version of an existing one, with its search
  index update), median and 95th percentile;
- search: a query answered (team mode first checks the change log), median
  and 95th percentile;
- import: a bundle of ``--records`` records into an empty knowledge base;
- migrate: ``zebkb migrate --to`` of that knowledge base into an empty database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from core_bench import make_records  # noqa: E402
from zebkb_pg_kit import PgServer, find_bindir  # noqa: E402
from zebkb_stoppable_pg import start_again  # noqa: E402

QUERIES = ["ZEB", "清掃", "学校 研修", "省エネ", "庁舎", '"ZEB Ready"', "人材育成", "太陽光"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:6.1f} ms, p95 {pct(values, 95) * 1000:6.1f} ms"
    )


def open_kb(folder: Path, url: str | None) -> Any:
    from zebkb.service import KnowledgeBase
    from zebkb.store import team

    folder.mkdir(parents=True, exist_ok=True)
    if url is not None:
        team.write_database_url(folder, url)
    kb = KnowledgeBase.open(folder)
    kb.set_home_ward("131229")
    return kb


def measure(name: str, folder: Path, url: str | None, bundle: Path, args: argparse.Namespace):
    from zebkb.service.exchange import import_bundle

    figures: dict[str, Any] = {}
    kb = open_kb(folder, url)
    try:
        start = time.perf_counter()
        import_bundle(kb, bundle)
        figures["import"] = time.perf_counter() - start
        rng = random.Random(7)
        uids = [s.uid for s in kb.list_records()]
        saves = []
        for n in range(args.saves):
            record = kb.require(rng.choice(uids))
            start = time.perf_counter()
            kb.save({**record, "body": f"{record.get('body') or ''}\n追記{n}"},
                    expected_revision=record["revision"])  # fmt: skip
            saves.append(time.perf_counter() - start)
        figures["save"] = saves
        searches = []
        for n in range(args.queries):
            query = QUERIES[n % len(QUERIES)]
            start = time.perf_counter()
            kb.search(query, limit=20)
            searches.append(time.perf_counter() - start)
        figures["search"] = searches
    finally:
        kb.close()
    print(f"{name:<10} import {args.records:,} records: {figures['import']:6.2f} s", flush=True)
    print(f"{name:<10} save:   {ms(figures['save'])}  ({args.saves} saves)", flush=True)
    print(f"{name:<10} search: {ms(figures['search'])}  ({args.queries} queries)", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="300 records, 40 saves, 40 queries")
    args = parser.parse_args()
    if args.quick:
        args.records, args.saves, args.queries = 300, 40, 40

    from zebkb.service.exchange import export_bundle
    from zebkb.service.move import move_to_postgres

    bindir = find_bindir()
    if bindir is None:
        sys.exit("no PostgreSQL server binaries (initdb, pg_ctl, postgres) found")
    with tempfile.TemporaryDirectory(prefix="zebkb-team-bench-") as tmp:
        work = Path(tmp)
        source = open_kb(work / "source", None)
        try:
            source.save_many(make_records(args.records))
            bundle = export_bundle(source, work / "all.zebkb").paths[0]
        finally:
            source.close()
        server = PgServer(bindir, Path(tempfile.mkdtemp(prefix="zpgb-", dir="/tmp")))
        server.start()
        server.stop()
        start_again(server)  # durable from here on
        try:
            print(f"PostgreSQL {bindir.parent.name}, durable; SQLite WAL, synchronous=FULL")
            measure("SQLite", work / "sqlite", None, bundle, args)
            measure("PostgreSQL", work / "pg", server.url(server.create_database()), bundle, args)
            kb = open_kb(work / "to-move", None)
            try:
                from zebkb.service.exchange import import_bundle

                import_bundle(kb, bundle)
                start = time.perf_counter()
                summary = move_to_postgres(kb, server.url(server.create_database()))
                took = time.perf_counter() - start
            finally:
                kb.close()
            rows = sum(summary.counts.values())
            print(f"migrate --to postgresql:// of {summary.live_records:,} records "
                  f"({rows:,} rows): {took:6.2f} s")  # fmt: skip
        finally:
            server.stop()
            import shutil

            shutil.rmtree(server.root, ignore_errors=True)


if __name__ == "__main__":
    main()
