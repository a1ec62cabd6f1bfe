"""The command line writes dates and fiscal years in the window's date style.

A warning that names a fiscal year reads 令和6年度 in a terminal when the window
shows 令和 dates, as it does in the window (zebkb/display.py).
"""

from __future__ import annotations

import json
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
