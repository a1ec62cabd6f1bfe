"""The confirmed column mapping a list of one shape is remembered by (zebkb/tables/mapping.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zebkb import atomicfile
from zebkb.tables.mapping import TableMapping, guess_mapping, save_mapping, saved_mapping
from zebkb.tables.read import Table


def a_mapping() -> TableMapping:
    return guess_mapping(Table("csv", [(1, ["件名", "区", "延床面積"]), (2, ["a", "b", "1"])]))


def test_a_saved_mapping_is_read_back_and_a_failed_save_keeps_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = a_mapping()
    path = save_mapping(tmp_path, mapping)
    assert saved_mapping(tmp_path, mapping) == mapping
    before = path.read_bytes()

    def no_room(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    # Written as every file for people is (zebkb/atomicfile.py): whole or not at all.
    monkeypatch.setattr(atomicfile.os, "fsync", no_room)
    with pytest.raises(OSError, match="No space left"):
        save_mapping(tmp_path, mapping)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
