"""Backups: consistent zips, keeping the last N, automatic before import, hostile zips refused."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from zebkb_testing import case_record

from zebkb.errors import InputError
from zebkb.service.backup import (
    DB_FILE,
    create_backup,
    inspect_backup,
    list_backups,
    restore_backup,
)
from zebkb.store.db import SCHEMA_VERSION


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "site.jpg"
    path.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    return path


def test_backup_holds_database_and_files_and_restores(kb, photo, clock) -> None:
    first = kb.save(case_record(title="元の件名"))
    kb.add_attachment(first["uid"], photo)
    info = create_backup(kb)
    assert info.records == 1
    assert info.files == 1
    with zipfile.ZipFile(info.path) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"manifest.json", DB_FILE} <= names
    assert manifest["records"] == 1
    assert manifest["includes_files"] is True

    clock.advance(minutes=5)
    changed = kb.require(first["uid"])
    changed["title"] = "後で変えた件名"
    kb.save(changed)
    kb.save(case_record(title="後から足した記録"))
    assert kb.count() == 2

    result = restore_backup(kb, info.path)
    assert result.problems == []
    assert kb.count() == 1
    assert kb.require(first["uid"])["title"] == "元の件名"
    # The index was rebuilt for the restored database, not left describing the other one.
    assert [h.uid for h in kb.search("元の件名").hits] == [first["uid"]]
    assert kb.search("後から足した記録").hits == []
    assert kb.check() == []
    # What was replaced is kept as another backup and can itself be brought back.
    assert result.set_aside.is_file()
    restore_backup(kb, result.set_aside)
    assert kb.count() == 2
    assert kb.require(first["uid"])["title"] == "後で変えた件名"


def test_backup_restores_on_another_pc(kb, photo, tmp_path) -> None:
    from zebkb.service import KnowledgeBase

    record = kb.save(case_record())
    kb.add_attachment(record["uid"], photo)
    info = create_backup(kb)
    with KnowledgeBase.open(tmp_path / "new-pc") as other:
        result = restore_backup(other, info.path)
        assert result.files_added == 1
        assert other.check() == []
        assert other.require(record["uid"])["attachments"][0]["filename"] == "site.jpg"


def test_keeps_the_last_n_of_each_kind(kb, clock) -> None:
    kb.save(case_record())
    made = []
    for _ in range(5):
        made.append(create_backup(kb, keep=3).path)
        clock.advance(seconds=1)
    before_import = create_backup(kb, keep=3, include_files=False, label="before-import").path
    assert list_backups(kb.data_dir, label="") == made[-3:]
    assert list_backups(kb.data_dir, label="before-import") == [before_import]
    assert not any(p.name.startswith(".partial") for p in (kb.data_dir / "backups").iterdir())


def test_same_second_backups_do_not_overwrite_each_other(kb) -> None:
    kb.save(case_record())
    a = create_backup(kb).path
    b = create_backup(kb).path
    assert a != b
    assert list_backups(kb.data_dir) == [a, b]


def test_import_makes_a_backup_first(kb, tmp_path, clock) -> None:
    from zebkb.service import KnowledgeBase
    from zebkb.service.exchange import export_bundle, import_bundle

    with KnowledgeBase.open(tmp_path / "other", clock=clock) as other:
        other.set_home_ward("131091")
        other.save(case_record(ward="131091"))
        export_bundle(other, tmp_path / "b.zebkb", sign=False)
    kb.save(case_record(title="取り込み前からある記録"))
    import_bundle(kb, tmp_path / "b.zebkb")
    (auto,) = list_backups(kb.data_dir, label="before-import")
    info = inspect_backup(auto)
    assert info.records == 1
    assert info.includes_files is False
    assert kb.count() == 2
    restore_backup(kb, auto)
    assert kb.count() == 1


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _good_entries(kb) -> dict[str, bytes]:
    kb.save(case_record())
    info = create_backup(kb)
    with zipfile.ZipFile(info.path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda e: {**e, "../evil.txt": b"x"}, "unexpected entry"),
        (lambda e: {**e, "attachments/00/" + "1" * 64: b"x"}, "unexpected entry"),
        (lambda e: {k: v for k, v in e.items() if k != DB_FILE}, "missing"),
        (lambda e: {**e, "manifest.json": b"{not json"}, "manifest.json"),
        (lambda e: {**e, "manifest.json": b'{"format": "something-else"}'}, "does not describe"),
        (lambda e: {**e, DB_FILE: b"SQLite format 3\x00" + b"\x00" * 200}, "database"),
        (lambda e: {**e, DB_FILE: e[DB_FILE][:4096]}, "database"),
        (
            lambda e: {
                **e,
                "manifest.json": e["manifest.json"].replace(
                    f'"schema_version": {SCHEMA_VERSION}'.encode(), b'"schema_version": 99'
                ),
            },
            "newer zebkb",
        ),
    ],
)
def test_hostile_backups_are_refused_and_change_nothing(kb, tmp_path, mutate, words) -> None:
    bad = _zip(tmp_path / "bad.zip", mutate(_good_entries(kb)))
    kb.save(case_record(title="今の記録"))
    before = sorted(s.title for s in kb.list_records())
    with pytest.raises(InputError, match=words):
        restore_backup(kb, bad)
    assert sorted(s.title for s in kb.list_records()) == before
    assert kb.check() == []


def test_not_a_zip_is_refused(kb, tmp_path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputError, match="not a zip"):
        inspect_backup(junk)


def test_cli_backup_and_restore_with_confirmation(cli, tmp_path) -> None:
    record = tmp_path / "r.json"
    record.write_text(json.dumps(case_record(title="CLIの記録")), encoding="utf-8")
    assert cli("init", "--ward", "葛飾区").code == 0
    assert cli("add", str(record)).code == 0
    made = cli("backup", "--json", "--keep", "2")
    assert made.code == 0, made.err
    path = json.loads(made.out)["path"]
    assert cli("add", str(record)).code == 0
    # No terminal and no --yes: refused in words, nothing changed.
    refused = cli("restore-backup", path)
    assert refused.code == 1
    assert "--yes" in refused.err
    assert len(json.loads(cli("list", "--json").out)) == 2
    done = cli("restore-backup", path, "--yes")
    assert done.code == 0, done.err
    assert len(json.loads(cli("list", "--json").out)) == 1
    assert cli("check").code == 0
    bad = _zip(tmp_path / "bad.zip", {"../x": b"1"})
    refused = cli("restore-backup", str(bad), "--yes")
    assert refused.code == 3
    assert refused.err.count("\n") == 1


@pytest.mark.parametrize("damage", ["appended", "same size"])
def test_restoring_a_backup_with_files_mends_a_damaged_attachment(kb, photo, damage) -> None:
    """The backup holds the good bytes; restore used to keep any file already there."""
    record = kb.save(case_record(title="添付のある事例"))
    kb.add_attachment(record["uid"], photo)
    info = create_backup(kb)
    digest = kb.require(record["uid"])["attachments"][0]["sha256"]
    stored = kb.files.path(digest)
    good = stored.read_bytes()
    stored.chmod(0o644)
    if damage == "appended":
        stored.write_bytes(good + b"corrupt")
    else:
        stored.write_bytes(b"X" + good[1:])
    assert kb.check(deep=True) != []

    result = restore_backup(kb, info.path)
    assert result.problems == []
    assert stored.read_bytes() == good
    assert kb.check(deep=True) == []
