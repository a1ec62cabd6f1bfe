"""Team mode's engine: a knowledge base in a shared PostgreSQL database (a real server).

The core behaviour on both engines is in the suites that run twice
(tests/core/conftest.py); here is what only team mode has: the database
address in the folder, the schema version row, many writers, and init.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from zebkb_pg_kit import open_team
from zebkb_testing import case_record

from zebkb.errors import InputError, KnownError
from zebkb.service import KnowledgeBase
from zebkb.store import team
from zebkb.store.db import SCHEMA_META, SCHEMA_VERSION, NewerSchemaError


def test_a_knowledge_base_lives_in_postgresql(tmp_path, pg_url, clock):
    with open_team(tmp_path / "pc1", pg_url, clock) as kb:
        assert kb.team
        kb.set_home_ward("131229")
        saved = kb.save(case_record())
        clock.advance(minutes=1)
        kb.save({**saved, "title": "改修後"}, expected_revision=1)
        kb.delete(saved["uid"])
        assert [v.revision for v in kb.history(saved["uid"])] == [1, 2, 3]
        assert kb.get(saved["uid"])["deleted"] is True
    # Nothing of the records is in the folder: no SQLite file, only this PC's things.
    assert not (tmp_path / "pc1" / "zebkb.sqlite3").exists()
    with open_team(tmp_path / "pc2", pg_url, clock) as other:
        assert other.get(saved["uid"])["revision"] == 3
        assert other.home_ward == "131229"


def test_the_schema_version_is_a_row_and_a_newer_one_is_refused(tmp_path, pg_url):
    with open_team(tmp_path / "pc", pg_url) as kb, kb.engine.begin() as conn:
        version = conn.execute(
            text("SELECT value FROM meta WHERE key = :k"), {"k": SCHEMA_META}
        ).scalar_one()
        assert int(version) == SCHEMA_VERSION
        conn.execute(
            text("UPDATE meta SET value = :v WHERE key = :k"),
            {"v": str(SCHEMA_VERSION + 1), "k": SCHEMA_META},
        )
    with pytest.raises(NewerSchemaError) as refused:
        KnowledgeBase.open(tmp_path / "pc")
    assert "newer zebkb" in str(refused.value)
    assert "新しい版の zebkb" in refused.value.message_ja


def test_text_sorts_by_code_point_whatever_the_database_locale(tmp_path, pg_url):
    with open_team(tmp_path / "pc", pg_url) as kb, kb.engine.connect() as conn:
        collation = conn.execute(
            text(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'record' AND column_name = 'uid'"
            )
        ).scalar_one()
    assert collation == "C"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://zebkb:secret@db.ward.local/zebkb", "password"),
        ("postgresql://zebkb@db.ward.local/zebkb?password=secret", "password"),
        ("mysql://zebkb@db.ward.local/zebkb", "not a PostgreSQL address"),
        ("postgresql://zebkb@db.ward.local/", "names no database"),
        ("postgresql://zebkb@db.ward.local:port/zebkb", "not a database address"),
    ],
)
def test_an_address_with_a_password_or_without_a_database_is_refused(url, words):
    with pytest.raises(InputError) as refused:
        team.normalise_url(url)
    assert words in str(refused.value)
    assert "secret" not in str(refused.value)
    assert refused.value.message_ja


def test_a_damaged_database_setting_is_said_in_words(tmp_path):
    folder = tmp_path / "pc"
    folder.mkdir()
    (folder / team.TEAM_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(KnownError) as refused:
        KnowledgeBase.open(folder)
    assert "init --ward WARD --database URL" in str(refused.value)


def test_an_unreachable_server_is_one_line(tmp_path):
    folder = tmp_path / "pc"
    folder.mkdir()
    team.write_database_url(folder, f"postgresql://nobody@/zebkb?host={tmp_path}")
    with pytest.raises(KnownError) as refused:
        KnowledgeBase.open(folder)
    assert "cannot reach the team database" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_two_people_saving_the_same_record_the_second_is_refused(tmp_path, pg_url, clock):
    """A real race: B saves while A's save of the same revision is inside its transaction."""
    with open_team(tmp_path / "a", pg_url, clock) as a, open_team(tmp_path / "b", pg_url) as b:
        a.set_home_ward("131229")
        first = a.save(case_record())
        a_inside, b_started = threading.Event(), threading.Event()
        outcome: dict[str, object] = {}

        def b_saves() -> None:
            b_started.set()
            try:
                b.save({**first, "title": "Bの編集"}, expected_revision=1)
                outcome["b"] = "saved"
            except InputError as exc:
                outcome["b"] = exc

        with a.transaction() as txn:
            record = a.save_in(txn, {**first, "title": "Aの編集"}, 1)
            a_inside.set()
            worker = threading.Thread(target=b_saves)
            worker.start()
            b_started.wait(10)
            # B is now queued behind A's open transaction (it cannot have read revision 1
            # and saved: A has not committed); give it time to reach the database.
            worker.join(0.5)
            assert worker.is_alive()
        worker.join(30)
        assert record["revision"] == 2
        assert isinstance(outcome["b"], InputError)
        assert "changed elsewhere" in str(outcome["b"])
        history = a.history(first["uid"])
        assert [(v.revision, v.record["title"]) for v in history] == [
            (1, first["title"]),
            (2, "Aの編集"),
        ]


