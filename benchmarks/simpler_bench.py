"""Three clever designs, each beside its simplest alternative, measured in the same run.

    .venv/bin/python benchmarks/simpler_bench.py [--quick] [--only sort|gc|import]

- sort: the results table's background sort of 50,000 rows by title, in 2,048-row
  slices merged in Python (zebkb/ui/main/results.py, ``order_rows``) against one
  ``sorted()``. Figure: the longest gap of a 10 ms heartbeat on the main thread
  (the GUI thread's stand-in: it needs the GIL the sorting thread holds), and the
  sort's own time.
- gc: a reindex on a worker thread while the main thread holds a window-sized heap
  and beats every 10 ms, with Python's default collector against the window's
  policy (zebkb/ui/core/gcpolicy.py: the started heap frozen, no full collection
  during the op). Figures: longest heartbeat gap, full collections and their time.
- import: a bundle whose attachments pass the helper-process threshold
  (zebkb/bundle/copier.py, 64 MiB), imported as zebkb does it (files copied by a
  helper process while the records are merged and indexed) against the plain
  way: the same copy in the importing process, before the transaction opens.
  Each import runs in a fresh process; figure: wall time and peak memory.

Medians of the runs; the machine's load average is printed with them.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Heartbeat:
    """The main thread sleeps 10 ms at a time; the longest gap between wake-ups, in ms."""

    def __init__(self, done: threading.Event) -> None:
        self.done = done

    def run(self) -> float:
        longest = 0.0
        last = time.perf_counter()
        while not self.done.is_set():
            time.sleep(0.01)
            now = time.perf_counter()
            longest = max(longest, (now - last) * 1000 - 10)
            last = now
        return longest


def beside_heartbeat(work: Callable[[], object]) -> tuple[float, float]:
    """(longest main-thread gap in ms, seconds) while ``work`` runs on another thread."""
    done = threading.Event()
    took = [0.0]

    def run() -> None:
        start = time.perf_counter()
        try:
            work()
        finally:
            took[0] = time.perf_counter() - start
            done.set()

    worker = threading.Thread(target=run)
    worker.start()
    gap = Heartbeat(done).run()
    worker.join()
    return gap, took[0]


# ----- sort ------------------------------------------------------------------------------------


def sort_bench(rows_n: int, runs: int) -> None:
    from zebkb.service import TableRow
    from zebkb.ui.main import results

    rng = random.Random(7)
    syllables = "区立小学校中学校図書館清掃事務所庁舎ＺＥＢ化断熱改修太陽光発電高効率空調"
    rows = [
        TableRow(
            uid=f"{i:08x}-0000-4000-8000-000000000000",
            type="case",
            title="".join(rng.choice(syllables) for _ in range(rng.randint(8, 30))),
            ward="131229",
            updated_at="2026-11-01T10:00:00.000+09:00",
            record_date=None,
            fiscal_year=2025,
            facility_name=None,
            zeb_rank=None,
            floor_area_m2=None,
            host=None,
            session_kind=None,
            organizer=None,
        )
        for i in range(rows_n)
    ]
    spec = ("title", False)
    sliced, plain = [], []
    for _ in range(runs):
        results.SORT_SLICE = 2_048
        sliced.append(beside_heartbeat(lambda: results.order_rows(rows, spec)))
        results.SORT_SLICE = len(rows) + 1  # one slice: one sorted(), nothing merged
        plain.append(beside_heartbeat(lambda: results.order_rows(rows, spec)))
    results.SORT_SLICE = 2_048
    show(
        "sort",
        f"{rows_n:,} rows by title",
        clever=sliced,
        simple=plain,
        clever_label="2,048-row slices",
        simple_label="one sorted()",
    )


# ----- gc --------------------------------------------------------------------------------------


class FullCollections:
    """Counts gen-2 collections and the time they take while it is installed."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.count += 1
            self.seconds += time.perf_counter() - self._start

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def build_kb(folder: Path, records: int, files: int = 0, file_size: int = 0) -> None:
    from zebkb.service import KnowledgeBase

    rng = random.Random(3)
    with KnowledgeBase.open(folder) as kb:
        kb.set_home_ward("131229")
        refs = []
        scratch = folder.parent / f"{folder.name}-scratch.bin"
        for _ in range(files):
            scratch.write_bytes(os.urandom(file_size))
            sha, size = kb.store_file(scratch)
            refs.append(
                {"sha256": sha, "filename": "photo.jpg", "media_type": "image/jpeg", "size": size}
            )
        scratch.unlink(missing_ok=True)
        words = [
            "断熱改修",
            "LED照明",
            "高効率空調",
            "太陽光発電",
            "地中熱",
            "外皮性能",
            "BEMS",
            "庁舎",
            "小学校",
            "図書館",
        ]
        batch = []
        for i in range(records):
            record = {
                "type": "case",
                "title": f"区有施設のZEB化 事例{i}",
                "ward": "131229",
                "facility_name": f"施設{i}",
                "project_type": "renovation",
                "body": "。".join(" ".join(rng.sample(words, 5)) for _ in range(12)),
            }
            if i < files:
                record["attachments"] = [refs[i]]
            batch.append(record)
            if len(batch) == 1000:
                kb.save_many(batch)
                batch = []
        if batch:
            kb.save_many(batch)


