"""The command line writes dates and fiscal years in the window's date style.

A warning that names a fiscal year reads 令和6年度 in a terminal when the window
shows 令和 dates, as it does in the window (zebkb/display.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from zebkb_testing import case_record

from zebkb.cli.lang import chosen_date_style
from zebkb.cli.main import main

MISSED = case_record(
    standard_primary_energy_mj_m2=1000,
    design_primary_energy_mj_m2=490,
    bei=0.49,
    reduction_excl_renewables_pct=51,
    completed_on="2024-03-31",
    operation_years=[{"fiscal_year": 2024, "primary_energy_mj_m2": 520}],
)


@pytest.fixture
def added(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    source = tmp_path / "case.json"
    source.write_text(json.dumps(MISSED, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    return data, source


def _uid(out: str) -> str:
    return out.split()[1]


def test_add_and_show_name_the_year_in_the_era_style(added, capsys, monkeypatch) -> None:
    data, source = added
    monkeypatch.setenv("ZEBKB_DATE_STYLE", "japanese")
    assert main(["--data-dir", str(data), "--lang", "ja", "add", str(source)]) == 0
    captured = capsys.readouterr()
    assert "令和6年度の運用実績" in captured.err
    assert main(["--data-dir", str(data), "--lang", "ja", "show", _uid(captured.out)]) == 0
    shown = capsys.readouterr().out
    assert "警告: 令和6年度の運用実績" in shown
    assert "竣工日: 令和6年3月31日" in shown  # the dates around it in the same style
    assert "2024年度" not in shown


def test_the_western_style_writes_2024(added, capsys) -> None:
    data, source = added
    assert main(["--data-dir", str(data), "--lang", "ja", "add", str(source)]) == 0
    captured = capsys.readouterr()
    assert "2024年度の運用実績" in captured.err
    assert main(["--data-dir", str(data), "--lang", "ja", "show", _uid(captured.out)]) == 0
    shown = capsys.readouterr().out
    assert "警告: 2024年度の運用実績" in shown
    assert "令和6年度" not in shown


def test_a_refused_fiscal_year_follows_the_style(added, capsys, monkeypatch, tmp_path) -> None:
    data, _ = added
    monkeypatch.setenv("ZEBKB_DATE_STYLE", "japanese")
    twice = {
        **MISSED,
        "operation_years": [
            {"fiscal_year": 2024, "primary_energy_mj_m2": 520},
            {"fiscal_year": 2024, "primary_energy_mj_m2": 510},
        ],
    }
    source = tmp_path / "twice.json"
    source.write_text(json.dumps(twice, ensure_ascii=False), encoding="utf-8")
    assert main(["--data-dir", str(data), "--lang", "ja", "add", str(source)]) == 3
    assert "令和6年度が重複" in capsys.readouterr().err


def test_the_style_comes_from_env_then_the_window_setting(tmp_path, monkeypatch) -> None:
    ini = tmp_path / "zebkb.ini"
    ini.write_text("[display]\ndate_style=japanese\n", encoding="utf-8")
    monkeypatch.setenv("ZEBKB_DATE_STYLE", "western")
    assert chosen_date_style(ini) == "western"
    monkeypatch.delenv("ZEBKB_DATE_STYLE")
    assert chosen_date_style(ini) == "japanese"  # the window's choice
    assert chosen_date_style(tmp_path / "none.ini") == "western"
    ini.write_text("[display]\ndate_style=klingon\n", encoding="utf-8")
    assert chosen_date_style(ini) == "western"
    ini.write_text("not an ini file at all [", encoding="utf-8")
    assert chosen_date_style(ini) == "western"


# --- times the command line prints for people: history, backups, conflicts, keys -------------

WESTERN_DAY = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d")
ERA_DAY = re.compile(r"令和\d+年\d{1,2}月\d{1,2}日 \d\d:\d\d")


def _run(data: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["--data-dir", str(data), "--lang", "ja", *args]) == 0
    return capsys.readouterr().out


def _assert_style(printed: str, style: str) -> None:
    """Every day printed in ``style``: 令和… in the era style, 2025年… in the western one."""
    shown, other = (ERA_DAY, WESTERN_DAY) if style == "japanese" else (WESTERN_DAY, ERA_DAY)
    assert shown.search(printed), printed
    assert not other.search(printed), printed


@pytest.mark.parametrize("style", ["japanese", "western"])
def test_history_and_backups_follow_the_style(added, capsys, monkeypatch, style) -> None:
    data, source = added
    monkeypatch.setenv("ZEBKB_DATE_STYLE", style)
    uid = _uid(_run(data, capsys, "add", str(source)))
    _assert_style(_run(data, capsys, "history", uid), style)
    _run(data, capsys, "backup")
    _assert_style(_run(data, capsys, "backup", "--list"), style)


@pytest.mark.parametrize("style", ["japanese", "western"])
def test_a_revoked_key_is_dated_in_the_style(added, capsys, monkeypatch, style) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from zebkb_trust_kit import public_key_of

    data, _ = added
    monkeypatch.setenv("ZEBKB_DATE_STYLE", style)
    key = public_key_of(Ed25519PrivateKey.generate())
    _run(data, capsys, "key", "trust", key, "--ward", "131091")
    _run(data, capsys, "key", "revoke", key)
    _assert_style(_run(data, capsys, "key", "list"), style)


@pytest.mark.parametrize("style", ["japanese", "western"])
def test_conflicts_are_dated_in_the_style(tmp_path, clock, capsys, monkeypatch, style) -> None:
    """Katsushika and Shinagawa both edited one case; Shinagawa's edit came back."""
    from zebkb.service import KnowledgeBase
    from zebkb.service.exchange import export_bundle, import_bundle

    data = tmp_path / "kb"
    with (
        KnowledgeBase.open(data, clock=clock) as kb,
        KnowledgeBase.open(tmp_path / "shinagawa", clock=clock) as other,
    ):
        kb.set_home_ward("131229")
        other.set_home_ward("131091")
        case = kb.save(case_record(title="清掃事務所"))
        import_bundle(other, export_bundle(kb, tmp_path / "1.zebkb").paths[0])
        for here, title in ((kb, "葛飾区の編集"), (other, "品川区の編集")):
            clock.advance(minutes=1)
            record = here.require(case["uid"])
            here.save({**record, "title": title}, expected_revision=record["revision"])
        import_bundle(kb, export_bundle(other, tmp_path / "2.zebkb").paths[0])
    monkeypatch.setenv("ZEBKB_DATE_STYLE", style)
    printed = _run(data, capsys, "conflicts")
    assert len(printed.splitlines()) == 3, printed  # the conflict and its two versions
    for line in printed.splitlines():
        _assert_style(line, style)


@pytest.mark.parametrize("style", ["japanese", "western"])
def test_restore_question_and_a_deleted_record_are_dated_in_the_style(
    added, capsys, monkeypatch, style
) -> None:
    import io
    import sys

    from zebkb.service import KnowledgeBase

    data, source = added
    monkeypatch.setenv("ZEBKB_DATE_STYLE", style)
    uid = _uid(_run(data, capsys, "add", str(source)))
    with KnowledgeBase.open(data) as kb:
        kb.delete(uid)
    assert main(["--data-dir", str(data), "--lang", "ja", "show", uid]) == 1
    _assert_style(capsys.readouterr().err, style)
    _run(data, capsys, "backup")
    (backup,) = (data / "backups").glob("*.zip")
    answer = io.StringIO("n\n")
    answer.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", answer)
    assert main(["--data-dir", str(data), "--lang", "ja", "restore-backup", str(backup)]) == 1
    _assert_style(capsys.readouterr().err, style)  # the question is asked on stderr
