"""How soon a record saved on one PC is found on another (team mode), beside one PC alone.

    python benchmarks/team_sync_bench.py [--quick] [--records N]

Two data folders on one throwaway PostgreSQL database (tests/zebkb_pg_kit.py,
a Unix socket, switched to fsync=on): PC A saves a record with a new word;
PC B, woken by LISTEN/NOTIFY, catches its search index up from the change log
and searches for the word. Measured from A's save call to B's answer holding
the record, each step on its own too. Beside it, in the same run: the same
save and search on one PC (PostgreSQL, and a SQLite folder), where the save
updates the index itself. The knowledge bases hold the demo records plus
``--records`` more, so the index is not empty.
"""

from __future__ import annotations

import argparse
import queue
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def record(n: int, word: str) -> dict:
    return {
        "type": "case",
        "title": f"区立施設{n} {word}",
        "ward": "131229",
        "facility_name": f"区立施設{n}",
        "project_type": "new",
        "body": f"第{n}号の改修計画。{word}",
    }


def fill(kb, count: int) -> None:
    kb.set_home_ward("131229")
    kb.load_demo()
    kb.save_many(record(n, "既存") for n in range(count))


def summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms"


def word(i: int) -> str:
    # A word no other record has: 合言葉 + a number written in kanji-free letters.
    return "合言葉" + "".join("アイウエオカキクケコ"[int(c)] for c in f"{i:04d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer saves, fewer records")
    parser.add_argument("--records", type=int, default=None)
    args = parser.parse_args()
    from zebkb_pg_kit import PgServer, find_bindir

    from zebkb.service import KnowledgeBase

    saves = 10 if args.quick else 40
    count = args.records if args.records is not None else (200 if args.quick else 2000)
    bindir = find_bindir()
    if bindir is None:
        print("no PostgreSQL server binaries found (packaging/install.sh installs them)")
        return 1
    root = Path(tempfile.mkdtemp(prefix="zsb-", dir="/tmp"))
    root.chmod(0o755)  # the server may run as another user (root cannot run it)
    (root / "pg").mkdir()
    server = PgServer(bindir, root / "pg")
    try:
        server.start()
        server._admin("ALTER SYSTEM SET fsync = on")
        server._admin("ALTER SYSTEM SET synchronous_commit = on")
        server._admin("SELECT pg_reload_conf()")
        url = server.url(server.create_database())
        with (
            KnowledgeBase.open(root / "pc-a", database=url) as a,
            KnowledgeBase.open(root / "pc-b", database=url) as b,
            KnowledgeBase.open(root / "alone") as alone,
        ):
            fill(a, count)
            fill(alone, count)
            b.catch_up_index()
            heard: queue.Queue = queue.Queue()
            listener = b.listen_for_changes(heard.put)
            assert listener is not None
            assert listener.listening.wait(60)
            total, woken, caught_up, searched = [], [], [], []
            for i in range(saves):
                w = word(i)
                start = time.perf_counter()
                a.save(record(count + i, w))
                saved = time.perf_counter()
                heard.get(timeout=60)
                heard_at = time.perf_counter()
                b.catch_up_index()
                caught = time.perf_counter()
                hits = b.search(w).hits
                done = time.perf_counter()
                assert len(hits) == 1, (w, hits)
                total.append(done - start)
                woken.append(heard_at - saved)
                caught_up.append(caught - heard_at)
                searched.append(done - caught)
            one_pc = {"PostgreSQL": a, "SQLite": alone}
            alone_times: dict[str, list[float]] = {name: [] for name in one_pc}
            for i in range(saves):
                for name, kb in one_pc.items():
                    w = word(1000 + i)
                    start = time.perf_counter()
                    kb.save(record(count + 1000 + i, w))
                    assert len(kb.search(w).hits) == 1
                    alone_times[name].append(time.perf_counter() - start)
        print(f"{saves} saves, {count} records besides the demo")
        print(f"saved on A, found on B      {summary(total)}  (A's save included)")
        print(f"  B woken, after A's save    {summary(woken)}")
        print(f"  B's index catching up      {summary(caught_up)}")
        print(f"  B's search                 {summary(searched)}")
        for name, times in alone_times.items():
            print(f"one PC, save + search ({name:<10}) {summary(times)}")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
