"""Review findings in zebkb/service/backup.py: damaged entries in a backup from outside."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from zebkb_testing import case_record

from zebkb.errors import InputError
from zebkb.service.backup import inspect_backup, restore_backup


def _data_offset(path: Path, name: str) -> int:
    """Where an entry's (compressed) bytes start in the zip file."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
    name_len, extra_len = struct.unpack("<2H", header[26:30])
    return info.header_offset + 30 + name_len + extra_len


def _damage(path: Path, name: str) -> Path:
    """Set the first data byte of one entry to 0xFF (deflate's reserved block type)."""
    data = bytearray(path.read_bytes())
    offset = _data_offset(path, name)
    assert data[offset] != 0xFF
    data[offset] = 0xFF
    out = path.with_name("damaged-" + path.name)
    out.write_bytes(bytes(data))
    return out


@pytest.fixture
def backup_with_file(kb, tmp_path: Path) -> Path:
    photo = tmp_path / "photo.bin"
    photo.write_bytes(b"zebkb review " * 50)
    saved = kb.save(case_record())
    kb.add_attachment(saved["uid"], photo)
    return kb.backup()


def test_damaged_database_entry_is_refused_in_one_line(kb, backup_with_file) -> None:
    bad = _damage(backup_with_file, "zebkb.sqlite3")
    with pytest.raises(InputError, match="not a usable zebkb backup"):
        inspect_backup(bad)
    before = kb.count()
    with pytest.raises(InputError, match="not a usable zebkb backup"):
        restore_backup(kb, bad)
    assert kb.count() == before


def test_damaged_attachment_entry_is_refused_and_changes_nothing(
    backup_with_file, tmp_path: Path
) -> None:
    from zebkb.service import KnowledgeBase

    with zipfile.ZipFile(backup_with_file) as zf:
        name = next(n for n in zf.namelist() if n.startswith("attachments/"))
    bad = _damage(backup_with_file, name)
    # Another PC: the backup's file is not there yet, so the restore has to read it.
    with KnowledgeBase.open(tmp_path / "other") as other:
        other.set_home_ward("131091")
        kept = other.save(case_record(title="already here"))
        with pytest.raises(InputError, match="not a usable zebkb backup"):
            restore_backup(other, bad)
        assert [r.uid for r in other.list_records()] == [kept["uid"]]


def test_cli_refuses_damaged_backup_with_exit_3_and_no_traceback(kb, backup_with_file, cli) -> None:
    bad = _damage(backup_with_file, "zebkb.sqlite3")
    result = cli("restore-backup", str(bad), "--yes")
    assert result.code == 3, result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
