"""A command that only reads refuses a folder with no knowledge base, and makes nothing.

A mistyped --data-dir used to get a new, empty knowledge base and the answer
"0 件", so the mistake went unnoticed. Commands that write (init, add, import,
demo...) still make the knowledge base on first use, as docs/cli.md says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zebkb.cli.main import main

READ_COMMANDS = [
    ["search", "ZEB"],
    ["list"],
    ["show", "0123abcd"],
    ["check"],
    ["conflicts"],
    ["history", "0123abcd"],
    ["export", "OUT.zebkb"],
    ["reindex"],
    ["backup"],
    ["backup", "--list"],
    ["key", "show"],
    ["key", "list"],
    ["report", "--fiscal-year", "2024", "--pdf", "OUT.pdf"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_read_command_on_a_missing_folder_is_refused_and_nothing_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], lang: str
) -> None:
    typo = tmp_path / "kb-typo"
    # Files a command would write go beside the folder, never into the working directory.
    command = [str(tmp_path / c) if c.startswith("OUT.") else c for c in command]
    code = main(["--lang", lang, "--data-dir", str(typo), *command])
    captured = capsys.readouterr()
    assert code == 3, captured.err
    assert not typo.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert str(typo) in lines[0]
    assert "zebkb init" in lines[0]
    if lang == "ja":
        assert "ナレッジベースがありません" in lines[0]
    else:
        assert "no knowledge base" in lines[0]
    assert captured.out == ""


def test_an_empty_existing_folder_is_refused_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["--lang", "ja", "--data-dir", str(empty), "list"]) == 3
    assert list(empty.iterdir()) == []
    assert "ナレッジベースがありません" in capsys.readouterr().err


def test_init_still_makes_one_and_then_reads_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "new"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    capsys.readouterr()
    assert main(["--lang", "ja", "--data-dir", str(data), "search", "ZEB"]) == 0
    assert "0 件" in capsys.readouterr().out


def test_demo_still_makes_one_on_first_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "added"
    assert main(["--data-dir", str(data), "demo"]) == 0
    assert (data / "zebkb.sqlite3").is_file()
    capsys.readouterr()
    assert main(["--data-dir", str(data), "list"]) == 0
