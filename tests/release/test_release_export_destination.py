"""Export destinations: only a new or (with --force) an existing regular file is written.

A pipe, a device, a folder or a symbolic link at the destination is refused
in one line (exit 3) and left as it was; nothing is written through a link.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from zebkb_testing import case_record
from zebkb_testing import run_zebkb as zebkb

from zebkb.bundle.reader import open_bundle


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.save_many(case_record(title=f"記録 {i}") for i in range(3))
    return data


def refused(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 3, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("zebkb:")]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0]


def nothing_written(out: Path, *expected: str) -> None:
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)


def test_a_named_pipe_is_refused_without_hanging(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    pipe = out / "pipe.zebkb"
    os.mkfifo(pipe)
    for extra in ([], ["--force"]):
        refused(zebkb(folder, "export", str(pipe), "--no-sign", *extra), "named pipe")
    assert pipe.is_fifo()
    nothing_written(out, "pipe.zebkb")


def test_a_symlink_is_never_written_through_or_replaced(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file", encoding="utf-8")
    link = out / "link.zebkb"
    link.symlink_to(victim)
    dangling = out / "dangling.zebkb"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    for target in (link, dangling):
        for extra in ([], ["--force"]):
            refused(zebkb(folder, "export", str(target), "--no-sign", *extra), "symbolic link")
    assert victim.read_text(encoding="utf-8") == "someone else's file"
    assert link.is_symlink()
    assert dangling.is_symlink()
    assert not (tmp_path / "nowhere.txt").exists()
    nothing_written(out, "link.zebkb", "dangling.zebkb")


def test_a_folder_and_a_device_are_refused(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "dir.zebkb").mkdir(parents=True)
    refused(zebkb(folder, "export", str(out / "dir.zebkb"), "--no-sign", "--force"), "folder")
    nothing_written(out, "dir.zebkb")
    if Path("/dev/null").exists():
        before = sorted(p.name for p in Path("/dev").iterdir())
        refused(zebkb(folder, "export", "/dev/null", "--no-sign", "--force"), "device")
        assert sorted(p.name for p in Path("/dev").iterdir()) == before


def test_an_existing_file_is_replaced_only_with_force(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "old.zebkb"
    existing.write_bytes(b"last week's bundle")
    refused(zebkb(folder, "export", str(existing), "--no-sign"), "already exists", "--force")
    assert existing.read_bytes() == b"last week's bundle"
    nothing_written(out, "old.zebkb")
    done = zebkb(folder, "export", str(existing), "--no-sign", "--force")
    assert done.returncode == 0, done.stderr
    with open_bundle(existing) as bundle:
        assert len(bundle.records) == 3
    nothing_written(out, "old.zebkb")


def test_an_existing_part_of_a_split_export_is_refused(folder: Path, tmp_path: Path) -> None:
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(folder) as kb:
        for record in kb.list_records():
            photo = tmp_path / f"{record.uid}.bin"
            photo.write_bytes(os.urandom(300_000))
            kb.add_attachment(record.uid, photo)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mail.2-of-3.zebkb").write_bytes(b"an earlier part")
    args = ["export", str(out / "mail.zebkb"), "--no-sign", "--max-size", "400KB"]
    refused(zebkb(folder, *args), "mail.2-of-3.zebkb", "already exists")
    nothing_written(out, "mail.2-of-3.zebkb")
    done = zebkb(folder, *args, "--force")
    assert done.returncode == 0, done.stderr
    nothing_written(out, "mail.1-of-3.zebkb", "mail.2-of-3.zebkb", "mail.3-of-3.zebkb")
