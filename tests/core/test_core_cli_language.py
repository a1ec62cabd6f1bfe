"""The command line for people: their language, names for codes, readable dates.

``--json`` stays for programs: the same document in either language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit

from zebkb.cli.lang import chosen_language
from zebkb.cli.main import main
from zebkb.keys import fingerprint as key_fingerprint

ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """Katsushika with one case from Shinagawa, imported from a bundle."""
    data = tmp_path / "kb"
    record = kit.case(
        ward="131091",
        facility_name="品川区立小学校",
        facility_type="福祉施設",
        technologies=["ガス給湯器", "光庭"],
        completed_on="2024-03-31",
        public=False,
    )
    bundle = kit.write(tmp_path / "b.zebkb", records=[record])
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    assert main(["--data-dir", str(data), "import", str(bundle)]) == 0
    capsys.readouterr()
    return data, record["uid"]


def test_show_in_japanese_names_fields_wards_and_dates_for_people(folder, capsys) -> None:
    data, uid = folder
    code, out, _ = run(capsys, data, "--lang", "ja", "show", uid)
    assert code == 0
    assert out.startswith("事例 · ")
    assert "区: 品川区" in out
    assert "施設種別: 福祉施設" in out
    assert "竣工日: 2024年3月31日" in out
    assert "区外公開可: いいえ" in out
    assert not ISO_INSTANT.search(out), out
    assert "False" not in out
    assert "削除済み" not in out  # a record that is shown is not deleted
    assert "Type:" not in out
    assert " / " not in out.split("\n\n")[0]  # one language, not "施設名 / Facility"


def test_show_in_english_has_no_japanese_label_or_term(folder, capsys) -> None:
    data, uid = folder
    code, out, _ = run(capsys, data, "--lang", "en", "show", uid)
    assert code == 0
    assert out.startswith("Case · ")
    assert "Ward: Shinagawa" in out
    assert "Origin: " in out
    assert "Facility type: Welfare facility" in out
    assert "Technologies: Gas water heater, Light well" in out
    assert "Completed on: 2024-03-31" in out
    assert not ISO_INSTANT.search(out), out
    head = out.split("\n\n")[0]
    for line in head.splitlines()[1:]:
        label = line.split(":", 1)[0]
        assert not JAPANESE.search(label), line


def test_json_output_is_the_same_in_both_languages(folder, capsys) -> None:
    data, uid = folder
    _, ja, _ = run(capsys, data, "--lang", "ja", "show", uid, "--json")
    _, en, _ = run(capsys, data, "--lang", "en", "show", uid, "--json")
    assert ja == en
    assert json.loads(ja)["ward"] == "131091"


def test_import_says_the_sending_ward_by_name(tmp_path, capsys) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    bundle = kit.write(
        tmp_path / "b.zebkb",
        records=[kit.case(ward="131091", origin="131091")],
        manifest={"origin": {"ward": "131091", "name": "品川区"}},
    )
    code, out, _ = run(capsys, data, "--lang", "en", "import", str(bundle), "--dry-run")
    assert code == 0
    assert "from Shinagawa" in out
    assert "131091" not in out.splitlines()[0]
    code, out, _ = run(capsys, data, "--lang", "ja", "import", str(bundle), "--dry-run")
    assert "品川区 からのバンドル" in out
    assert "追加 1" in out


def test_errors_follow_the_language(tmp_path, capsys) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    missing = tmp_path / "none.zebkb"
    code, _, err = run(capsys, data, "--lang", "ja", "import", str(missing))
    assert code == 3
    assert err.startswith("zebkb: none.zebkb: バンドルファイルを読めません")
    code, _, err = run(capsys, data, "--lang", "en", "import", str(missing))
    assert err.startswith("zebkb: none.zebkb: cannot read the bundle file")


@pytest.fixture
def two_offices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Katsushika with a case from Ota and a site visit in Shinagawa, both on 清掃事務所."""
    data = tmp_path / "kb"
    records = [
        kit.case(ward="131113", title="蒲田清掃事務所のZEB化", facility_name="蒲田清掃事務所"),
        kit.visit(ward="131091", title="品川清掃事務所 視察"),
    ]
    bundle = kit.write(tmp_path / "b.zebkb", records=records)
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    assert main(["--data-dir", str(data), "import", str(bundle)]) == 0
    capsys.readouterr()
    return data


