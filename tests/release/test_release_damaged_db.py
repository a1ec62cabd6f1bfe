"""A damaged database: every command says so in one line, with the way out; backups refuse it.

The damage is real: one 4 KiB page of the database file overwritten with
random bytes, as a failing disk or a half-copied file leaves it.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import zipfile
from pathlib import Path

import pytest
from zebkb_testing import case_record
from zebkb_testing import run_zebkb as zebkb

from zebkb.errors import KnownError
from zebkb.service.backup import create_backup, list_backups, prune_backups, restore_backup
from zebkb.store.db import DamagedDatabaseError
from zebkb.store.state import DB_FILE

PAGE = 4096


def damage_page(db: Path, page: int, seed: int = 19) -> None:
    with db.open("r+b") as fh:
        fh.seek(page * PAGE)
        fh.write(random.Random(seed + page).randbytes(PAGE))


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, str, Path]:
    """A knowledge base of many pages, one attachment, and one good backup."""
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.save_many(
            case_record(title=f"記録 {i}", body="設計段階で一次エネルギーを削減。" * 40)
            for i in range(150)
        )
        uid = kb.list_records()[0].uid
        photo = tmp_path / "photo.jpg"
        photo.write_bytes(b"\xff\xd8\xff" + os.urandom(5000))
        kb.add_attachment(uid, photo)
        kb.reindex()
        good = create_backup(kb).path
    # Everything in the database file itself, as after a clean close.
    assert not (data / f"{DB_FILE}-wal").exists() or (data / f"{DB_FILE}-wal").stat().st_size == 0
    return data, uid, good


def assert_one_line(proc: subprocess.CompletedProcess) -> None:
    assert "unexpected error" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    said = [line for line in proc.stderr.splitlines() if line.startswith("zebkb:")]
    assert len(said) == (proc.returncode != 0), proc.stderr


# Page 0 holds the header and the schema; the others are tables and indexes.
PAGES = [0, 1, 6, 30]


@pytest.mark.parametrize("page", PAGES)
def test_every_command_names_the_damage_and_the_way_out(folder, page, tmp_path) -> None:
    data, uid, good = folder
    record = tmp_path / "r.json"
    record.write_text(json.dumps(case_record(title="新しい記録")), encoding="utf-8")
    damage_page(data / DB_FILE, page)
    commands = [
        ["list"],
        ["list", "--json"],
        ["show", uid],
        ["history", uid],
        ["search", "記録"],
        ["conflicts"],
        ["add", str(record)],
        ["export", str(tmp_path / "out.zebkb"), "--no-sign"],
        ["reindex"],
    ]
    damaged_said = 0
    for args in commands:
        proc = zebkb(data, *args)
        assert_one_line(proc)
        if proc.returncode != 0 and "damaged" in proc.stderr:
            damaged_said += 1
            assert proc.returncode == 1, (args, proc.stderr)
            assert f"restore-backup {good}" in proc.stderr, (args, proc.stderr)
    if page == 0:  # the schema: every command meets it (deeper pages only some)
        assert damaged_said == len(commands)

    checked = zebkb(data, "check")
    assert "unexpected error" not in checked.stderr
    assert checked.returncode == 1
    said = checked.stdout + checked.stderr
    assert said.count("\n") == 1, said
    assert "damaged" in said
    assert f"restore-backup {good}" in said

    backed_up = zebkb(data, "backup")
    assert_one_line(backed_up)
    assert backed_up.returncode == 1
    assert "damaged" in backed_up.stderr
    if page > 0:  # (page 0 is the schema: the folder does not even open)
        assert "no backup was written" in backed_up.stderr
    assert list_backups(data) == [good]
    assert not [p for p in (data / "backups").iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("page", [0, 6])
def test_restoring_the_named_backup_mends_it(folder, page) -> None:
    data, uid, good = folder
    damage_page(data / DB_FILE, page)
    restored = zebkb(data, "restore-backup", str(good), "--yes")
    assert restored.returncode == 0, restored.stderr
    (aside,) = (data / "backups").glob("damaged-*.sqlite3")
    assert str(aside.name) in restored.stdout
    # The damaged file is kept as it was, not mended or dropped.
    assert aside.read_bytes()[page * PAGE : (page + 1) * PAGE] == random.Random(
        19 + page
    ).randbytes(PAGE)
    checked = zebkb(data, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = zebkb(data, "show", uid)
    assert shown.returncode == 0
    assert zebkb(data, "list").stdout.count("\n") == 150


def test_no_usable_backup_says_so(tmp_path) -> None:
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.save_many(case_record(title=f"記録 {i}") for i in range(20))
    damage_page(data / DB_FILE, 0)
    proc = zebkb(data, "list")
    assert_one_line(proc)
    assert proc.returncode == 1
    assert "no usable backup" in proc.stderr


def test_the_window_shows_the_damage_in_words(folder) -> None:
    from zebkb.service import KnowledgeBase
    from zebkb.ui.core.ops import user_message

    data, _uid, good = folder
    with KnowledgeBase.open(data) as kb:
        damage_page(data / DB_FILE, 0)
        kb.dispose_engines()
        with pytest.raises(DamagedDatabaseError) as caught:
            kb.list_records()
    message = user_message(caught.value)
    assert "データベースが壊れています" in message
    assert str(good) in message
    assert "\n" not in message


def test_backup_refuses_a_damaged_database(kb) -> None:
    kb.save_many(case_record(title=f"記録 {i}", body="本文。" * 300) for i in range(100))
    good = create_backup(kb).path
    kb.dispose_engines()
    damage_page(kb.data_dir / DB_FILE, 4)
    with pytest.raises(DamagedDatabaseError, match="no backup was written"):
        create_backup(kb)
    assert list_backups(kb.data_dir) == [good]


def test_backup_verifies_the_zip_it_wrote(kb, monkeypatch) -> None:
    import zebkb.service.backup as backup_module

    kb.save(case_record())
    real_fsync = os.fsync

    def failing_disk(fd: int) -> None:
        # The disk returns other bytes than were written: flip one in the database entry.
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if path.name.startswith(".partial-") and path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo(DB_FILE)
            with path.open("r+b") as fh:
                fh.seek(info.header_offset + 30 + len(info.filename) + 10)
                byte = fh.read(1)
                fh.seek(-1, os.SEEK_CUR)
                fh.write(bytes([byte[0] ^ 0x01]))
        real_fsync(fd)

    monkeypatch.setattr(backup_module.os, "fsync", failing_disk)
    with pytest.raises(KnownError, match="does not read back"):
        create_backup(kb)
    assert list_backups(kb.data_dir) == []
    assert [p.name for p in (kb.data_dir / "backups").iterdir()] == []


def test_rotation_keeps_the_last_good_backup(kb, clock) -> None:
    kb.save(case_record())
    made = []
    for _ in range(3):
        made.append(create_backup(kb).path)
        clock.advance(seconds=1)
    # The two newest became unreadable on disk after they were written.
    for path in made[1:]:
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(DB_FILE)
        start = info.header_offset + 30 + len(info.filename)
        data[start : start + 64] = bytes(64)
        path.write_bytes(bytes(data))
    deleted = prune_backups(kb.data_dir, keep=2)
    assert deleted == []
    assert list_backups(kb.data_dir) == made
    # Once a good one is among the kept, the older ones go as usual.
    clock.advance(seconds=1)
    newest = create_backup(kb, keep=2).path
    assert list_backups(kb.data_dir) == [made[2], newest]
    restore_backup(kb, newest)