def test_a_write_kept_waiting_too_long_is_refused_as_busy(tmp_path, pg_url, monkeypatch):
    from zebkb.store import pg

    monkeypatch.setattr(pg, "DEFAULT_LOCK_TIMEOUT_MS", 300)
    with open_team(tmp_path / "a", pg_url) as a, open_team(tmp_path / "b", pg_url) as b:
        a.set_home_ward("131229")
        with a.transaction() as txn:
            a.save_in(txn, case_record(), None)
            with pytest.raises(KnownError) as refused:
                b.save(case_record(title="待たされた保存"))
        assert "busy" in str(refused.value)
        assert "使用中" in refused.value.message_ja
        assert [r.title for r in b.list_records()] == [case_record()["title"]]


def test_writers_in_many_threads_lose_no_change(tmp_path, pg_url):
    """Each thread bumps a counter record 10 times with the revision check; none is lost."""
    folders = [tmp_path / f"pc{i}" for i in range(4)]
    bases = [open_team(f, pg_url) for f in folders]
    try:
        bases[0].set_home_ward("131229")
        uid = bases[0].save(case_record(body="0"))["uid"]

        def work(kb: KnowledgeBase) -> None:
            done = 0
            while done < 10:
                current = kb.require(uid)
                try:
                    kb.save(
                        {**current, "body": str(int(current["body"]) + 1)},
                        expected_revision=current["revision"],
                    )
                except InputError:
                    continue  # someone else saved first: read again
                done += 1

        threads = [threading.Thread(target=work, args=(kb,)) for kb in bases]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        final = bases[0].require(uid)
        assert final["body"] == "40"
        assert final["revision"] == 41
        assert [v.revision for v in bases[1].history(uid)] == list(range(1, 42))
    finally:
        for kb in bases:
            kb.close()


def test_no_folder_lock_is_taken_in_team_mode(tmp_path, pg_url):
    with open_team(tmp_path / "pc", pg_url) as a, KnowledgeBase.open(tmp_path / "pc") as b:
        a.set_home_ward("131229")
        a.save(case_record())
        b.save(case_record(title="二つ目"))  # the same folder, a second writer: no refusal
        assert not a.writer.held
        assert not b.writer.held
        assert a.count() == 2


def test_backup_points_at_the_server(tmp_path, pg_url):
    with open_team(tmp_path / "pc", pg_url) as kb, pytest.raises(KnownError) as refused:
        kb.backup()
    assert "pg_dump" in str(refused.value)
    assert "pg_dump" in refused.value.message_ja


# -- init --database -----------------------------------------------------------------------


def test_init_connects_a_folder_and_later_commands_use_it(cli, tmp_path, pg_url):
    first = tmp_path / "pc1"
    done = cli("init", "--ward", "葛飾区", "--database", pg_url, data_dir=first)
    assert done.code == 0, done.err
    assert "database: postgresql://postgres@/" in done.out
    assert json.loads((first / team.TEAM_FILE).read_text(encoding="utf-8"))["url"] == pg_url
    assert (first / "keys").is_dir()  # this PC's signing key stays in the folder
    record = json.dumps(case_record(), ensure_ascii=False)
    assert cli("add", "-", stdin=record, data_dir=first).code == 0
    # A second PC of the same ward joins the same database and sees the record.
    second = tmp_path / "pc2"
    assert cli("init", "--ward", "131229", "--database", pg_url, data_dir=second).code == 0
    listed = cli("list", "--json", data_dir=second)
    assert listed.code == 0, listed.err
    assert [r["title"] for r in json.loads(listed.out)] == [case_record()["title"]]


