"""List import and export speed (issue #17), beside the bare libraries in the same run.

    python benchmarks/table_bench.py [--rows 5000] [--runs 3]

Writes a list of N cases as .xlsx and as Shift_JIS CSV (Japanese headers, a
title line, 和暦 month-only dates, "7,985.46㎡" areas), then prints the median
of ``--runs`` for:

- reading the file: zebkb's bounded reader beside the bare library (csv module
  on the decoded text; openpyxl read-only iterating every value);
- the preview (read + mapping + every row planned against the knowledge base);
- applying it (one transaction) into an empty knowledge base, and previewing
  the same list again (every row unchanged);
- exporting the N records beside openpyxl writing the same cells bare.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

HEADERS = [
    "No.",
    "施設名",
    "区",
    "延床面積(㎡)",
    "ZEBランク",
    "竣工年月",
    "用途",
    "新築・改修",
    "備考",
]
WARDS = ["千代田区", "中央区", "港区", "新宿区", "葛飾区", "品川区", "大田区", "杉並区"]
RANKS = ["ZEB Ready", "Nearly ZEB", "ZEB Oriented相当", "『ZEB』"]


def rows(n: int) -> list[list[object]]:
    out: list[list[object]] = []
    for i in range(n):
        out.append(
            [
                i + 1,
                f"区立施設{i:05d}号館",
                WARDS[i % len(WARDS)],
                f"{1000 + i * 1.25:,.2f}㎡",
                RANKS[i % len(RANKS)],
                f"令和{2 + i % 5}年{1 + i % 12}月",
                "事務所等" if i % 2 else "学校等",
                "新築" if i % 3 else "改修",
                "設計段階で一次エネルギー消費量を削減。" * (1 + i % 3),
            ]
        )
    return out


def write_xlsx(path: Path, data: list[list[object]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区有施設ZEB化事例一覧"])
    ws.append(HEADERS)
    for row in data:
        ws.append(row)
    wb.save(path)


def write_csv(path: Path, data: list[list[object]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(data)
    path.write_bytes(buffer.getvalue().encode("cp932"))


def median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_csv(path: Path) -> int:
    text = path.read_bytes().decode("cp932")
    return sum(1 for _ in csv.reader(io.StringIO(text, newline="")))


def bare_openpyxl(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in wb.active.iter_rows(values_only=True))
    wb.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from zebkb.service import KnowledgeBase
    from zebkb.service.tables import apply_table, preview_table, records_for_list
    from zebkb.tables.export import export_list
    from zebkb.tables.read import read_table

    data = rows(args.rows)
    print(f"{args.rows} rows, median of {args.runs} runs (seconds)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {"xlsx": folder / "list.xlsx", "csv": folder / "list.csv"}
        write_xlsx(files["xlsx"], data)
        write_csv(files["csv"], data)
        for kind, path in files.items():
            size = path.stat().st_size
            bare = bare_csv if kind == "csv" else bare_openpyxl
            bare_name = (
                "csv module on decoded text" if kind == "csv" else "openpyxl read-only values"
            )
            print(f"\n{kind} ({size / 1e6:.1f} MB)")
            t_bare = median(partial(bare, path), args.runs)
            t_read = median(partial(read_table, path), args.runs)
            print(
                f"  read: zebkb {t_read:.3f}  beside {bare_name} {t_bare:.3f}  ({t_read / t_bare:.2f}x)"
            )
            with KnowledgeBase.open(folder / f"kb-{kind}") as kb:
                kb.set_home_ward("131229")
                t_preview = median(partial(preview_table, kb, path), args.runs)
                plan = preview_table(kb, path).plan
                assert plan.ok, plan.problems[:3]
                start = time.perf_counter()
                result = apply_table(kb, plan)
                t_apply = time.perf_counter() - start
                assert len(result.added) == args.rows
                t_again = median(partial(preview_table, kb, path), args.runs)
                again = preview_table(kb, path).plan
                assert again.count("unchanged") == args.rows
                print(f"  preview (read + map + plan, empty knowledge base): {t_preview:.3f}")
                print(
                    f"  apply ({args.rows} records added, one transaction + index): {t_apply:.3f}"
                )
                print(f"  preview of the same list again (all unchanged): {t_again:.3f}")
                if kind == "xlsx":
                    records = records_for_list(kb)
                    out = folder / "out.xlsx"
                    t_export = median(partial(export_list, records, out), args.runs)
                    t_export_csv = median(
                        partial(export_list, records, folder / "out.csv"), args.runs
                    )

                    def bare_write() -> None:
                        import openpyxl

                        wb = openpyxl.Workbook()
                        ws = wb.active
                        for row in data:
                            ws.append([str(v) for v in row])
                        wb.save(folder / "bare.xlsx")

                    t_bare_write = median(bare_write, args.runs)
                    print(
                        f"  export {len(records)} records: xlsx {t_export:.3f}, csv {t_export_csv:.3f}"
                        f"  beside openpyxl writing {args.rows} rows bare {t_bare_write:.3f}"
                    )


if __name__ == "__main__":
    sys.exit(main())
