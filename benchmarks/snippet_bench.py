"""Snippets and highlighting on long repetitive text, beside ordinary text.

    python benchmarks/snippet_bench.py [--runs 3]

The case that took `zebkb search ZEB` 25 s: a record whose body is "ZEB "
repeated over 120 KB, with a 300 KB plain-text attachment of the same. Prints,
each beside a baseline measured in the same run (a record with a short body and
a short attachment):

- the wall time of `zebkb search ZEB` as a new process (median of --runs);
- make_snippet on the record's fields, in process;
- the window's highlighter (zebkb.render.highlight_text) on the body.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BODY = "ZEB " * 30_000  # 120 KB
ATTACHMENT = "ZEB " * 75_000  # 300 KB
SHORT_BODY = "清掃事務所のZEB化について、区の担当者から説明を受けた。"
SHORT_ATTACHMENT = "見学会資料：ZEB Ready の認証を取得した。"


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def make_kb(folder: Path, body: str, attachment: str) -> None:
    from zebkb.service import KnowledgeBase

    note = folder.parent / (folder.name + ".txt")
    note.write_text(attachment, encoding="utf-8")
    with KnowledgeBase.open(folder) as kb:
        kb.set_home_ward("131229")
        record = kb.save(
            {
                "type": "visit",
                "title": "視察",
                "ward": "131229",
                "visited_on": "2024-10-21",
                "body": body,
            }
        )
        kb.add_attachment(record["uid"], note)


def cli_search(folder: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "zebkb", "--data-dir", str(folder), "search", "ZEB"],
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from zebkb.render import highlight_text
    from zebkb.search.normalize import normalize
    from zebkb.search.snippets import make_snippet

    cases = {
        "short record (baseline)": (SHORT_BODY, SHORT_ATTACHMENT),
        '120 KB "ZEB " body + 300 KB attachment': (BODY, ATTACHMENT),
    }
    with tempfile.TemporaryDirectory(prefix="zebkb-snippet-bench-") as tmp:
        for i, (label, (body, attachment)) in enumerate(cases.items()):
            folder = Path(tmp) / f"kb{i}"
            make_kb(folder, body, attachment)
            cli_search(folder)  # builds the index; not measured
            wall = median_time(lambda f=folder: cli_search(f), args.runs)  # type: ignore[misc]
            fields = {"body": body, "attachments": attachment}
            # As the engine calls it: the index holds each field's normalised text.
            known = {name: normalize(text) for name, text in fields.items()}
            snippet = median_time(
                lambda f=fields, k=known: make_snippet(f, ["zeb"], normalised=k),  # type: ignore[misc]
                args.runs,
            )
            highlight = median_time(lambda b=body: highlight_text(b, ["ZEB"]), args.runs)  # type: ignore[misc]
            print(
                f"{label:40}  zebkb search ZEB {wall:6.2f} s   "
                f"make_snippet {snippet * 1000:7.1f} ms   highlight_text {highlight * 1000:7.1f} ms"
            )


if __name__ == "__main__":
    main()
