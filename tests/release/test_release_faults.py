"""Faults in words: disk full, read-only folder, locked or corrupt database, missing file.

Each fault is made real (a file-size limit the kernel enforces, another user,
an exclusive SQLite lock, bytes overwritten) and the command line must answer
with one line, exit 1, and leave the knowledge base as it was.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest
from zebkb_testing import case_record
from zebkb_testing import run_zebkb as zebkb

from zebkb.store.state import DB_FILE


def one_clear_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.save_many(case_record(title=f"記録 {i}") for i in range(5))
        photo = tmp_path / "photo.jpg"
        photo.write_bytes(b"\xff\xd8\xff" + os.urandom(5000))
        uid = kb.list_records()[0].uid
        kb.add_attachment(uid, photo)
        kb.reindex()
    return data


def titles(data: Path) -> list[str]:
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(data) as kb:
        assert kb.check() == []
        return sorted(s.title for s in kb.list_records())


def _random_file(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def _file_size_limit(limit: int):
    def apply() -> None:
        # The kernel refuses writes past the limit (EFBIG) instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_while_saving(folder: Path, tmp_path: Path) -> None:
    before = titles(folder)
    big = tmp_path / "big.json"
    body = "長い本文。" * 200_000
    big.write_text(json.dumps(case_record(title="大きな記録", body=body)), encoding="utf-8")
    limit = (folder / DB_FILE).stat().st_size + 64 * 1024
    proc = zebkb(folder, "add", str(big), preexec=_file_size_limit(limit))
    one_clear_line(proc, "full")
    assert titles(folder) == before


def test_disk_full_while_backing_up(folder: Path, tmp_path: Path) -> None:
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(folder) as kb:
        kb.store_file(_random_file(tmp_path / "plan.pdf", 2 << 20))
    # Room for the database and its copy, not for a zip that also holds 2 MiB of files.
    limit = (folder / DB_FILE).stat().st_size + (512 << 10)
    proc = zebkb(folder, "backup", preexec=_file_size_limit(limit))
    one_clear_line(proc, "full", "backup was not written")
    assert [p.name for p in (folder / "backups").iterdir()] == []


def _read_only_view(source: Path, view: Path) -> bool:
    """A read-only bind mount of ``source`` at ``view`` (root can write through chmod)."""
    view.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "--bind", str(source), str(view)], capture_output=True, check=False
    )
    if done.returncode != 0:
        return False
    ro = subprocess.run(
        ["mount", "-o", "remount,ro,bind", str(view)], capture_output=True, check=False
    )
    if ro.returncode != 0:
        subprocess.run(["umount", str(view)], check=False)
        return False
    return True


def test_read_only_folder(folder: Path, tmp_path: Path) -> None:
    view = tmp_path / "ro"
    if not _read_only_view(folder, view):
        pytest.skip("cannot make a read-only mount here")
    try:
        record = tmp_path / "r.json"
        record.write_text(json.dumps(case_record(title="書けない")), encoding="utf-8")
        proc = zebkb(view, "add", str(record))
        one_clear_line(proc, "not writable")
    finally:
        subprocess.run(["umount", str(view)], check=False)
    assert "書けない" not in titles(folder)


@pytest.mark.slow
def test_locked_database(folder: Path, tmp_path: Path) -> None:
    before = titles(folder)
    record = tmp_path / "r.json"
    record.write_text(json.dumps(case_record(title="待たされる")), encoding="utf-8")
    blocker = sqlite3.connect(folder / DB_FILE, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        proc = zebkb(folder, "add", str(record))
    finally:
        blocker.rollback()
        blocker.close()
    one_clear_line(proc, "busy", "try again")
    assert titles(folder) == before


@pytest.mark.parametrize("where", [0, 8192])
def test_corrupt_database(folder: Path, where: int) -> None:
    db = folder / DB_FILE
    with db.open("r+b") as fh:
        fh.seek(where)
        fh.write(os.urandom(4096))
    listed = zebkb(folder, "list")
    checked = zebkb(folder, "check")
    if where == 0:
        one_clear_line(listed, "damaged", "backup")
        one_clear_line(checked, "damaged", "backup")
    else:
        # A damaged page deeper in: the check names it, nothing crashes.
        assert checked.returncode == 1
        assert "database" in checked.stdout + checked.stderr
        assert "Traceback" not in checked.stderr


def test_missing_attachment_file_is_reported_never_deleted(folder: Path) -> None:
    files = sorted((folder / "attachments").rglob("*"))
    stored = [p for p in files if p.is_file()]
    assert len(stored) == 1
    stored[0].unlink()
    orphan = folder / "attachments" / "ab" / ("ab" + "0" * 62)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"left behind")
    checked = zebkb(folder, "check")
    assert checked.returncode == 1
    assert "is missing" in checked.stdout
    repaired = zebkb(folder, "check", "--repair")
    assert repaired.returncode == 1
    assert "is missing" in repaired.stdout
    assert "not used by any record" in repaired.stdout
    assert orphan.read_bytes() == b"left behind"
    shown = zebkb(folder, "list")
    assert shown.returncode == 0


def test_unexpected_error_names_the_log_file(folder: Path, monkeypatch, capsys) -> None:
    from zebkb.cli import main as cli_main
    from zebkb.logs import close_logging, log_path

    def broken(_args):
        cli_main.open_kb(_args).close()
        raise RuntimeError("a bug")

    parser = cli_main.build_parser()
    args = parser.parse_args(["--data-dir", str(folder), "list"])
    try:
        code = cli_main.run_handler(broken, args)
    finally:
        close_logging()
    err = capsys.readouterr().err
    assert code == 1
    assert str(log_path(folder)) in err
    assert "RuntimeError: a bug" in log_path(folder).read_text(encoding="utf-8")


def test_no_log_file_means_no_english_log_lines_on_stderr(folder: Path) -> None:
    # A folder whose logs/ cannot be made (here a file takes its name; a read-only copy
    # without one, a full disk): what zebkb logs has nowhere to go. Python's logging
    # then printed its warnings raw on stderr ("search index gen-… could not be
    # opened: index written by another version of zebkb") beside the Japanese notice.
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(folder) as kb:
        kb.index._snapshot().side.set_meta("side_version", "1")  # as an older zebkb wrote it
    logs = folder / "logs"
    if logs.is_dir():
        shutil.rmtree(logs)
    logs.write_text("not a folder", encoding="utf-8")
    proc = zebkb(folder, "--lang", "ja", "search", "記録")
    assert proc.returncode == 0, proc.stderr
    assert "記録 0" in proc.stdout
    assert proc.stderr.startswith("zebkb: 検索索引をこの版の zebkb 用に作り直"), proc.stderr
    for line in proc.stderr.splitlines():
        assert line.startswith("zebkb: "), proc.stderr
    assert "gen-" not in proc.stderr
    assert "could not be opened" not in proc.stderr