def test_init_of_another_ward_on_a_ward_database_is_refused(cli, tmp_path, pg_url):
    assert cli("init", "--ward", "葛飾区", "--database", pg_url, data_dir=tmp_path / "a").code == 0
    refused = cli("init", "--ward", "品川区", "--database", pg_url, data_dir=tmp_path / "b")
    assert refused.code == 3
    assert "already holds the knowledge base of Katsushika" in refused.err
    assert not (tmp_path / "b" / team.TEAM_FILE).exists()
    # Nor can a PC already in the team switch the shared database's ward.
    again = cli("init", "--ward", "品川区", data_dir=tmp_path / "a")
    assert again.code == 3
    assert "already holds the knowledge base" in again.err


def test_init_refuses_a_password_in_the_address(cli, tmp_path):
    refused = cli(
        "init", "--ward", "葛飾区", "--database", "postgresql://u:hunter2@h/db",
        data_dir=tmp_path / "a",
    )  # fmt: skip
    assert refused.code == 3
    assert "hunter2" not in refused.err
    assert ".pgpass" in refused.err
    assert not (tmp_path / "a").exists()


def test_init_refuses_a_folder_with_its_own_database(cli, tmp_path, pg_url):
    folder = tmp_path / "a"
    assert cli("init", "--ward", "葛飾区", data_dir=folder).code == 0
    refused = cli("init", "--ward", "葛飾区", "--database", pg_url, data_dir=folder)
    assert refused.code == 3
    assert "already holds a knowledge base of its own" in refused.err
    assert not (folder / team.TEAM_FILE).exists()


# -- the test kit itself -------------------------------------------------------------------


@pytest.mark.parametrize(("required", "outcome"), [("", "1 skipped"), ("1", "1 error")])
def test_without_postgresql_the_tests_skip_unless_it_is_required(tmp_path, required, outcome):
    """No server binaries: a reason to skip, or (ZEBKB_REQUIRE_POSTGRES=1, as in CI) a failure."""
    import os
    import subprocess
    import sys

    (tmp_path / "test_needs_pg.py").write_text("def test_it(pg_url):\n    pass\n")
    env = {
        **os.environ,
        "ZEBKB_PG_BINDIR": str(tmp_path / "none"),
        "ZEBKB_REQUIRE_POSTGRES": required,
    }
    tests = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "zebkb_pg_kit", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path / "test_needs_pg.py")],
        capture_output=True, text=True, env={**env, "PYTHONPATH": str(tests)}, timeout=120,
        check=False, cwd=tmp_path,
    )  # fmt: skip
    assert outcome in proc.stdout, proc.stdout + proc.stderr
    assert "no PostgreSQL server binaries" in proc.stdout


def test_a_setting_write_killed_half_way_leaves_a_usable_folder(tmp_path):
    # The setting is written under a temporary name and renamed over database.json; a
    # process killed before the rename left that file, and the folder then held a file
    # zebkb does not know, so it was refused as "not a zebkb knowledge base folder".
    folder = tmp_path / "pc"
    folder.mkdir()
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from zebkb.store import team\n"
        "os.fsync = lambda fd: os._exit(9)\n"
        "team.write_database_url(Path(sys.argv[1]), 'postgresql://u@h/zebkb')\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(folder)], check=False)
    assert killed.returncode == 9
    [left] = [p.name for p in folder.iterdir()]
    assert left != team.TEAM_FILE
    from zebkb.service import prepare_data_dir

    assert prepare_data_dir(folder)
    assert list(folder.iterdir()) == []
    team.write_database_url(folder, "postgresql://u@h/zebkb")
    assert team.database_url(folder) == "postgresql://u@h/zebkb"
    assert [p.name for p in folder.iterdir()] == [team.TEAM_FILE]


def test_a_live_writers_setting_file_is_not_swept(tmp_path):
    from zebkb import atomicfile

    folder = tmp_path / "pc"
    folder.mkdir()
    seen = []

    def fill(stream):
        seen.extend(team.sweep_setting_leftovers(folder))
        seen.extend(p.name for p in folder.iterdir())
        stream.write(b"{}")

    atomicfile.write_file(folder / team.TEAM_FILE, fill, example=team.TEAM_FILE)
    [left] = seen  # nothing swept: only its own file, still there
    assert left.startswith(f".{team.TEAM_FILE}.")
