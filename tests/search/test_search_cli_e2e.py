"""`zebkb search` and `zebkb reindex` end to end, run as a separate process."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from zebkb_overdue_kit import NEVER_DUE, OVERDUE_VISIT_ANY_DAY
from zebkb_testing import run_zebkb

# Each case starts the program as a new process (about a second each).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("kb")
    assert run_zebkb(data, "init", "--ward", "葛飾区").returncode == 0
    done = run_zebkb(data, "demo")
    assert done.returncode == 0, done.stderr
    return data


def test_search_json_shape(kb: Path) -> None:
    run = run_zebkb(kb, "search", "清掃事務所", "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert set(doc) == {"query", "total", "hits"}
    assert doc["query"] == "清掃事務所"
    assert doc["total"] == len(doc["hits"]) > 0
    for hit in doc["hits"]:
        assert set(hit) == {"uid", "type", "title", "ward", "score", "snippet"}
        assert "<b>清掃事務所</b>" in hit["snippet"] or "清掃事務所" in hit["title"]
    scores = [h["score"] for h in doc["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_search_options_filter(kb: Path) -> None:
    everything = json.loads(run_zebkb(kb, "search", "ZEB", "--json").stdout)
    cases = json.loads(run_zebkb(kb, "search", "ZEB", "--type", "case", "--json").stdout)
    assert 0 < cases["total"] < everything["total"]
    assert {h["type"] for h in cases["hits"]} == {"case"}
    ota = json.loads(run_zebkb(kb, "search", "ZEB", "--ward", "大田区", "--json").stdout)
    assert ota["total"] > 0
    assert {h["ward"] for h in ota["hits"]} == {"131113"}
    one = json.loads(run_zebkb(kb, "search", "ZEB", "--limit", "1", "--json").stdout)
    assert len(one["hits"]) == 1
    assert one["total"] == everything["total"]


def test_search_text_output(kb: Path) -> None:
    run = run_zebkb(kb, "search", "地中熱")
    assert run.returncode == 0, run.stderr
    assert "found" in run.stdout.splitlines()[0]
    assert "【地中熱】" in run.stdout


@pytest.mark.parametrize(
    ("query", "extra"),
    [
        ('"清掃', ()),
        ("ward:どこにもない区", ()),
        ("x" * 2000, ()),
        ("ZEB", ("--fiscal-year", "昔")),
    ],
)
def test_refused_query_exits_3_with_one_line(kb: Path, query: str, extra: tuple[str, ...]) -> None:
    run = run_zebkb(kb, "search", query, *extra, "--json")
    assert run.returncode == 3
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Traceback" not in run.stderr


def test_reindex_reports_progress_and_repairs_a_damaged_index(kb: Path) -> None:
    before = json.loads(run_zebkb(kb, "search", "エコルとごし", "--json").stdout)
    assert before["total"] > 0
    # Damage the index: the next command must still answer.
    index = kb / "index"
    gen = index / (index / "CURRENT").read_text().strip()
    shutil.rmtree(gen / "whoosh")
    (gen / "whoosh").mkdir()
    run = run_zebkb(kb, "search", "エコルとごし", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["total"] == before["total"]
    run = run_zebkb(kb, "reindex")
    assert run.returncode == 0, run.stderr
    # Progress on stderr, in the command's language (tests speak English), ending at 100 %.
    assert "rebuilding the search index:" in run.stderr
    assert "100%" in run.stderr
    assert "rebuilt" in run.stdout
    after = json.loads(run_zebkb(kb, "search", "エコルとごし", "--json").stdout)
    assert after == before
    check = json.loads(run_zebkb(kb, "check", "--json").stdout)
    assert not [p for p in check["problems"] if "search index" in p]


def test_added_record_is_searchable_at_once(kb: Path, tmp_path: Path) -> None:
    record = {
        "type": "case",
        "title": "区民ホールの改修",
        "ward": "131229",
        "facility_name": "鎌倉台区民ホール",
        "project_type": "renovation",
        "body": "屋上に太陽光パネルを増設し、ＢＥＩ０．４２を達成。",
    }
    path = tmp_path / "new.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    added = run_zebkb(kb, "add", str(path))
    assert added.returncode == 0, added.stderr
    found = json.loads(run_zebkb(kb, "search", "BEI0.42", "--json").stdout)
    assert [h["title"] for h in found["hits"]] == ["区民ホールの改修"]
    assert "<b>ＢＥＩ０．４２</b>" in found["hits"][0]["snippet"]
    assert json.loads(run_zebkb(kb, "search", "facility:鎌倉台", "--json").stdout)["total"] == 1


def test_search_does_not_load_the_orm_when_the_index_is_current(kb: Path) -> None:
    code = (
        "import sys; from zebkb.cli.main import main;"
        f"rc = main(['--data-dir', {str(kb)!r}, 'search', 'ZEB', '--json']);"
        "assert rc == 0; assert 'sqlalchemy' not in sys.modules, 'ORM loaded'"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr


def test_reindex_names_attachments_whose_text_could_not_be_taken(tmp_path: Path) -> None:
    data = tmp_path / "kb"
    assert run_zebkb(data, "init", "--ward", "葛飾区").returncode == 0
    record = tmp_path / "visit.json"
    record.write_text(
        json.dumps(
            {"type": "visit", "title": "視察", "ward": "131229", "visited_on": "2024-10-21"}
        ),
        encoding="utf-8",
    )
    added = run_zebkb(data, "add", str(record), "--json")
    assert added.returncode == 0, added.stderr
    uid = json.loads(added.stdout)[0]["uid"]
    from zebkb.service import KnowledgeBase

    broken = tmp_path / "handout.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"[" * 1000)
    with KnowledgeBase.open(data) as kb:
        kb.add_attachment(uid, broken)
    run = run_zebkb(data, "reindex")
    assert run.returncode == 0, run.stderr
    assert "text of 1 attachment file not searched (unreadable)" in run.stdout


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_a_damaged_index_is_repaired_without_an_english_log_line(
    kb: Path, tmp_path: Path, damage: str
) -> None:
    """The quick search path's open of a damaged index once printed its log warning
    ("search index gen-… could not be opened: missing docs.sqlite") on stderr, in English
    beside the Japanese answer, through logging's last resort."""
    data = tmp_path / "kb"
    shutil.copytree(kb, data)
    before = json.loads(run_zebkb(data, "search", "エコルとごし", "--json").stdout)
    gen = data / "index" / (data / "index" / "CURRENT").read_text().strip()
    if damage == "missing":
        (gen / "docs.sqlite").unlink()
    else:
        (gen / "docs.sqlite").write_bytes((gen / "docs.sqlite").read_bytes()[:1000])
    run = run_zebkb(data, "--lang", "ja", "search", "エコルとごし")
    assert run.returncode == 0, run.stderr
    assert "could not be opened" not in run.stderr
    assert not re.search(r"[A-Za-z]{4,}", run.stderr.replace("zebkb", "")), run.stderr
    # Filling it again takes a while (seconds at 10,000 records): said before the wait.
    assert run.stderr == "zebkb: 検索索引が壊れていたため、作り直しています…\n"
    assert run.stdout.splitlines()[0] == f"{before['total']} 件見つかりました"
    again = run_zebkb(data, "--lang", "ja", "search", "エコルとごし")
    assert (again.stdout, again.stderr) == (run.stdout, "")
    assert json.loads(run_zebkb(data, "search", "エコルとごし", "--json").stdout) == before


