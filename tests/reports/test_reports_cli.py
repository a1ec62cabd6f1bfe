"""`zebkb report` end to end, as a subprocess after `zebkb demo`."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from zebkb_report_kit import MIZUMOTO, SESSION_MOE, pdf_pages, pdf_text


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder after `zebkb demo`, shared by the tests that only read it."""
    data = tmp_path_factory.mktemp("report-cli") / "kb"
    env = {k: v for k, v in os.environ.items() if k != "ZEBKB_DATA_DIR"}
    subprocess.run(
        [sys.executable, "-m", "zebkb", "--data-dir", str(data), "demo"],
        check=True,
        capture_output=True,
        env=env,
    )
    return data


@pytest.fixture
def demo_cli(cli, demo_dir: Path):
    return functools.partial(cli, data_dir=demo_dir)


def test_case_sheet_and_minutes(demo_cli, tmp_path: Path) -> None:
    out = tmp_path / "事例シート.pdf"
    result = demo_cli("report", MIZUMOTO, "--pdf", str(out))
    assert result.code == 0, result.err
    assert str(out) in result.out
    assert len(pdf_pages(out)) == 1
    assert "施設名葛飾区立水元小学校" in pdf_text(out)

    out = tmp_path / "minutes.pdf"
    assert demo_cli("report", SESSION_MOE, "--pdf", str(out)).code == 0
    assert "実施機関三菱総合研究所" in pdf_text(out)


def test_fiscal_year_list(demo_cli, tmp_path: Path) -> None:
    out = tmp_path / "fy.pdf"
    result = demo_cli(
        "report", "--fiscal-year", "令和6年度", "--type", "session", "--pdf", str(out)
    )
    assert result.code == 0, result.err
    text = pdf_text(out)
    assert "令和6年度（FY2024）勉強会・研修 一覧" in text
    assert "3件" in text
    out = tmp_path / "all.pdf"
    assert demo_cli("report", "--fiscal-year", "2023", "--pdf", str(out)).code == 0
    assert "2件" in pdf_text(out)


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["00000000-0000-4000-8000-000000000000"], 1, "no record"),
        (["--fiscal-year", "来年"], 2, "not a fiscal year"),
        (["--fiscal-year", "1200"], 3, "out of range"),
        ([], 2, "give the UID"),
        ([MIZUMOTO, "--fiscal-year", "2024"], 2, "not both"),
        ([MIZUMOTO, "--type", "case"], 2, "--type"),
        (["--fiscal-year", "2024", "--type", "memo"], 2, "invalid choice"),
    ],
)
def test_refusals_are_one_line(demo_cli, tmp_path: Path, args, code, says) -> None:
    result = demo_cli("report", *args, "--pdf", str(tmp_path / "x.pdf"))
    assert result.code == code
    assert says in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert not (tmp_path / "x.pdf").exists()


def test_missing_pdf_option_and_missing_folder(demo_cli, tmp_path: Path) -> None:
    result = demo_cli("report", MIZUMOTO)
    assert result.code == 2
    assert "--pdf" in result.err
    result = demo_cli("report", MIZUMOTO, "--pdf", str(tmp_path / "nowhere" / "x.pdf"))
    assert result.code == 1
    assert "does not exist" in result.err


def test_deleted_record_exits_1(cli, tmp_path: Path) -> None:
    from zebkb.service import KnowledgeBase

    assert cli("demo").code == 0
    with KnowledgeBase.open(cli.data_dir) as kb:
        kb.delete(MIZUMOTO)
    result = cli("report", MIZUMOTO, "--pdf", str(tmp_path / "x.pdf"))
    assert result.code == 1
    assert "deleted" in result.err
