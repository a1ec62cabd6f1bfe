"""Every kind of problem `zebkb check` reports reads in Japanese: none falls through in English.

Each problem is made for real in a knowledge base, then `check` is read in both
languages. The problems are English text carrying their Japanese (zebkb/problems.py),
so a new wording from the service cannot reach the Japanese output untranslated.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit

from zebkb.cli.main import main

# What a Japanese line may still hold: record UIDs, file names, hashes, paths, the
# command that restores a backup, SQLite's own words.
TYPED = re.compile(
    r"[0-9a-f]{8}-[0-9a-f-]{27,}|[\w./-]*\.(?:txt|zip|sqlite3)\b|\b[0-9a-f]{12}\b|/[^\s、）]*"
    r"|'[^']*'|zebkb [^）]*|--[a-z-]+|SHA-256|UTF-8|KB"
    r"|、[a-z ]+）"  # SQLite's own words on a damaged file, as it says them
    r"|表 [a-z_]+"  # a table's name, for the IT staff who repair it
)


def english_left(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", TYPED.sub("", text))


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(data), *args])
    return code, capsys.readouterr().out


def missing(data: Path, stored: Path) -> None:
    stored.unlink()


def wrong_size(data: Path, stored: Path) -> None:
    stored.write_bytes(stored.read_bytes() + b"!")


def changed(data: Path, stored: Path) -> None:
    stored.write_bytes(stored.read_bytes()[::-1])  # same size, other content


def unused(data: Path, stored: Path) -> None:
    stored.with_name("0" * 64).write_bytes(b"stray")


def index_gone(data: Path, stored: Path) -> None:
    import shutil

    shutil.rmtree(data / "index")


def other_version(data: Path, stored: Path) -> None:
    from zebkb.search.engine import SearchIndex

    ix = SearchIndex(data / "index")
    ix._snapshot().side.set_meta("schema_version", "0")
    ix.close()


def behind_database(data: Path, stored: Path) -> None:
    from zebkb.search.engine import SearchIndex

    ix = SearchIndex(data / "index")
    ix._snapshot().side.set_meta("state", "1")  # an earlier state of the database
    ix.close()


def index_damaged(data: Path, stored: Path) -> None:
    import shutil

    index = data / "index"
    whoosh = index / (index / "CURRENT").read_text().strip() / "whoosh"
    shutil.rmtree(whoosh)
    whoosh.mkdir()


def bad_variants(data: Path, stored: Path) -> None:
    (data / "search-variants.txt").write_text("一つだけ\n", encoding="utf-8")


def broken_history(data: Path, stored: Path) -> None:
    with sqlite3.connect(data / "zebkb.sqlite3") as db:
        db.execute("PRAGMA foreign_keys=OFF")
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            if "revision" in columns and "uid" in columns and "history" in table.lower():
                db.execute(f"DELETE FROM {table}")


def broken_reference(data: Path, stored: Path) -> None:
    with sqlite3.connect(data / "zebkb.sqlite3") as db:
        db.execute("PRAGMA foreign_keys=OFF")
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for key in db.execute(f"PRAGMA foreign_key_list({table})").fetchall():
                column = key[3]
                if db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
                    db.execute(f"UPDATE {table} SET {column} = 'nowhere'")
                    return
    raise AssertionError("no row with a reference to break")


def damaged_database(data: Path, stored: Path) -> None:
    path = data / "zebkb.sqlite3"
    raw = bytearray(path.read_bytes())
    raw[4096 : 4096 * 3] = b"\xff" * (4096 * 2)
    path.write_bytes(bytes(raw))


KINDS: dict[str, tuple[Callable[[Path, Path], None], tuple[str, ...]]] = {
    "missing": (missing, ()),
    "wrong_size": (wrong_size, ()),
    "changed": (changed, ("--deep",)),
    "unused": (unused, ("--repair",)),
    "index_gone": (index_gone, ()),
    "other_version": (other_version, ()),
    "behind_database": (behind_database, ()),
    "index_damaged": (index_damaged, ()),
    "bad_variants": (bad_variants, ()),
    "broken_history": (broken_history, ()),
    "broken_reference": (broken_reference, ()),
    "damaged_database": (damaged_database, ()),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_problem_check_reports_reads_in_japanese(tmp_path, capsys, kind) -> None:
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    handout = tmp_path / "handout.txt"
    handout.write_text("配布資料", encoding="utf-8")
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        uid = kb.save(kit.case(ward="131229"))["uid"]
        kb.add_attachment(uid, handout)
        stored = kb.files.path(kb.require(uid)["attachments"][0]["sha256"])
    assert (data / "zebkb.sqlite3").is_file()
    assert (data / "index").is_dir()
    make, options = KINDS[kind]
    make(data, stored)
    code, out_ja = run(capsys, data, "--lang", "ja", "check", *options)
    assert code == 1, out_ja
    lines = out_ja.splitlines()
    assert lines, kind
    assert [english_left(line) for line in lines] == [[] for _ in lines], out_ja
    code, out_en = run(capsys, data, "--lang", "en", "check", *options)
    assert code == 1
    assert len(out_en.splitlines()) == len(lines)
    assert not re.search(r"[\u3040-\u30ff\u3400-\u9fff]", TYPED.sub("", out_en)), out_en
    _, as_json = run(capsys, data, "--lang", "ja", "check", "--json", *options)
    assert json.loads(as_json)["problems"] == [line.strip() for line in out_en.splitlines()]


def test_the_service_gives_every_problem_in_both_languages(tmp_path) -> None:
    """What `check` returns is Problems, Japanese beside English, not bare English text."""
    from zebkb.problems import Problem
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.save(kit.case(ward="131229"))
    (data / "search-variants.txt").write_text("一つだけ\n", encoding="utf-8")
    (data / "files").mkdir(exist_ok=True)
    with KnowledgeBase.open(data) as kb:
        problems = kb.check() + kb.file_report()
    assert problems
    assert all(isinstance(p, Problem) and p.ja and p.ja != str(p) for p in problems), problems
