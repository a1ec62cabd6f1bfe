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
