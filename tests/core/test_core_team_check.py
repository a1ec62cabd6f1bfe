"""Team mode: `check` reads the team database's copy of each attachment, not only this PC's.

A team keeps its attachment files in the database (zebkb/store/blobs.py, 1 MiB
pieces in ``blob_chunk``); each PC's folder holds copies of the ones it opened.
A damaged piece in the database hurts every PC that fetches the file later, so
`check --deep` hashes the database's copy too, on the PC that added the file
(which has its own copy) and on one that never opened it, and says so in both
languages. Every `check` asks the database whether it has each file at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from zebkb_pg_kit import open_team
from zebkb_testing import case_record

from zebkb.cli.main import main
from zebkb.service import KnowledgeBase
from zebkb.store.blobs import CHUNK


@pytest.fixture
def shared(tmp_path: Path, pg_url: str) -> tuple[str, str, str, Path, Path]:
    """A record with a file of three pieces added on PC A; PC B has not opened it."""
    with open_team(tmp_path / "a", pg_url) as a:
        a.set_home_ward("131229")
        rec = a.save(case_record())
        source = tmp_path / "点検記録.txt"
        source.write_bytes(b"inspection log\n" * (CHUNK // 6))  # 2.5 MiB: three pieces
        (att,) = a.add_attachment(rec["uid"], source)["attachments"]
        a.reindex()
    other = tmp_path / "b"
    with open_team(other, pg_url) as b:
        b.reindex()
    return pg_url, rec["uid"], att["sha256"], tmp_path / "a", other


def damage(kb: KnowledgeBase, sql: str, digest: str) -> None:
    with kb.engine.begin() as conn:
        conn.execute(text(sql), {"d": digest})


FLIP = "UPDATE blob_chunk SET data = set_byte(data, 1000, get_byte(data, 1000) # 8) "
FLIP += "WHERE sha256 = :d AND n = 1"


@pytest.mark.parametrize("pc", ["a", "b"])
def test_a_damaged_piece_in_the_team_database_is_found_by_check_deep(shared, pc) -> None:
    url, uid, digest, folder_a, folder_b = shared
    folder = folder_a if pc == "a" else folder_b
    with open_team(folder, url) as kb:
        assert kb.check(deep=True) == []
        damage(kb, FLIP, digest)
        assert kb.check() == []  # the pieces are all there: only reading them tells
        (problem,) = kb.check(deep=True)
    assert problem == (
        f"record {uid}: the team database's copy of attachment file 点検記録.txt "
        f"({digest[:12]}…) is damaged (its content changed since it was stored)"
    )
    assert problem.ja == (
        f"記録 {uid}: チームのデータベースにある添付ファイル 点検記録.txt（{digest[:12]}…）が"
        "壊れています（保存した後に内容が変わりました）"
    )
    # Checking writes nothing: PC B still has no copy of its own.
    assert not (folder_b / "attachments" / digest[:2] / digest).exists()


def test_check_deep_on_the_command_line_names_it_in_the_chosen_language(
    shared, capsys: pytest.CaptureFixture[str]
) -> None:
    url, uid, digest, _a, folder_b = shared
    with open_team(folder_b, url) as kb:
        damage(kb, "DELETE FROM blob_chunk WHERE sha256 = :d AND n = 2", digest)
    for lang, words in (("ja", "チームのデータベースにある添付ファイル"), ("en", "is damaged")):
        code = main(["--lang", lang, "--data-dir", str(folder_b), "check", "--deep"])
        out = capsys.readouterr().out
        assert code == 1
        assert len(out.splitlines()) == 1
        assert uid in out
        assert words in out
    assert main(["--data-dir", str(folder_b), "check"]) == 0  # the first piece is there
    capsys.readouterr()


def test_a_file_the_team_database_lost_is_missing_even_where_a_copy_is_kept(shared) -> None:
    url, uid, digest, folder_a, _b = shared
    with open_team(folder_a, url) as kb:
        assert kb.files.has(digest)  # PC A added it: its own copy is whole
        damage(kb, "DELETE FROM blob_chunk WHERE sha256 = :d", digest)
        for deep in (False, True):
            (problem,) = kb.check(deep=deep)
            assert problem == (
                f"record {uid}: attachment file 点検記録.txt ({digest[:12]}…) is missing "
                "from the team database"
            )
            assert problem.ja == (
                f"記録 {uid}: 添付ファイル 点検記録.txt（{digest[:12]}…）がチームのデータベースに"
                "ありません"
            )


def test_repair_puts_the_team_copy_back_from_a_pc_whose_copy_is_whole(
    shared, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _uid, digest, folder_a, folder_b = shared
    with open_team(folder_a, url) as kb:
        damage(kb, FLIP, digest)
    # PC B has no copy of its own: it cannot mend, and says what is wrong.
    assert main(["--data-dir", str(folder_b), "check", "--deep", "--repair"]) == 1
    assert "is damaged" in capsys.readouterr().out
    # PC A, which added the file, has it whole: the team's copy is put back from it.
    assert main(["--lang", "ja", "--data-dir", str(folder_a), "check", "--deep", "--repair"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"修復: 添付ファイル 点検記録.txt（{digest[:12]}…）: チームのデータベースの写しを、"
        "この PC の正しい写しから戻しました"
    )
    with open_team(folder_b, url) as kb:
        assert kb.check(deep=True) == []
        path = kb.attachment_path(digest)
        assert path is not None
        assert path.read_bytes() == b"inspection log\n" * (CHUNK // 6)


def test_repair_fetches_again_a_copy_damaged_on_this_pc_and_keeps_the_damaged_one(
    shared, capsys: pytest.CaptureFixture[str]
) -> None:
    _url, _uid, digest, folder_a, _b = shared
    copy = folder_a / "attachments" / digest[:2] / digest
    whole = copy.read_bytes()
    copy.write_bytes(whole[::-1])  # same size, other bytes: a failing disk
    assert main(["--data-dir", str(folder_a), "check", "--deep", "--repair", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["ok"] is True
    assert found["mended"] == [
        f"mended: attachment file 点検記録.txt ({digest[:12]}…): this PC's damaged copy was "
        f"set aside as damaged-{digest} and fetched again from the team database"
    ]
    assert copy.read_bytes() == whole
    assert (folder_a / "attachments" / f"damaged-{digest}").read_bytes() == whole[::-1]


def test_repair_without_deep_mends_nothing(shared, capsys: pytest.CaptureFixture[str]) -> None:
    url, _uid, digest, folder_a, _b = shared
    with open_team(folder_a, url) as kb:
        damage(kb, FLIP, digest)
    assert main(["--data-dir", str(folder_a), "check", "--repair"]) == 0  # sizes agree
    assert "mended" not in capsys.readouterr().out
    with open_team(folder_a, url) as kb:
        assert len(kb.check(deep=True)) == 1