def gc_bench(records: int, runs: int, work: Path) -> None:
    from zebkb.service import KnowledgeBase
    from zebkb.ui.core import gcpolicy

    folder = work / "gc-kb"
    build_kb(folder, records)
    kb = KnowledgeBase.open(folder)
    # What a started window holds: the table's rows and the records it has shown.
    heap = [kb.table_rows() for _ in range(5)], [kb.get(r.uid) for r in kb.table_rows()]

    def reindex(policy: Callable[[], AbstractContextManager[None]]) -> Callable[[], object]:
        def run() -> None:
            with policy():
                kb.reindex()

        return run

    default, window = [], []
    for _ in range(runs):
        with FullCollections() as full:
            gap, took = beside_heartbeat(reindex(nullcontext))
        default.append((gap, took, full.count, full.seconds))
        # The window's policy: its heap frozen once (here for this run only), and no full
        # collection while the op runs.
        gc.collect()
        gc.freeze()
        with FullCollections() as full:
            gap, took = beside_heartbeat(reindex(gcpolicy.young_collections_only))
        gc.unfreeze()
        window.append((gap, took, full.count, full.seconds))
    kb.close()
    del heap
    show(
        "gc",
        f"reindex of {records:,} records",
        clever=[(g, t) for g, t, _n, _s in window],
        simple=[(g, t) for g, t, _n, _s in default],
        clever_label="frozen heap, young only",
        simple_label="default collector",
    )
    for label, rows in (("frozen heap, young only", window), ("default collector", default)):
        print(
            f"    {label}: full collections per run "
            + ", ".join(f"{n} ({s * 1000:.0f} ms)" for _g, _t, n, s in rows)
        )


# ----- import ----------------------------------------------------------------------------------

IMPORT_CHILD = r"""
import resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
import zebkb.service.exchange as exchange
from zebkb.bundle.copier import InlineCopy, start_copy
from zebkb.service import KnowledgeBase

if sys.argv[3] == "plain":
    # The plain way: the files copied (and checked) in this process, before the
    # transaction opens; the merge then finds them in place.
    def copied_first(job, source, child=None):
        copy = InlineCopy(job, source)
        copy.wait(lambda: False)
        copy.wait = lambda tick, interval=0.05: None
        return copy

    exchange.start_copy = copied_first
t = time.perf_counter()
with KnowledgeBase.open(sys.argv[1]) as kb:
    summary = kb.import_bundle(sys.argv[2])
elapsed = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
helper = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(elapsed, own, helper, summary.files_added)
"""


def import_bench(records: int, files: int, file_size: int, runs: int, work: Path) -> None:
    from zebkb.service import KnowledgeBase

    src = work / "import-src"
    build_kb(src, records, files, file_size)
    bundle = work / "all.zebkb"
    with KnowledgeBase.open(src) as kb:
        kb.export_bundle(bundle)
    helper_way, plain_way = [], []
    for run in range(runs):
        for way, into in (("helper", helper_way), ("plain", plain_way)):
            os.sync()  # each import starts with the disk settled
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    IMPORT_CHILD,
                    str(work / f"dst-{way}-{run}"),
                    str(bundle),
                    way,
                    str(ROOT),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            elapsed, own_kb, helper_kb, added = float(out[0]), int(out[1]), int(out[2]), out[3]
            assert int(added) == files, out
            into.append((elapsed, own_kb, helper_kb))
            shutil.rmtree(work / f"dst-{way}-{run}", ignore_errors=True)
    mb = bundle.stat().st_size / 1e6
    print(
        f"import of {records:,} records and {files} files of {file_size // 1000} kB ({mb:.0f} MB):"
    )
    for label, rows in (
        ("helper process beside the merge", helper_way),
        ("copied first, in-process", plain_way),
    ):
        times = [t for t, _o, _h in rows]
        peak = max(o + h for _t, o, h in rows) / 1024
        print(
            f"    {label:34s} {statistics.median(times):6.2f} s  (runs "
            + ", ".join(f"{t:.2f}" for t in times)
            + f"); peak memory {peak:.0f} MB (process + helper)"
        )


# ----- output ----------------------------------------------------------------------------------


def show(
    name: str,
    what: str,
    *,
    clever: list[tuple[float, float]],
    simple: list[tuple[float, float]],
    clever_label: str,
    simple_label: str,
) -> None:
    print(f"{name}: {what}, longest main-thread gap (heartbeat 10 ms) and time, median:")
    for label, rows in ((clever_label, clever), (simple_label, simple)):
        gaps = [g for g, _t in rows]
        print(
            f"    {label:26s} gap {statistics.median(gaps):6.1f} ms (runs "
            + ", ".join(f"{g:.0f}" for g in gaps)
            + f")   time {statistics.median(t for _g, t in rows) * 1000:7.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=("sort", "gc", "import"))
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    work = Path(tempfile.mkdtemp(prefix="zebkb-simpler-bench-"))
    try:
        if args.only in (None, "sort"):
            sort_bench(50_000, 3 if args.quick else 7)
        if args.only in (None, "gc"):
            gc_bench(1_000 if args.quick else 5_000, 2 if args.quick else 3, work)
        if args.only in (None, "import"):
            # 80 MB of attachments: past the 64 MiB from which the helper process is used.
            import_bench(1_000 if args.quick else 3_000, 160, 500_000, 2 if args.quick else 3, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
