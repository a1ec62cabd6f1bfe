"""Report and overview speed figures (issue #6: overview, print and PDF).

    python benchmarks/report_bench.py [--records 10000] [--runs 5]

Prints, on a knowledge base of 10,000 generated records (core_bench's
``make_records``) plus the demo records: writing a case sheet PDF with a photo
(target 1 s), minutes and a fiscal-year list PDF, and ``overview()`` (the
window draws it within 1 s, so the numbers must take well under that).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from core_bench import make_records

PHOTO_CASE = "6b5aaf5a-9c66-5667-9c85-a407169163eb"  # demo: 水元小, a JPEG with EXIF orientation
VISIT = "4851558e-3ce4-5145-81f4-50038ffd5cc2"


def timed(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from zebkb import pdf
    from zebkb.overview import overview
    from zebkb.service import KnowledgeBase

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        with KnowledgeBase.open(out / "kb") as kb:
            kb.set_home_ward("131229")
            kb.load_demo()
            records = make_records(args.records)
            for i in range(0, len(records), 1000):
                kb.save_many(records[i : i + 1000])
            fill = time.perf_counter() - start
            # The first sheet pays for loading reportlab and its CID font data.
            first = timed(lambda: pdf.write_record_report(kb, PHOTO_CASE, out / "a.pdf"), 1)
            sheet = timed(lambda: pdf.write_record_report(kb, PHOTO_CASE, out / "a.pdf"), args.runs)
            minutes = timed(lambda: pdf.write_record_report(kb, VISIT, out / "v.pdf"), args.runs)
            fy_count = len(kb.list_records(fiscal_year=2024, kind="session"))
            fy_list = timed(
                lambda: pdf.write_fiscal_year_report(kb, 2024, "session", out / "fy.pdf"), 1
            )
            first_overview = timed(lambda: overview(kb), 1)
            numbers = timed(lambda: overview(kb), args.runs)
            total = kb.count()

    print(f"records: {total:,} (filled in {fill:.1f} s)")
    print(f"{'measurement':<52}{'seconds':>9}{'target':>9}")
    print(f"{'case sheet PDF with photo, first in the process':<52}{first:>9.3f}{'1.0':>9}")
    print(f"{'case sheet PDF with photo':<52}{sheet:>9.3f}{'1.0':>9}")
    print(f"{'visit minutes PDF':<52}{minutes:>9.3f}{'':>9}")
    label = f"fiscal-year list PDF ({fy_count:,} sessions)"
    print(f"{label:<52}{fy_list:>9.3f}{'':>9}")
    print(f"{'overview(), first call':<52}{first_overview:>9.3f}{'1.0':>9}")
    print(f"{'overview()':<52}{numbers:>9.3f}{'1.0':>9}")
    print(f"(medians of {args.runs} runs where repeated)")


if __name__ == "__main__":
    main()
