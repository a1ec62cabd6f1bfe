"""Release figures: frozen cold start to window, and backup beside ``cp -r``.

    python benchmarks/release_bench.py           # 10,000 records, 500 MB of attachments
    python benchmarks/release_bench.py --quick   # 1,000 records, 50 MB

The knowledge base is built in a temporary folder (records through
save_many, attachment files straight into the store with records referring
to them), then ``zebkb backup`` and ``cp -r`` of the same folder run in the
same process, one after the other, twice each (the second pass has a warm
page cache for both).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FROZEN = REPO / "dist" / "zebkb" / ("zebkb-cli.exe" if sys.platform == "win32" else "zebkb-cli")


def cold_start(runs: int = 3) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "kb"
        subprocess.run(
            [str(FROZEN), "--data-dir", str(data), "demo"], capture_output=True, check=False
        )
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZEBKB_QUIT_AFTER_MS="0")
        for _ in range(runs):
            started = time.monotonic()
            subprocess.run(
                [str(FROZEN), "--data-dir", str(data), "gui"],
                env=env,
                capture_output=True,
                check=True,
            )
            times.append(time.monotonic() - started)
    return times


def build_kb(root: Path, records: int, megabytes: int):
    sys.path.insert(0, str(REPO / "tests"))
    from zebkb_testing import case_record

    from zebkb.service import KnowledgeBase

    kb = KnowledgeBase.open(root / "kb")
    kb.set_home_ward("131229")
    n_files = max(1, megabytes * 2)  # 500 KB photos
    digests = []
    for _ in range(n_files):
        digests.append(kb.files.put_stream(_Random(512_000))[0])
    batch = []
    for i in range(records):
        att = []
        if i < n_files:
            att = [
                {
                    "sha256": digests[i],
                    "filename": f"photo{i}.jpg",
                    "media_type": "image/jpeg",
                    "size": 512_000,
                }
            ]
        batch.append(case_record(title=f"記録 {i}", attachments=att, body=f"本文 {i} " * 30))
        if len(batch) == 1000:
            kb.save_many(batch)
            batch = []
    if batch:
        kb.save_many(batch)
    return kb


class _Random:
    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return os.urandom(n)


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    records, megabytes = (1_000, 50) if args.quick else (10_000, 500)

    if FROZEN.exists():
        times = cold_start()
        print(
            f"frozen start to window (offscreen): {', '.join(f'{t:.2f}' for t in times)} s (target < 3 s)"
        )
    else:
        print("frozen build not found (python packaging/build.py): cold start skipped")

    from zebkb.service.backup import create_backup

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.monotonic()
        kb = build_kb(root, records, megabytes)
        print(
            f"built {records} records + {megabytes} MB attachments in {time.monotonic() - started:.1f} s; "
            f"folder {folder_bytes(kb.data_dir) / 1e6:.0f} MB"
        )
        for attempt in (1, 2):
            started = time.monotonic()
            info = create_backup(kb, keep=1)
            backup_s = time.monotonic() - started
            copy = root / f"copy{attempt}"
            started = time.monotonic()
            subprocess.run(["cp", "-r", str(kb.data_dir), str(copy)], check=True)
            cp_s = time.monotonic() - started
            shutil.rmtree(copy)
            print(
                f"pass {attempt}: zebkb backup {backup_s:.2f} s ({info.size / 1e6:.0f} MB zip) | "
                f"cp -r {cp_s:.2f} s | ratio {backup_s / cp_s:.1f}x"
            )
        kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
