"""Smoke-test a built zebkb: ``python packaging/smoke.py dist/zebkb/zebkb-cli``.

Runs the program as a ward PC would, on fresh data folders: --version, init,
demo, search, an export/import round trip into a second knowledge base,
an import of a 70 MiB attachment (copied by the import's helper process),
backup, check, and the window started offscreen with a screenshot. Prints
the folder's size and the start-to-window time; exit status 0 when all pass.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

WINDOW_BUDGET_S = 3.0


class SmokeFailure(Exception):
    pass


MIZUMOTO = "6b5aaf5a-9c66-5667-9c85-a407169163eb"  # a demo case: 葛飾区立水元小学校


def run(exe: Path, data: Path | None, *args: str, env: dict | None = None) -> str:
    cmd = [str(exe)] + (["--data-dir", str(data)] if data else []) + list(args)
    proc = subprocess.run(
        cmd, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=False
    )
    if proc.returncode != 0:
        raise SmokeFailure(f"{' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def start_window(exe: Path, data: Path, shot: Path) -> float:
    """Seconds from start until the window was up (it closes itself right after showing)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZEBKB_QUIT_AFTER_MS="0")
    env["ZEBKB_SCREENSHOT"] = str(shot)
    started = time.monotonic()
    run(exe, data, "gui", env=env)
    elapsed = time.monotonic() - started
    if not shot.is_file() or shot.stat().st_size < 1000:
        raise SmokeFailure("the window did not produce a screenshot")
    return elapsed


def big_bundle(path: Path, size: int = 70 * 2**20) -> tuple[str, int]:
    """A bundle written by hand (bundle-format.md) with one attachment big enough that the
    import copies it in its helper process (`zebkb-cli _copy-attachments`)."""
    data = os.urandom(size)
    sha = hashlib.sha256(data).hexdigest()
    record = {
        "uid": str(uuid.uuid4()),
        "type": "case",
        "origin": "131229",
        "created_at": "2024-05-01T09:00:00+09:00",
        "updated_at": "2024-05-01T09:00:00+09:00",
        "revision": 1,
        "title": "大きな添付ファイルの事例",
        "ward": "131229",
        "facility_name": "葛飾区清掃事務所",
        "project_type": "new",
        "attachments": [
            {"sha256": sha, "filename": "図面.pdf", "media_type": "image/jpeg", "size": size}
        ],
    }
    records = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    files = [("records.jsonl", records), (f"attachments/{sha}", data)]
    manifest = {
        "format": "zebkb-bundle",
        "version": 1,
        "bundle_id": str(uuid.uuid4()),
        "created_at": "2024-05-01T09:00:00+09:00",
        "origin": {"ward": "131229", "name": "葛飾区"},
        "generator": "zebkb packaging smoke test",
        "since": None,
        "files": [
            {"path": name, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
            for name, body in files
        ],
    }
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for name, body in files:
            zf.writestr(name, body, zipfile.ZIP_STORED)
    return sha, size


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def smoke(exe: Path, out_dir: Path) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a, b = root / "katsushika", root / "shinagawa"
        results["version"] = run(exe, None, "--version").strip()
        if not results["version"].startswith("zebkb ") or "source" in results["version"]:
            raise SmokeFailure(f"--version says {results['version']!r}")
        run(exe, a, "init", "--ward", "葛飾区")
        run(exe, a, "demo")
        found = json.loads(run(exe, a, "search", "清掃事務所", "--json"))
        if found["total"] < 1:
            raise SmokeFailure("search found nothing in the demo records")
        results["search_hits"] = found["total"]
        # The demo's PDF handouts are read by the text helper (zebkb-cli _extract-text).
        log = (a / "logs" / "zebkb.log").read_text(encoding="utf-8")
        if "the text extraction helper took text from" not in log or " from 0 files" in log:
            raise SmokeFailure("the text helper (zebkb-cli _extract-text) took no PDF text")
        listed = json.loads(run(exe, a, "list", "--json"))
        # The case sheet embeds the bundled Japanese font (zebkb.spec font_files), so it
        # prints the same on a PC without IPAex Gothic: a TrueType font file inside the PDF.
        sheet = root / "sheet.pdf"
        run(exe, a, "report", MIZUMOTO, "--pdf", str(sheet))
        if b"/FontFile2" not in sheet.read_bytes():
            raise SmokeFailure("the case sheet has no embedded Japanese font")
        bundle = root / "demo.zebkb"
        run(exe, a, "export", str(bundle))
        run(exe, b, "init", "--ward", "品川区")
        imported = json.loads(run(exe, b, "import", str(bundle), "--json"))
        if imported["added"] != len(listed):
            raise SmokeFailure(f"import added {imported['added']} of {len(listed)} records")
        if len(json.loads(run(exe, b, "list", "--json"))) != len(listed):
            raise SmokeFailure("the imported knowledge base lists a different number of records")
        results["round_trip_records"] = len(listed)
        big, c = root / "big.zebkb", root / "ota"
        sha, size = big_bundle(big)
        run(exe, c, "init", "--ward", "大田区")
        if json.loads(run(exe, c, "import", str(big), "--json"))["added"] != 1:
            raise SmokeFailure("the bundle with a big attachment was not imported")
        stored = c / "attachments" / sha[:2] / sha
        if not stored.is_file() or stored.stat().st_size != size:
            raise SmokeFailure("the big attachment was not stored")
        # The import falls back to copying itself if the helper cannot run: say which it was.
        log = (c / "logs" / "zebkb.log").read_text(encoding="utf-8")
        if "the attachment copy helper stored 1 files" not in log:
            raise SmokeFailure(
                "the import's helper process (zebkb-cli _copy-attachments) did not run"
            )
        results["big_attachment_mib"] = size // 2**20
        backup = json.loads(run(exe, b, "backup", "--json"))
        results["backup_bytes"] = backup["size"]
        run(exe, b, "check")
        out_dir.mkdir(parents=True, exist_ok=True)
        shot = out_dir / "smoke-window.png"
        results["window_start_s"] = round(start_window(exe, a, shot), 2)
        results["window_start_again_s"] = round(start_window(exe, a, shot), 2)
        results["screenshot"] = str(shot)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("exe", type=Path, help="the built zebkb-cli (or zebkb) program")
    parser.add_argument("--out", type=Path, default=Path("dist") / "smoke")
    args = parser.parse_args()
    exe = args.exe.resolve()
    try:
        results = smoke(exe, args.out)
    except SmokeFailure as exc:
        print(f"smoke test FAILED: {exc}", file=sys.stderr)
        return 1
    results["folder_mib"] = round(folder_size(exe.parent) / 2**20, 1)
    for key, value in results.items():
        print(f"{key}: {value}")
    if results["window_start_s"] > WINDOW_BUDGET_S:
        print(f"note: the window took more than {WINDOW_BUDGET_S} s to start", file=sys.stderr)
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
