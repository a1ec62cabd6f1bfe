"""Team mode's attachment store: files in the shared PostgreSQL database, beside a shared folder.

    python benchmarks/attachments_bench.py [--quick]

Both ways are measured in the same run, on the same files, with the code zebkb
uses for each:

- database: ``zebkb/store/blobs.py`` (1 MiB pieces in ``blob_chunk``), one
  transaction per file as a save makes it; another PC reads a file by copying
  it into its local cache (``AttachmentStore.stage/sync/place``, checked
  against the SHA-256), as ``KnowledgeBase.attachment_path`` does;
- shared folder: a content-addressed folder every PC reaches
  (``AttachmentStore.put_file``: temporary name, fsync, rename); another PC
  reads by copying the file into its local cache the same way.

The PostgreSQL server is a throwaway one (tests/zebkb_pg_kit.py) on a Unix
socket, switched to fsync=on for this run so both sides sync to the same disk.
The "shared folder" is on the local disk: the best case for it; a real SMB or
NFS share adds the network to every write and read, which the database pays
too (its own protocol, one round trip per piece). Printed: MB/s to store and
to fetch, and the time per small file.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def make_files(folder: Path, sizes: list[int]) -> list[tuple[Path, str, int]]:
    folder.mkdir(parents=True)
    out = []
    for i, size in enumerate(sizes):
        path = folder / f"f{i}"
        # Incompressible, as photos and PDFs are.
        path.write_bytes(os.urandom(size))
        out.append((path, hashlib.sha256(path.read_bytes()).hexdigest(), size))
    return out


def bench_database(
    url: str, files: list[tuple[Path, str, int]], cache: Path
) -> tuple[float, float]:
    from sqlalchemy import create_engine
    from sqlmodel import Session

    from zebkb.filestore import AttachmentStore
    from zebkb.store import blobs
    from zebkb.store.models import BlobChunk

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    BlobChunk.__table__.create(engine)  # type: ignore[attr-defined]
    start = time.perf_counter()
    for path, digest, _size in files:
        with Session(engine) as session, path.open("rb") as fh:
            blobs.put(session, digest, iter(lambda fh=fh: fh.read(blobs.CHUNK), b""))
            session.commit()
    stored = time.perf_counter() - start
    local = AttachmentStore(cache)
    start = time.perf_counter()
    with engine.connect() as conn:
        for _path, digest, _size in files:
            staged = local.stage(blobs.read(conn, digest), sha256=digest)
            local.sync(staged)
            local.place(staged)
    fetched = time.perf_counter() - start
    engine.dispose()
    return stored, fetched


def bench_folder(
    shared: Path, files: list[tuple[Path, str, int]], cache: Path
) -> tuple[float, float]:
    from zebkb.filestore import CHUNK, AttachmentStore

    store = AttachmentStore(shared)
    start = time.perf_counter()
    for path, _digest, _size in files:
        store.put_file(path)
    stored = time.perf_counter() - start
    local = AttachmentStore(cache)
    start = time.perf_counter()
    for _path, digest, _size in files:
        with store.path(digest).open("rb") as fh:
            staged = local.stage(iter(lambda fh=fh: fh.read(CHUNK), b""), sha256=digest)
        local.sync(staged)
        local.place(staged)
    fetched = time.perf_counter() - start
    return stored, fetched


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, smaller files")
    args = parser.parse_args()
    from zebkb_pg_kit import PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        print("no PostgreSQL server binaries found (packaging/install.sh installs them)")
        return 1
    small, big = (50, 2) if args.quick else (300, 6)
    kinds = {
        # A page scan or a small PDF; a report PDF or a set of photos.
        "small (256 KiB)": [256 << 10] * small,
        "large (20 MiB)": [20 << 20] * big,
    }
    root = Path(tempfile.mkdtemp(prefix="zab-", dir="/tmp"))
    root.chmod(0o755)  # the server may run as another user (root cannot run it)
    server = PgServer(bindir, root / "pg")
    (root / "pg").mkdir()
    try:
        server.start()
        server._admin("ALTER SYSTEM SET fsync = on")
        server._admin("ALTER SYSTEM SET synchronous_commit = on")
        server._admin("SELECT pg_reload_conf()")
        print(f"{'files':<18}{'way':<16}{'store MB/s':>12}{'fetch MB/s':>12}{'ms/file in':>12}"
              f"{'ms/file out':>12}")  # fmt: skip
        for label, sizes in kinds.items():
            work = root / label.split()[0]
            files = make_files(work / "src", sizes)
            total = sum(sizes) / 1e6
            url = server.url(server.create_database())
            rows = {
                "database": bench_database(url, files, work / "cache-db"),
                "shared folder": bench_folder(work / "shared", files, work / "cache-dir"),
            }
            for way, (stored, fetched) in rows.items():
                print(
                    f"{label:<18}{way:<16}{total / stored:>12.1f}{total / fetched:>12.1f}"
                    f"{stored / len(sizes) * 1000:>12.1f}{fetched / len(sizes) * 1000:>12.1f}"
                )
            shutil.rmtree(work, ignore_errors=True)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
