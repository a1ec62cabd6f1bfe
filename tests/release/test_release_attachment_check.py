"""`check --deep` re-reads every attachment file and names the records whose bytes changed.

A file that vanished is named by every `check`; a file whose bytes changed (one
bit flipped by a failing disk, or an edit in place) by `check --deep`, which
hashes each file once (benchmarks/check_bench.py measures it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from zebkb_testing import case_record
from zebkb_testing import run_zebkb as zebkb


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Three records: two share one plan PDF, the third has a photo of its own."""
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n" + os.urandom(200_000))
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + os.urandom(100_000))
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        a, b, c = kb.save_many(case_record(title=f"記録 {i}") for i in range(3))
        kb.add_attachment(a["uid"], plan)
        kb.add_attachment(b["uid"], plan)
        kb.add_attachment(c["uid"], photo)
        kb.reindex()
    return data, {"a": a["uid"], "b": b["uid"], "c": c["uid"]}


def stored(data: Path, name_start: bytes) -> Path:
    (path,) = [
        p
        for p in (data / "attachments").rglob("*")
        if p.is_file() and p.read_bytes().startswith(name_start)
    ]
    return path


def test_a_flipped_bit_is_found_and_the_records_named(folder) -> None:
    data, uids = folder
    assert zebkb(data, "check", "--deep").returncode == 0
    plan = stored(data, b"%PDF")
    with plan.open("r+b") as fh:
        fh.seek(123_456)
        byte = fh.read(1)[0]
        fh.seek(123_456)
        fh.write(bytes([byte ^ 0x08]))
    quick = zebkb(data, "check")
    assert quick.returncode == 0  # same size: only reading the bytes tells
    assert "--deep" in quick.stdout
    deep = zebkb(data, "check", "--deep")
    assert deep.returncode == 1
    lines = deep.stdout.splitlines()
    assert sorted(lines) == sorted(
        f"record {uids[k]}: attachment file plan.pdf ({plan.name[:12]}…) is damaged "
        "(its content changed since it was stored)"
        for k in ("a", "b")
    )
    assert uids["c"] not in deep.stdout
    as_json = json.loads(zebkb(data, "check", "--deep", "--json").stdout)
    assert as_json["ok"] is False
    assert len(as_json["problems"]) == 2


def test_a_vanished_file_is_named_by_every_check(folder) -> None:
    data, uids = folder
    photo = stored(data, b"\xff\xd8\xff")
    photo.unlink()
    for args in (["check"], ["check", "--deep"]):
        proc = zebkb(data, *args)
        assert proc.returncode == 1
        assert proc.stdout.splitlines() == [
            f"record {uids['c']}: attachment file site.jpg ({photo.name[:12]}…) is missing"
        ]
