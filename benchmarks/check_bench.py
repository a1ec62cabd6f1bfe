"""`zebkb check` and `check --deep` beside `sha256sum` of the same attachment files.

    python benchmarks/check_bench.py            # 1,000 records, 500 MB of attachments
    python benchmarks/check_bench.py --quick    # 100 records, 50 MB

The knowledge base is built in a temporary folder (500 KB files of random
bytes straight into the store, one per record). Then, twice each and in turns
(the page cache is warm after the build, as on a PC that just used the files):
`check` (sizes only), `check --deep` (every file read and hashed), and
`sha256sum` over the same files, the baseline for reading and hashing them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from release_bench import build_kb  # noqa: E402  (the same knowledge base as the release figures)


def timed(fn) -> float:
    started = time.monotonic()
    fn()
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    records, megabytes = (100, 50) if args.quick else (1_000, 500)
    sha256sum = shutil.which("sha256sum")
    with tempfile.TemporaryDirectory() as tmp:
        kb = build_kb(Path(tmp), records, megabytes)
        files = [str(path) for _digest, path in kb.files.iter_files()]
        total = sum(Path(f).stat().st_size for f in files)
        print(f"{records} records, {len(files)} attachment files, {total / 1e6:.0f} MB")
        for attempt in (1, 2):
            started = time.monotonic()
            found = kb.check()
            quick = time.monotonic() - started
            started = time.monotonic()
            found += kb.check(deep=True)
            deep = time.monotonic() - started
            assert found == [], found
            line = f"pass {attempt}: check {quick:.2f} s | check --deep {deep:.2f} s"
            if sha256sum:
                baseline = timed(
                    lambda: subprocess.run(
                        [sha256sum, *files], stdout=subprocess.DEVNULL, check=True
                    )
                )
                line += f" | sha256sum {baseline:.2f} s | deep/sha256sum {deep / baseline:.2f}x"
            print(line + f" | deep {total / 1e6 / deep:.0f} MB/s")
        kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
