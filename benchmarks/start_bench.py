"""A search's start-up: a new process's first query, this tree beside an earlier revision.

    python benchmarks/start_bench.py [--records 10000] [--against 08b8aed] [--runs 5]

Builds a knowledge base of seed records (KnowledgeBase.save_many in batches of
1,000, then reindex), copies it for the earlier revision (whose zebkb is taken
from git into a temporary folder, and which rebuilds its copy's index if its
format differs, untimed), then for each query alternates new processes of the
two trees:

- import + open + first query through the search engine, with what it read
  (records' values and texts);
- `zebkb search` (the quick path over a current index), wall and CPU time, and
  how many modules it imported.

Both trees are byte-compiled first, as an installed package is. The load
average is printed at the start and the end; on a shared machine read the
two trees' figures beside each other, not alone. By default the earlier
revision is the one before the start-up work of issue 16 (08b8aed).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_corpus import make_records

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["清掃事務所", "電力", "ZEB"]

_ENGINE_PROBE = """
import sys, time
t0 = time.perf_counter()
from zebkb.search.engine import SearchIndex
ix = SearchIndex(sys.argv[1])
t1 = time.perf_counter()
result = ix.search(sys.argv[2], limit=20)
t2 = time.perf_counter()
side = ix._read_snapshot().side
print((t2 - t0) * 1000, (t1 - t0) * 1000, getattr(side, "texts_read", -1),
      getattr(side, "docs_read", -1), result.total)
"""

_CLI_PROBE = (
    "import sys; from zebkb.__main__ import main; code = main(sys.argv[1:]);"
    "sys.stderr.write('\\nMODULES=%d\\n' % len(sys.modules)); raise SystemExit(code)"
)


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def run(tree: Path, args: list[str]) -> tuple[float, float, str, str]:
    """(wall s, CPU s, stdout, stderr) of a new Python process importing zebkb from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree), "ZEBKB_LANG": "en"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # Run from the tree's folder: `-c` and `-m` put the working folder first on the path.
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=tree, check=False
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {' '.join(args[-3:])} failed: {done.stderr.strip()[-500:]}")
    return wall, cpu, done.stdout, done.stderr


def build(folder: Path, count: int) -> None:
    from zebkb.service import KnowledgeBase

    records = make_records(count)
    t0 = time.perf_counter()
    with KnowledgeBase.open(folder) as kb:
        kb.set_home_ward("131229")
        for i in range(0, len(records), 1000):
            kb.save_many(records[i : i + 1000])
        kb.reindex()
    print(f"knowledge base of {count} records built in {time.perf_counter() - t0:.0f} s")


def export(revision: str, into: Path) -> Path:
    """The earlier revision's zebkb package, in a folder of its own."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "zebkb"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--against", default="08b8aed", help="the earlier revision (git)")
    parser.add_argument("--runs", type=int, default=5, help="new processes per query and tree")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="zebkb-start-bench-"))
    try:
        print(f"start: {load()}", flush=True)
        new_kb = scratch / "kb"
        build(new_kb, args.records)
        old_tree = export(args.against, scratch / "old")
        old_kb = scratch / "kb-old"
        shutil.copytree(new_kb, old_kb)
        trees = {"before": (old_tree, old_kb), "after": (ROOT, new_kb)}
        for tree, data in trees.values():
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(tree / "zebkb")],
                env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                check=True,
                stdout=subprocess.DEVNULL,
            )
            # Untimed: an index of another format is rebuilt here, and the files are read once.
            run(tree, ["-m", "zebkb", "--data-dir", str(data), "search", "ZEB"])
        rare = make_records(args.records)[args.records // 2]["title"].split()[0]
        walls = [run(ROOT, ["-c", "pass"])[0] for _ in range(args.runs)]
        print(f"python -c pass: median {statistics.median(walls) * 1000:.0f} ms wall", flush=True)
        print(
            f"{'query':<14} {'tree':<7} {'engine: all / to open':>20} {'texts':>7} {'values':>7}"
            f" {'zebkb search wall / CPU':>24} {'modules':>8} {'matches':>8}"
        )
        for query in [rare, *QUERIES]:
            figures: dict[str, dict[str, list[float]]] = {
                name: {"total": [], "open": [], "wall": [], "cpu": []} for name in trees
            }
            read: dict[str, tuple[str, str, str]] = {}  # texts, values, matches
            modules: dict[str, str] = {}
            for _ in range(args.runs):
                for name, (tree, data) in trees.items():
                    _w, _c, out, _e = run(tree, ["-c", _ENGINE_PROBE, str(data / "index"), query])
                    total, opened, texts, values, hits = out.split()
                    figures[name]["total"].append(float(total))
                    figures[name]["open"].append(float(opened))
                    read[name] = (texts, values, hits)
                    wall, cpu, _o, err = run(
                        tree, ["-c", _CLI_PROBE, "--data-dir", str(data), "search", query]
                    )
                    figures[name]["wall"].append(wall * 1000)
                    figures[name]["cpu"].append(cpu * 1000)
                    modules[name] = err.rsplit("MODULES=", 1)[1].strip()
            for name in trees:
                f = {k: statistics.median(v) for k, v in figures[name].items()}
                texts, values, hits = read[name]
                print(
                    f"{query:<14} {name:<7} {f['total']:>11.0f} / {f['open']:>4.0f} ms"
                    f" {texts:>7} {values:>7} {f['wall']:>12.0f} / {f['cpu']:>4.0f} ms"
                    f" {modules[name]:>8} {hits:>8}",
                    flush=True,
                )
        print(f"end: {load()}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