def test_overdue_alone_needs_no_query(tmp_path: Path) -> None:
    """`zebkb search --overdue` lists what is overdue, as `list --overdue` does; it was
    refused with "the following arguments are required: query" (exit 2)."""
    data = tmp_path / "kb"
    assert run_zebkb(data, "init", "--ward", "葛飾区").returncode == 0
    source = tmp_path / "records.json"
    source.write_text(
        json.dumps([OVERDUE_VISIT_ANY_DAY, NEVER_DUE], ensure_ascii=False), encoding="utf-8"
    )
    assert run_zebkb(data, "add", str(source)).returncode == 0
    run = run_zebkb(data, "--lang", "ja", "search", "--overdue")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "1 件見つかりました"
    assert "清掃事務所視察の受入" in run.stdout
    run = run_zebkb(data, "--lang", "en", "search", "--overdue", "--json")
    assert run.returncode == 0, run.stderr
    assert [h["title"] for h in json.loads(run.stdout)["hits"]] == ["清掃事務所視察の受入"]


def test_an_index_of_an_older_format_says_it_is_rebuilt_for_this_version(
    kb: Path, tmp_path: Path
) -> None:
    import sqlite3

    data = tmp_path / "kb"
    shutil.copytree(kb, data)
    before = json.loads(run_zebkb(data, "search", "エコルとごし", "--json").stdout)
    gen = data / "index" / (data / "index" / "CURRENT").read_text().strip()
    with sqlite3.connect(gen / "docs.sqlite") as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    db.close()
    run = run_zebkb(data, "--lang", "en", "search", "エコルとごし", "--json")
    assert run.returncode == 0, run.stderr
    assert run.stderr == "zebkb: rebuilding the search index for this version of zebkb…\n"
    assert json.loads(run.stdout) == before
