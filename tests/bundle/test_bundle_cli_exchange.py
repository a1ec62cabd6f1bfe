"""End to end through the command line: export, import, conflicts, undo-import, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit

# Each command is a fresh process (about a second to start): the module takes ~30 s.
pytestmark = pytest.mark.slow


@pytest.fixture
def wards(cli, tmp_path: Path):
    """Two knowledge bases, Katsushika (with records) and Shinagawa (empty)."""
    a, b = tmp_path / "katsushika", tmp_path / "shinagawa"
    assert cli("init", "--ward", "葛飾区", data_dir=a).code == 0
    assert cli("init", "--ward", "131091", data_dir=b).code == 0
    records = [
        {
            "type": "case",
            "title": "清掃事務所のZEB Ready化",
            "ward": "131229",
            "facility_name": "葛飾区清掃事務所",
            "project_type": "new",
        },
        {"type": "session", "title": "ZEB勉強会", "ward": "131229", "held_on": "2024-11-05"},
    ]
    src = tmp_path / "records.json"
    src.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert cli("add", str(src), data_dir=a).code == 0
    return a, b


def listing(cli, data: Path) -> list:
    result = cli("list", "--json", data_dir=data)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_export_import_round_trip(cli, wards, tmp_path: Path) -> None:
    a, b = wards
    out = tmp_path / "out.zebkb"
    exported = cli("export", str(out), data_dir=a)
    assert exported.code == 0, exported.err
    assert "2 records" in exported.out

    dry = cli("import", str(out), "--dry-run", "--json", data_dir=b)
    assert dry.code == 0, dry.err
    assert json.loads(dry.out)["added"] == 2
    assert listing(cli, b) == []

    first = cli("import", str(out), "--json", data_dir=b)
    summary = json.loads(first.out)
    # Exports are signed by default; this receiver has not trusted the sender's key.
    assert (summary["added"], summary["origin"], summary["signature"]) == (2, "131229", "untrusted")
    assert {r["action"] for r in summary["records"]} == {"added"}
    assert sorted(x["uid"] for x in listing(cli, b)) == sorted(x["uid"] for x in listing(cli, a))

    again = cli("import", str(out), data_dir=b)
    assert again.code == 0
    assert "unchanged 2" in again.out
    assert cli("conflicts", "--json", data_dir=b).out.strip() == "[]"

    undo = cli("undo-import", summary["bundle_id"], data_dir=b)
    assert undo.code == 0, undo.err
    assert listing(cli, b) == []


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"records": [kit.case(ward="131220")]}, "records.jsonl line 1"),
        ({"manifest": {"version": 7}}, "update zebkb"),
        ({"extra": [kit.Entry("../../evil.sh", b"rm -rf /")]}, "'..'"),
        ({"records_data": b'{"uid": NaN}\n'}, "NaN"),
        ({"records": [kit.case(updated_at="0001-01-01T00:00:00+14:00")]}, "outside the years"),
    ],
)
def test_refused_bundle_exit_3_one_line(cli, wards, tmp_path: Path, spec: dict, words: str) -> None:
    _a, b = wards
    bad = kit.write(tmp_path / "bad.zebkb", kit.Spec(**spec))
    before = listing(cli, b)
    result = cli("import", str(bad), data_dir=b)
    assert result.code == 3
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert listing(cli, b) == before
    assert not (tmp_path / "evil.sh").exists()


def test_several_files_one_refused_imports_none(cli, wards, tmp_path: Path) -> None:
    a, b = wards
    good = tmp_path / "good.zebkb"
    assert cli("export", str(good), data_dir=a).code == 0
    bad = kit.write(tmp_path / "bad.zebkb", kit.Spec(records=[kit.case(origin="1")]))
    result = cli("import", str(good), str(bad), data_dir=b)
    assert result.code == 3
    assert listing(cli, b) == []
    both = cli("import", str(good), str(good), "--json", data_dir=b)
    assert [s["added"] for s in json.loads(both.out)] == [2, 0]


def test_export_split_and_peer(cli, wards, tmp_path: Path) -> None:
    a, b = wards
    result = cli("export", str(tmp_path / "p.zebkb"), "--peer", "品川区", "--json", data_dir=a)
    assert json.loads(result.out)["records"] == 2
    again = cli("export", str(tmp_path / "q.zebkb"), "--peer", "131091", "--json", data_dir=a)
    assert json.loads(again.out)["records"] == 0
    bad_size = cli("export", str(tmp_path / "r.zebkb"), "--max-size", "lots", data_dir=a)
    assert bad_size.code == 2
    split = cli("export", str(tmp_path / "s.zebkb"), "--max-size", "10kB", "--json", data_dir=a)
    assert split.code == 0, split.err
    parts = json.loads(split.out)["parts"]
    imported = cli("import", *[p["path"] for p in reversed(parts)], "--json", data_dir=b)
    assert imported.code == 0, imported.err
    assert len(listing(cli, b)) == 2


def test_unknown_undo_is_an_error(cli, wards) -> None:
    _a, b = wards
    result = cli("undo-import", "no-such-bundle", data_dir=b)
    assert result.code == 1
    assert "no import with bundle id" in result.err


def test_lying_attachment_exit_3_one_line_alone_or_with_others(cli, wards, tmp_path: Path) -> None:
    """One bundle has its files checked while they are stored; several are checked whole first."""
    a, b = wards
    claimed = b"claimed photo" * 500
    bad = kit.write_swapped_attachment(tmp_path / "bad.zebkb", claimed, b"another one!" * 500)
    good = tmp_path / "good.zebkb"
    assert cli("export", str(good), data_dir=a).code == 0
    for files in ([bad], [good, bad]):
        result = cli("import", *map(str, files), data_dir=b)
        assert result.code == 3, result.err
        assert f"attachments/{kit.sha(claimed)}" in result.err
        assert "does not match the SHA-256" in result.err
        assert len(result.err.strip().splitlines()) == 1
        assert listing(cli, b) == []
        assert not list((b / "attachments").rglob("*")) if (b / "attachments").exists() else True
        assert not list((b / "backups").glob("*before-import*"))


def test_empty_bundle_says_nothing_to_import(cli, wards, tmp_path: Path) -> None:
    a, b = wards
    assert cli("export", str(tmp_path / "p.zebkb"), "--peer", "131091", data_dir=a).code == 0
    delta = tmp_path / "delta.zebkb"
    assert cli("export", str(delta), "--peer", "131091", data_dir=a).code == 0
    by_hand = kit.write(tmp_path / "by-hand.zebkb", kit.Spec(records_data=b""))
    for path in (delta, by_hand):
        result = cli("import", str(path), data_dir=b)
        assert result.code == 0, result.err
        assert "nothing to import" in result.out
        assert "error" not in result.err
        as_json = cli("import", str(path), "--json", data_dir=b)
        assert as_json.code == 0, as_json.err
        assert json.loads(as_json.out)["records"] == []
    assert listing(cli, b) == []


def test_an_export_from_the_command_line_is_in_the_sent_log(cli, wards, tmp_path: Path) -> None:
    from zebkb.service import KnowledgeBase
    from zebkb.service.exchange import exchange_history

    a, _b = wards
    out = tmp_path / "for-shinagawa.zebkb"
    assert cli("export", str(out), "--peer", "品川区", data_dir=a).code == 0
    with KnowledgeBase.open(a) as kb:
        (sent,) = exchange_history(kb).sent
    assert (sent.peer, sent.scope, sent.records) == ("131091", "peer", 2)
    assert sent.files == ["for-shinagawa.zebkb"]


def test_add_refuses_a_megabyte_title_in_one_short_line(cli, wards, tmp_path: Path) -> None:
    a, _b = wards
    src = tmp_path / "huge.json"
    record = {
        "type": "session",
        "title": "T" * 1_000_000,
        "ward": "131229",
        "held_on": "2024-11-05",
    }
    src.write_text(json.dumps(record), encoding="utf-8")
    result = cli("add", str(src), data_dir=a)
    assert result.code == 3
    assert len(result.err.strip().splitlines()) == 1
    assert len(result.err) < 300
    assert "at most 200 characters" in result.err


def test_one_record_and_one_file_are_said_in_the_singular(cli, tmp_path: Path) -> None:
    data = tmp_path / "one"
    assert cli("init", "--ward", "葛飾区", data_dir=data).code == 0
    src = tmp_path / "one.json"
    src.write_text(
        json.dumps(
            {
                "type": "case",
                "title": "一件",
                "facility_name": "一件",
                "project_type": "新築",
                "ward": "131229",
            }
        ),
        encoding="utf-8",
    )
    assert cli("add", str(src), data_dir=data).code == 0
    exported = cli("export", str(tmp_path / "one.zebkb"), data_dir=data)
    assert exported.code == 0, exported.err
    assert "(1 record, 0 files, " in exported.out
    backup = cli("backup", data_dir=data)
    assert backup.code == 0, backup.err
    assert "(1 record, 0 files, " in backup.out
