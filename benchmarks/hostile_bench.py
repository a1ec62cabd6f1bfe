"""Hostile queries and Markdown floods: how long each takes, beside ordinary input.

    python benchmarks/hostile_bench.py [--records 600] [--runs 3]

The tests prove these inputs are answered or refused without a crash; how long
that takes is measured here (the issue's promise: well under 2 s each), so a
loaded test machine cannot make a test fail. Each figure is the median of
--runs, printed beside a baseline measured in the same run: an ordinary query
(清掃事務所) on the same index, and an ordinary Markdown body.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hostile_inputs import HOSTILE_QUERIES, MARKDOWN_FLOODS
from seed_corpus import corpus_docs

from zebkb.render import render_markdown
from zebkb.search.engine import QueryError, SearchIndex

ORDINARY_BODY = (
    "# 清掃事務所のZEB化\n\n- 外皮の高断熱化\n- 高効率空調\n\n[区のページ](https://example.jp/)\n"
    * 20
)


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp))
        docs = corpus_docs(args.records)
        index.rebuild(docs, total=len(docs), state=1)

        def ask(query: str) -> Callable[[], object]:
            def run() -> object:
                try:
                    return index.search(query)
                except QueryError as e:
                    return e

            return run

        base = median_time(ask("清掃事務所"), args.runs)
        print(f"queries on {args.records} records (median of {args.runs}):")
        print(f"  {'baseline 清掃事務所':<24} {base * 1000:9.1f} ms")
        for name, query in HOSTILE_QUERIES.items():
            took = median_time(ask(query), args.runs)
            print(f"  {name:<24} {took * 1000:9.1f} ms  ({took / base:.1f}x baseline)")
        index.close()

    base = median_time(lambda: render_markdown(ORDINARY_BODY, budget_s=600), args.runs)
    print(f"Markdown floods (median of {args.runs}):")
    print(f"  {'baseline body':<24} {base * 1000:9.1f} ms")
    for name, body in MARKDOWN_FLOODS.items():
        took = median_time(lambda body=body: render_markdown(body, budget_s=600), args.runs)
        print(f"  {name:<24} {took * 1000:9.1f} ms  ({took / base:.1f}x baseline)")


if __name__ == "__main__":
    main()
