"""Bundle export and import beside zip -r / unzip of the same files, and the import's peak memory.

    python benchmarks/bundle_bench.py            # 10,000 records, ~500 MB of attachments
    python benchmarks/bundle_bench.py --quick    # 1,000 records, ~50 MB

Attachments are random bytes (like photos and PDFs, they do not compress).
The import runs in a child process so its peak RSS is its own (plus that of
the helper process it starts to copy the attachments, added up).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import os, resource, sys, threading, time
from pathlib import Path
# The helper process that copies the attachments: its own peak (VmHWM), polled, since
# RUSAGE_CHILDREN would count the memory it shared with this process before exec.
# Only its pid is read, every 50 ms, so the watching costs the import next to nothing.
import zebkb.bundle.copier as copier
helper_pids, helper_peak = [], [0]
started = copier.ChildCopy.__init__
def note_pid(self, *args):
    started(self, *args)
    helper_pids.append(self._proc.pid)
copier.ChildCopy.__init__ = note_pid
def watch_helpers():
    while True:
        for pid in helper_pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        helper_peak[0] = max(helper_peak[0], int(line.split()[1]))
            except OSError:
                pass
        time.sleep(0.05)
threading.Thread(target=watch_helpers, daemon=True).start()
import zebkb.service as service
from zebkb.service import KnowledgeBase
from zebkb.service.exchange import import_bundle
# Where the search index work went: built inside the transaction while the attachments
# were copied (the time includes waiting for the copy), or updated after the commit.
index_time, aside_time = [0.0], [0.0]
def timing(name, into):
    real = getattr(service.KnowledgeBase, name)
    def timed(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return real(self, *args, **kwargs)
        finally:
            into[0] += time.perf_counter() - start
    setattr(service.KnowledgeBase, name, timed)
timing("_index_after_commit", index_time)
timing("build_index_aside", aside_time)
t = time.perf_counter()
with KnowledgeBase.open(sys.argv[1]) as kb:
    summary = import_bundle(kb, sys.argv[2]).as_json()
elapsed = time.perf_counter() - t
# Peak memory of the import: this process plus its helper, added up.
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + helper_peak[0]
print(elapsed, summary["added"], rss, index_time[0], helper_peak[0], aside_time[0])
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
    parser.add_argument("--runs", type=int, default=3, help="imports and unzips timed (median)")
    args = parser.parse_args()
    records, files, size = (1000, 100, 500_000) if args.quick else (10_000, 1000, 500_000)
    for tool in ("zip", "unzip"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (apt-get install zip unzip)")

    from zebkb.service import KnowledgeBase
    from zebkb.service.exchange import export_bundle

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
        # Each timing starts with the disk settled: unzip leaves 500 MB unwritten in the page
        # cache, and the import's fsyncs would otherwise wait for unzip's data too. Nothing
        # is deleted between runs either (freeing 500 MB keeps the disk busy for a while).
        os.sync()
        t_zip = timed(
            lambda: subprocess.run(
                ["zip", "-r", "-q", str(work / "plain.zip"), "."], cwd=plain, check=True
            )
        )
        unzips, syncs, imports, helper_peaks = [], [], [], []
        for run in range(args.runs):
            os.sync()
            target = work / f"unzipped{run}"
            unzips.append(
                timed(
                    lambda target=target: subprocess.run(
                        ["unzip", "-q", str(work / "plain.zip"), "-d", str(target)], check=True
                    )
                )
            )
            syncs.append(timed(os.sync))
            child = subprocess.run(
                [sys.executable, "-c", CHILD, str(work / f"dst{run}"), str(out)],
                check=True,
                capture_output=True,
                text=True,
            )
            t_import, added, rss_kb, t_index, helper_kb, t_aside = child.stdout.split()
            imports.append((float(t_import), float(t_index), int(rss_kb), float(t_aside)))
            helper_peaks.append(int(helper_kb))
        t_unzip = statistics.median(unzips)
        t_import, t_index, _rss, t_aside = sorted(imports)[len(imports) // 2]
        rss_kb = max(rss for _t, _i, rss, _a in imports)
        mb = out.stat().st_size / 1e6
        print(
            f"bundle: {mb:.0f} MB; zip of the same files: {(work / 'plain.zip').stat().st_size / 1e6:.0f} MB"
        )
        print(f"export   {t_export:7.2f} s   zip -r  {t_zip:7.2f} s   ratio {t_export / t_zip:.2f}")
        print(
            f"import   {t_import:7.2f} s   unzip   {t_unzip:7.2f} s   "
            f"ratio {t_import / t_unzip:.2f}   ({added} records added, index included; "
            f"median of {args.runs})"
        )
        print(
            "  runs: import "
            + ", ".join(f"{t:.2f}" for t, _i, _r, _a in imports)
            + " s; unzip "
            + ", ".join(f"{t:.2f}" for t in unzips)
            + " s (unzip does not fsync; writing its files to disk afterwards took "
            + ", ".join(f"{t:.2f}" for t in syncs)
            + " s)"
        )
        print(
            f"  of which: search index built while the attachments were copied {t_aside:.2f} s "
            f"(waiting for the copy included), index update after the commit {t_index:.2f} s"
        )
        print(
            f"import peak RSS {rss_kb / 1024:.0f} MB (import process + its attachment copy "
            f"helper, {max(helper_peaks) / 1024:.0f} MB; highest of the runs; limit 300 MB)"
        )
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