# The quick path answers from a current index alone; the full one opens the knowledge base.
@pytest.fixture(params=["index", "kb"])
def search_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "kb":
        from zebkb.cli import search

        monkeypatch.setattr(search, "_search_current_index", lambda *_: None)
    return str(request.param)


def test_search_in_japanese_says_counts_kinds_and_wards_in_japanese(
    two_offices, search_path, capsys
) -> None:
    code, out, _ = run(capsys, two_offices, "--lang", "ja", "search", "清掃事務所", "--limit", "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2 件見つかりました（1 件を表示）"
    hit = lines[1]
    assert ("事例" in hit and "大田区" in hit) or ("視察記録" in hit and "品川区" in hit), hit
    assert not re.search(r"\b13\d{4}\b", out), out  # no ward code
    words = re.sub(r"\[[0-9a-f-]+\]|ZEB", "", out)  # the UID and the title's ZEB aside
    assert not re.search(r"[A-Za-z]{2,}", words), out
    code, out, _ = run(capsys, two_offices, "--lang", "ja", "search", "蒲田")
    assert out.splitlines()[0] == "1 件見つかりました"


def test_search_in_english_names_kinds_and_wards_and_counts_in_the_singular(
    two_offices, search_path, capsys
) -> None:
    code, out, _ = run(capsys, two_offices, "--lang", "en", "search", "清掃事務所")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2 records found"
    hits = "\n".join(lines[1:])
    assert re.search(r"Case\s+Ota\s+蒲田清掃事務所のZEB化", hits), hits
    assert re.search(r"Site visit\s+Shinagawa\s+品川清掃事務所 視察", hits), hits
    assert not re.search(r"\b13\d{4}\b", out), out
    assert not re.search(r"\bcase\b", out), out  # the code, not the label
    _, out, _ = run(capsys, two_offices, "--lang", "en", "search", "蒲田")
    assert out.splitlines()[0] == "1 record found"
    _, out, _ = run(capsys, two_offices, "--lang", "en", "search", "清掃事務所", "--limit", "1")
    assert out.splitlines()[0] == "2 records found, showing 1"


def test_search_json_is_the_same_in_both_languages(two_offices, capsys) -> None:
    _, ja, _ = run(capsys, two_offices, "--lang", "ja", "search", "清掃事務所", "--json")
    _, en, _ = run(capsys, two_offices, "--lang", "en", "search", "清掃事務所", "--json")
    assert ja == en
    assert {(h["type"], h["ward"]) for h in json.loads(ja)["hits"]} == {
        ("case", "131113"),
        ("visit", "131091"),
    }


def test_search_says_why_it_rebuilt_the_index_in_the_chosen_language(two_offices, capsys) -> None:
    from zebkb.service import KnowledgeBase

    for lang, expected in (
        (
            "ja",
            "検索索引が古くなっていたため、データベースから作り直しました（検索索引がデータベースより新しく",
        ),
        (
            "en",
            "the search index was out of date and has been rebuilt from the database (the search "
            "index is ahead of the database",
        ),
    ):
        with KnowledgeBase.open(two_offices) as kb:
            kb.index.update([], [], state=10**6)  # as if an older database was put in place
        code, out, err = run(capsys, two_offices, "--lang", lang, "search", "清掃事務所")
        assert code == 0, err
        assert out.splitlines()[0] in ("2 件見つかりました", "2 records found")
        assert err.startswith(f"zebkb: {expected}"), err
        if lang == "ja":
            assert not re.search(r"[A-Za-z]{2,}", err.removeprefix("zebkb:")), err


def test_the_search_notices_in_english_are_the_services_own() -> None:
    from zebkb import service
    from zebkb.cli.search import notice_text

    names = [n for n in dir(service) if n.startswith(("NOTICE_", "REBUILD_"))]
    assert len(names) == 13
    for name in names:
        text = getattr(service, name)
        assert notice_text(text, "en") == text
        assert JAPANESE.search(notice_text(text, "ja")), name
    assert notice_text("something new", "ja") == "something new"


@pytest.fixture
def conflicted(tmp_path: Path, clock) -> tuple[Path, str]:
    """Katsushika and Shinagawa both edited one case; Shinagawa's edit came back to Katsushika."""
    from zebkb.service import KnowledgeBase
    from zebkb.service.exchange import export_bundle, import_bundle

    def edit(kb: KnowledgeBase, uid: str, title: str) -> None:
        record = kb.require(uid)
        kb.save({**record, "title": title}, expected_revision=record["revision"])

    data = tmp_path / "kb"
    with (
        KnowledgeBase.open(data, clock=clock) as kb,
        KnowledgeBase.open(tmp_path / "shinagawa", clock=clock) as other,
    ):
        kb.set_home_ward("131229")
        other.set_home_ward("131091")
        case = kb.save(
            {
                "type": "case",
                "title": "清掃事務所",
                "ward": "131229",
                "facility_name": "清掃事務所",
                "project_type": "new",
            }
        )
        import_bundle(other, export_bundle(kb, tmp_path / "1.zebkb").paths[0])
        clock.advance(minutes=1)
        edit(kb, case["uid"], "葛飾区の編集")
        clock.advance(minutes=1)
        edit(other, case["uid"], "品川区の編集")
        import_bundle(kb, export_bundle(other, tmp_path / "2.zebkb").paths[0])
    return data, case["uid"]


def test_conflicts_in_japanese_name_the_kind_sides_and_times(conflicted, capsys) -> None:
    data, uid = conflicted
    code, out, _ = run(capsys, data, "--lang", "ja", "conflicts")
    assert code == 0
    head, *sides = out.splitlines()
    assert head.startswith(f"{uid}  事例  品川区の編集  （バンドル ")
    assert [line.split()[0] for line in sides] == ["こちらの版", "届いた版"]
    assert "第2版" in sides[0]
    assert "葛飾区の編集" in sides[0]
    assert sides[1].endswith("品川区の編集（現在の版）")
    assert not ISO_INSTANT.search(out), out
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", head), head
    assert not re.search(r"\b(case|local|incoming|revision|bundle|current)\b", out), out
    code, out, _ = run(
        capsys, data, "--lang", "ja", "conflicts", "--settle", uid, "--choose", "local"
    )
    assert code == 0
    assert out.strip() == f"UID {uid} の競合を解決しました: こちらの版を残しました（現在 第3版）"
    _, out, _ = run(capsys, data, "--lang", "ja", "conflicts")
    assert out.strip() == "未解決の競合はありません"


def test_conflicts_in_english_name_the_kind_and_show_readable_times(conflicted, capsys) -> None:
    data, uid = conflicted
    code, out, _ = run(capsys, data, "--lang", "en", "conflicts")
    assert code == 0
    head, local, incoming = out.splitlines()
    assert head.startswith(f"{uid}  Case  品川区の編集  (bundle ")
    assert local.split()[:3] == ["local", "revision", "2"]
    assert incoming.split()[:3] == ["incoming", "revision", "2"]
    assert incoming.endswith("品川区の編集 (current)")
    assert not ISO_INSTANT.search(out), out
    _, out, _ = run(
        capsys, data, "--lang", "en", "conflicts", "--settle", uid, "--choose", "incoming"
    )
    assert out.strip() == f"settled {uid}: keeping the incoming version (now revision 2)"
    _, out, _ = run(capsys, data, "--lang", "en", "conflicts")
    assert out.strip() == "no open conflicts"


def _ward_key() -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from zebkb_trust_kit import public_key_of

    return public_key_of(Ed25519PrivateKey.generate())


def test_key_commands_in_japanese_name_the_ward_and_say_times_for_people(tmp_path, capsys) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    capsys.readouterr()
    _, out, _ = run(capsys, data, "--lang", "ja", "key", "show")
    assert [line.split(": ")[0] for line in out.splitlines()] == ["公開鍵", "フィンガープリント"]
    key = _ward_key()
    code, out, _ = run(
        capsys,
        data,
        "--lang",
        "ja",
        "key",
        "trust",
        key,
        "--ward",
        "131091",
        "--note",
        "電話で確認",
    )
    assert code == 0
    trusted, advice = out.splitlines()
    fingerprint = key_fingerprint(key)
    assert trusted == f"品川区の鍵 {fingerprint} を信頼しました"
    assert "電話" in advice
    assert not re.search(r"[A-Za-z]{2,}", advice), advice
    _, out, _ = run(capsys, data, "--lang", "ja", "key", "list")
    assert out.strip() == f"品川区  {fingerprint}  信頼  {key}（電話で確認）"
    _, out, _ = run(capsys, data, "--lang", "ja", "key", "revoke", key)
    assert out.strip() == f"品川区の鍵 {fingerprint} の信頼を取り消しました"
    _, out, _ = run(capsys, data, "--lang", "ja", "key", "list")
    assert re.search(r"  取り消し済み（\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d）  ", out), out
    assert not ISO_INSTANT.search(out), out
    assert "131091" not in out
    _, out, _ = run(capsys, data, "--lang", "ja", "key", "require")
    assert out.startswith("署名は必須ではありません: ")


def test_key_commands_in_english_name_the_ward_without_its_code(tmp_path, capsys) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    capsys.readouterr()
    key = _ward_key()
    _, out, _ = run(capsys, data, "--lang", "en", "key", "trust", key, "--ward", "品川区")
    trusted = out.splitlines()[0]
    fingerprint = key_fingerprint(key)
    assert trusted == f"trusted key {fingerprint} for Shinagawa"
    assert "over the phone" in out
    _, out, _ = run(capsys, data, "--lang", "en", "key", "revoke", key)
    assert out.strip() == f"revoked key {fingerprint} for Shinagawa"
    _, out, _ = run(capsys, data, "--lang", "en", "key", "list")
    assert out.startswith(f"Shinagawa  {fingerprint}  revoked 20")
    assert not ISO_INSTANT.search(out), out
    assert "131091" not in out
    assert not JAPANESE.search(out), out


@pytest.mark.parametrize(
    ("args", "ja", "en"),
    [
        (
            ('"清掃',),
            "検索語を受け付けられません: 引用符",
            "Query refused: The query has an unbalanced",
        ),
        (("x", "--limit", "0"), "--limit には 1 以上", "--limit must be at least 1"),
        (("x", "--fiscal-year", "abc"), "年度として読めません: abc", "not a fiscal year: 'abc'"),
        (("x", "--ward", "abc"), "区 'abc' が見つかりません", "unknown ward: 'abc'"),
    ],
    ids=["query", "limit", "fiscal_year", "ward"],
)
def test_search_refusals_follow_the_language(two_offices, capsys, args, ja, en) -> None:
    code, _, err = run(capsys, two_offices, "--lang", "ja", "search", *args)
    assert code == 3
    assert err.startswith(f"zebkb: {ja}"), err
    code, _, err = run(capsys, two_offices, "--lang", "en", "search", *args)
    assert code == 3
    assert err.startswith(f"zebkb: {en}"), err


def test_reindex_says_what_it_did_in_the_chosen_language(two_offices, tmp_path, capsys) -> None:
    from zebkb.service import KnowledgeBase

    _, out, _ = run(capsys, two_offices, "--lang", "ja", "reindex")
    assert out == "検索索引を作り直しました: 記録 2 件\n"
    broken = tmp_path / "handout.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"[" * 1000)
    with KnowledgeBase.open(two_offices) as kb:
        kb.add_attachment(kb.list_records()[0].uid, broken)
    _, out, _ = run(capsys, two_offices, "--lang", "ja", "reindex")
    assert out.splitlines()[1] == (
        "添付ファイル 1 件の本文は検索できません（読めないファイル）。次の reindex でもう一度試します"
    )
    _, out, _ = run(capsys, two_offices, "--lang", "en", "reindex")
    assert out.splitlines() == [
        "search index rebuilt: 2 records",
        "text of 1 attachment file not searched (unreadable); the next reindex tries again",
    ]
    # Every reason an extraction gives has its words in both languages.
    from zebkb.cli.lang import TEXTS
    from zebkb.search import extract

    reasons = [v for k, v in vars(extract).items() if k.startswith("FAILED_")]
    assert len(reasons) == 4
    assert all(f"failed.{r}" in TEXTS for r in reasons)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_export_and_undo_import_say_what_they_did_in_the_chosen_language(
    tmp_path, capsys, lang
) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    capsys.readouterr()
    bundle = kit.write(tmp_path / "b.zebkb", records=[kit.case(ward="131091")])
    _, out, _ = run(capsys, data, "import", str(bundle), "--json")
    bundle_id = json.loads(out)["bundle_id"]
    target = tmp_path / "out.zebkb"
    _, out, _ = run(capsys, data, "--lang", lang, "export", str(target), "--no-sign")
    expected = {
        "ja": f"{target} を書き出しました（記録 1 件、ファイル 0 件、",
        "en": f"wrote {target} (1 record, 0 files, ",
    }
    assert out.startswith(expected[lang]), out
    _, out, _ = run(capsys, data, "--lang", lang, "undo-import", bundle_id)
    expected = {
        "ja": f"取り込み {bundle_id} を取り消しました: 記録 0 件を戻し、1 件を取り除きました",
        "en": f"undid import {bundle_id}: 0 records put back, 1 removed",
    }
    assert out.strip() == expected[lang]


def test_backup_list_shows_local_readable_times(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    import time

    time.tzset()
    try:
        data = tmp_path / "kb"
        assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
        assert main(["--data-dir", str(data), "backup"]) == 0
        capsys.readouterr()
        _, listed, _ = run(capsys, data, "--lang", "ja", "backup", "--list")
        _, as_json, _ = run(capsys, data, "backup", "--list", "--json")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    created = json.loads(as_json)[0]["created_at"]
    assert ISO_INSTANT.search(created)  # the JSON keeps the instant
    assert not ISO_INSTANT.search(listed), listed
    assert "+00:00" not in listed
    assert "記録のみ" in listed or "記録とファイル" in listed
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", listed), listed


def test_the_language_comes_from_flag_env_window_setting_then_locale(tmp_path, monkeypatch) -> None:
    ini = tmp_path / "zebkb.ini"
    ini.write_text("[general]\nlanguage=ja\n", encoding="utf-8")
    monkeypatch.setenv("ZEBKB_LANG", "en")
    assert chosen_language("ja", ini) == "ja"
    assert chosen_language(None, ini) == "en"
    monkeypatch.delenv("ZEBKB_LANG")
    assert chosen_language(None, ini) == "ja"  # the window's choice
    missing = tmp_path / "none.ini"
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert chosen_language(None, missing) == "ja"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert chosen_language(None, missing) == "en"
    ini.write_text("not an ini file at all [", encoding="utf-8")
    assert chosen_language(None, ini) == "en"  # an unreadable file only loses the preference


def test_check_names_its_problems_in_japanese(tmp_path, capsys) -> None:
    from zebkb.service import KnowledgeBase

    data = tmp_path / "kb"
    handout = tmp_path / "handout.txt"
    handout.write_text("配布資料", encoding="utf-8")
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        uid = kb.save(kit.case(ward="131229"))["uid"]
        kb.add_attachment(uid, handout)
        digest = kb.require(uid)["attachments"][0]["sha256"]
        stored = kb.files.path(digest)
    stored.unlink()
    stray = stored.with_name("0" * 64)
    stray.write_bytes(b"stray")
    code, out, _ = run(capsys, data, "--lang", "ja", "check", "--repair")
    assert code == 1
    assert f"記録 {uid}: 添付ファイル handout.txt（{digest[:12]}…）が見つかりません" in out, out
    assert "どの記録にも使われていません" in out, out
    code, out, _ = run(capsys, data, "--lang", "en", "check")
    assert f"record {uid}: attachment file handout.txt ({digest[:12]}…) is missing" in out
    _, as_json, _ = run(capsys, data, "--lang", "ja", "check", "--json")
    assert "is missing" in json.loads(as_json)["problems"][0]  # the JSON stays as it is


def test_check_says_an_index_from_another_version_needs_rebuilding_not_that_it_is_damaged(
    tmp_path, capsys
) -> None:
    """After an upgrade the index is rebuilt for this version; `check` does not call it damaged,
    and a search rebuilds it with the upgrade notice, keeping nothing aside as damaged."""
    from zebkb.cli.search import notice_text
    from zebkb.service import NOTICE_INDEX_OTHER_VERSION, KnowledgeBase

    data = tmp_path / "kb"
    with KnowledgeBase.open(data) as kb:
        kb.set_home_ward("131229")
        kb.save(kit.case(ward="131229", facility_name="清掃事務所"))
        kb.index._snapshot().side.set_meta("side_version", "1")  # as an older zebkb wrote it
    code, out, _ = run(capsys, data, "--lang", "ja", "check")
    assert code == 1
    assert "別の版の zebkb" in out, out
    assert "壊れ" not in out, out
    assert not re.search(r"[A-Za-z]{3,}", out.replace("zebkb reindex", "").replace("zebkb", "")), (
        out
    )
    code, out, _ = run(capsys, data, "--lang", "en", "check")
    assert "another version of zebkb" in out, out
    assert "damaged" not in out, out
    with KnowledgeBase.open(data) as kb:  # a read answers from it as it is, and says why
        result = kb.search("清掃事務所")
        assert (result.total, result.stale) == (0, True)
        assert result.notice == NOTICE_INDEX_OTHER_VERSION
        assert notice_text(result.notice, "ja").startswith("検索索引をこの版の zebkb 用に作り直")
    # The command line rebuilds it before it answers: every record is found, nothing is
    # called damaged or kept aside as damaged.
    code, out, err = run(capsys, data, "--lang", "ja", "search", "清掃事務所")
    assert code == 0, err
    assert out.splitlines()[0] == "1 件見つかりました", out
    assert "壊れ" not in err, err
    assert not list((data / "index").glob("damaged-*"))
    code, out, _ = run(capsys, data, "--lang", "en", "check")
    assert code == 0, out


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ja", "zebkb: 警告: b.zebkb: バンドルに署名がありません。品川区から届いたものとは"),
        (
            "en",
            "zebkb: warning: b.zebkb: the bundle is not signed: nothing proves it comes from "
            "Shinagawa\n",
        ),
    ],
)
def test_an_unsigned_bundle_is_said_with_the_wards_name(
    tmp_path, capsys, monkeypatch, lang, expected
) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    kit.write(
        tmp_path / "b.zebkb",
        records=[kit.case(ward="131091", origin="131091")],
        manifest={"origin": {"ward": "131091", "name": "品川区"}},
    )
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    code, _, err = run(capsys, data, "--lang", lang, "import", "b.zebkb", "--dry-run")
    assert code == 0
    assert err.startswith(expected), err
    assert "131091" not in err


def test_history_says_how_each_version_came_and_show_a_fiscal_year(tmp_path, capsys) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    assert main(["--data-dir", str(data), "demo"]) == 0
    capsys.readouterr()
    _, listed, _ = run(capsys, data, "list", "--type", "issue", "--json")
    issue = json.loads(listed)[0]["uid"]
    _, out, _ = run(capsys, data, "--lang", "ja", "history", issue)
    assert re.match(
        r"\* 第1版  \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d  [0-9a-f]{12}  デモデータ  ", out
    ), out
    _, out, _ = run(capsys, data, "--lang", "en", "history", issue)
    assert "  Demo data  " in out
    _, out, _ = run(capsys, data, "--lang", "ja", "show", issue)
    assert re.search(r"^年度: (令和\d+|平成\d+|\d{4})年度$", out, re.M), (
        out
    )  # as the date style says
    _, out, _ = run(capsys, data, "--lang", "en", "show", issue)
    assert re.search(r"^Fiscal year: FY\d{4}$", out, re.M), out


def test_small_sizes_and_progress_are_said_in_the_language(capsys) -> None:
    from zebkb.cli.progress import stderr_progress
    from zebkb.display import file_size

    assert file_size(789, "ja") == "789 バイト"
    assert file_size(789, "en") == "789 bytes"
    assert file_size(1, "en") == "1 byte"
    assert file_size(12_300, "ja") == "12.3 kB"
    stderr_progress("progress.reindex", "ja")(3, 3)
    assert capsys.readouterr().err == "\r検索索引の作り直し: 3/3 100%   \n"
    stderr_progress("progress.reindex", "en")(3, 3)
    assert capsys.readouterr().err == "\rrebuilding the search index: 3/3 100%   \n"


def test_one_run_reads_the_window_settings_once(tmp_path, monkeypatch, capsys) -> None:
    """The language (asked twice) and the date style come from one read of the file."""
    import configparser

    from zebkb.cli import lang

    ini = tmp_path / "zebkb.ini"
    ini.write_text("[general]\nlanguage=ja\n[display]\ndate_style=japanese\n", encoding="utf-8")
    monkeypatch.setattr(lang, "window_settings_file", lambda: ini)
    for name in ("ZEBKB_LANG", "ZEBKB_DATE_STYLE"):
        monkeypatch.delenv(name, raising=False)
    reads: list[object] = []
    read = configparser.ConfigParser.read

    def counted(self, filenames, encoding=None):  # type: ignore[no-untyped-def]
        reads.append(filenames)
        return read(self, filenames, encoding=encoding)

    monkeypatch.setattr(configparser.ConfigParser, "read", counted)
    seen: dict[str, str] = {}

    def handler(args) -> int:  # type: ignore[no-untyped-def]
        seen.update(lang=args.lang, date_style=args.date_style)
        return 0

    monkeypatch.setattr("zebkb.cli.main.run_handler", lambda h, args: handler(args))
    assert main(["--data-dir", str(tmp_path / "kb"), "search", "延床面積"]) == 0
    assert seen == {"lang": "ja", "date_style": "japanese"}
    assert reads == [ini]


@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        (None, "/home/kumi"),
        ("", "/home/kumi"),
        ("/srv/conf", "/home/kumi"),
        ("/srv/conf/", "/home/kumi"),
        ("//srv//conf", "/home/kumi"),
        ("relative/conf", "/home/kumi"),
        ("  ", "/home/kumi"),
        (None, "/"),
        (None, "/home/kumi/"),
        ("/srv/conf", None),
        (None, None),
        (None, "relative/home"),
    ],
)
def test_the_settings_path_is_platformdirs_answer(monkeypatch, xdg, home) -> None:
    from platformdirs import user_config_dir

    from zebkb.cli.lang import window_settings_file

    for name, value in (("XDG_CONFIG_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    try:
        expected = Path(user_config_dir("zebkb", appauthor=False)) / "zebkb.ini"
    except RuntimeError:  # platformdirs finds no home: neither may we
        with pytest.raises(RuntimeError):
            window_settings_file()
        return
    assert window_settings_file() == expected
    assert str(window_settings_file()) == str(expected)


def test_the_settings_path_is_found_without_importing_platformdirs(tmp_path) -> None:
    import os
    import subprocess
    import sys

    probe = (
        "import sys; from zebkb.cli.lang import window_settings_file; window_settings_file(); "
        "print('platformdirs' in sys.modules)"
    )
    env = dict(os.environ, HOME=str(tmp_path))
    env.pop("XDG_CONFIG_HOME", None)
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.split() == ["False"]
