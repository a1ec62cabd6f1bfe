"""Bundle export and import beside zip -r / unzip of the same files, and the import's peak memory.

    python benchmarks/bundle_bench.py            # 10,000 records, ~500 MB of attachments
    python benchmarks/bundle_bench.py --quick    # 1,000 records, ~50 MB

Attachments are random bytes (like photos and PDFs, they do not compress).
The import runs in a child process so its peak RSS is its own.
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

CHILD = r"""
import resource, sys, time
import zebkb.service as service
from zebkb.service import KnowledgeBase
from zebkb.bundle.exchange import import_bundle
# The search index is brought up to date after the import's commit: time it apart.
index_time = [0.0]
sync = service.KnowledgeBase._sync_index
def timed_sync(self, uids):
    start = time.perf_counter()
    try:
        return sync(self, uids)
    finally:
        index_time[0] += time.perf_counter() - start
service.KnowledgeBase._sync_index = timed_sync
t = time.perf_counter()
with KnowledgeBase.open(sys.argv[1]) as kb:
    summary = import_bundle(kb, sys.argv[2]).as_json()
elapsed = time.perf_counter() - t
print(elapsed, summary["added"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, index_time[0])
"""


def build(kb_dir: Path, records: int, files: int, file_size: int) -> None:
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(kb_dir) as kb:
        kb.set_home_ward("131229")
        refs = []
        scratch = kb_dir.parent / "scratch.bin"
        for _ in range(files):
            scratch.write_bytes(os.urandom(file_size))
            sha, size = kb.store_file(scratch)
            refs.append(
                {"sha256": sha, "filename": "photo.jpg", "media_type": "image/jpeg", "size": size}
            )
        scratch.unlink()
        batch = []
        for i in range(records):
            record = {
                "type": "case",
                "title": f"区有施設のZEB化 事例{i}",
                "ward": "131229",
                "facility_name": f"施設{i}",
                "project_type": "renovation",
                "body": "断熱改修とLED照明、高効率空調の導入。" * 10,
            }
            if i < files:
                record["attachments"] = [refs[i]]
            batch.append(record)
            if len(batch) == 1000:
                kb.save_many(batch)
                batch = []
        if batch:
            kb.save_many(batch)


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    records, files, size = (1000, 100, 500_000) if args.quick else (10_000, 1000, 500_000)
    for tool in ("zip", "unzip"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (apt-get install zip unzip)")

    from zebkb.bundle.exchange import export_bundle
    from zebkb.service import KnowledgeBase

    work = Path(tempfile.mkdtemp(prefix="zebkb-bundle-bench-"))
    try:
        src = work / "src"
        t_build = timed(lambda: build(src, records, files, size))
        print(f"built {records} records, {files} files of {size // 1000} kB in {t_build:.1f} s")

        out = work / "all.zebkb"
        with KnowledgeBase.open(src) as kb:
            t_export = timed(lambda: export_bundle(kb, out))
        # The same files for zip: the attachment folder plus the records as one file.
        with KnowledgeBase.open(src) as kb:
            plain = work / "plain"
            plain.mkdir()
            shutil.copytree(src / "attachments", plain / "attachments")
            import zipfile

            with zipfile.ZipFile(out) as zf:
                (plain / "records.jsonl").write_bytes(zf.read("records.jsonl"))
        t_zip = timed(
            lambda: subprocess.run(
                ["zip", "-r", "-q", str(work / "plain.zip"), "."], cwd=plain, check=True
            )
        )
        t_unzip = timed(
            lambda: subprocess.run(
                ["unzip", "-q", str(work / "plain.zip"), "-d", str(work / "unzipped")], check=True
            )
        )
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(work / "dst"), str(out)],
            check=True,
            capture_output=True,
            text=True,
        )
        t_import, added, rss_kb, t_index = child.stdout.split()
        mb = out.stat().st_size / 1e6
        print(
            f"bundle: {mb:.0f} MB; zip of the same files: {(work / 'plain.zip').stat().st_size / 1e6:.0f} MB"
        )
        print(f"export   {t_export:7.2f} s   zip -r  {t_zip:7.2f} s   ratio {t_export / t_zip:.2f}")
        merge = float(t_import) - float(t_index)
        print(
            f"import   {float(t_import):7.2f} s   unzip   {t_unzip:7.2f} s   "
            f"ratio {float(t_import) / t_unzip:.2f}   ({added} records added, index included)"
        )
        print(
            f"  of which: check, files and merge {merge:.2f} s (ratio {merge / t_unzip:.2f}), "
            f"search index update after the commit {float(t_index):.2f} s"
        )
        print(f"import peak RSS {int(rss_kb) / 1024:.0f} MB (limit 300 MB)")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
