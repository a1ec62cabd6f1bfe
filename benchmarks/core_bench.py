"""Core speed figures (issue: the knowledge base core).

    python benchmarks/core_bench.py [--records 10000]

Prints, with 10,000 records: `zebkb list --json` wall time including process
start, `zebkb --version`, and saving one record with a 10 MB attachment, each
beside a bare `python -c pass` start measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
WARDS = ["131229", "131113", "131091", "131199", "131156", "131121", "131211"]


def seed_sentences() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    lines = [line.strip() for line in text.splitlines() if len(line.strip()) > 12]
    return lines or ["ZEB化の事例共有、職員知識向上に向けた人材育成"]


def make_records(n: int) -> list[dict]:
    rng = random.Random(2024)
    lines = seed_sentences()
    records = []
    for i in range(n):
        body = "\n".join(rng.choice(lines) for _ in range(12))
        kind = ("case", "visit", "session")[i % 3]
        base = {
            "type": kind,
            "title": f"{rng.choice(lines)[:40]} #{i}",
            "ward": rng.choice(WARDS),
            "body": body,
            "tags": [rng.choice(["清掃", "学校", "庁舎", "研修"])],
        }
        if kind == "case":
            base.update(
                facility_name=f"施設{i}",
                project_type="new",
                floor_area_m2=1000 + i,
                reduction_excl_renewables_pct=50 + i % 10,
                zeb_rank="ZEB Ready",
                rank_status="equivalent",
                completed_on="2024-06-01",
            )
        elif kind == "visit":
            base.update(visited_on="2024-10-21", participants=["環境省", "杉並区"])
        else:
            base.update(held_on="2025-02-07", kind="seminar", organizer="葛飾区")
        records.append(base)
    return records


def wall(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from zebkb.service import KnowledgeBase

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "kb"
        env = {**os.environ, "ZEBKB_DATA_DIR": str(data)}
        start = time.perf_counter()
        with KnowledgeBase.open(data) as kb:
            kb.set_home_ward("131229")
            records = make_records(args.records)
            for i in range(0, len(records), 1000):
                kb.save_many(records[i : i + 1000])
            fill = time.perf_counter() - start
            big = Path(tmp) / "handout.bin"
            big.write_bytes(os.urandom(10 * 2**20))
            target = kb.list_records(kind="case")[0].uid
            t0 = time.perf_counter()
            kb.add_attachment(target, big)
            save_10mb = time.perf_counter() - t0

        py = [sys.executable]
        bare = wall([*py, "-c", "pass"], args.runs, env)
        version = wall([*py, "-m", "zebkb", "--version"], args.runs, env)
        listing = wall([*py, "-m", "zebkb", "list", "--json"], args.runs, env)

    print(f"records: {args.records:,} (filled in {fill:.1f} s)")
    print(f"{'measurement':<44}{'seconds':>9}{'target':>9}")
    print(f"{'python -c pass (baseline start)':<44}{bare:>9.3f}{'':>9}")
    print(f"{'zebkb --version':<44}{version:>9.3f}{'0.3':>9}")
    print(f"{'zebkb list --json':<44}{listing:>9.3f}{'1.0':>9}")
    print(f"{'save one record with a 10 MB attachment':<44}{save_10mb:>9.3f}{'0.5':>9}")
    print(f"(medians of {args.runs} runs; process figures include interpreter start)")


if __name__ == "__main__":
    main()
