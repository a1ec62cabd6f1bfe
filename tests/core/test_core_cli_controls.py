"""Terminal control characters in record text are printed escaped; --json is unchanged.

A title from another ward's bundle holding ESC and BEL sequences would clear
the terminal and retitle its window if printed raw. Commands run in this
process (zebkb.cli.main.main) so the many of them stay quick.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.cli.main import main
from zebkb.cli.output import escape_controls, field

CLEAR_AND_RETITLE = "\x1b]0;pwned\x07\x1b[2J\x1b[H"
TITLE = f"清掃事務所{CLEAR_AND_RETITLE}\x9b31m\x7f\rZEB"
BODY = "一行目\tタブ\n二行目\x1b[31m赤\x1b[0m\x08\x00"
# Anything a terminal acts on: C0 but newline and tab, DEL, C1.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PROGRESS = re.compile(r"\r[a-z -]+: \d+/\d+ \d+%   ")


@pytest.fixture
def folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str, Path]:
    """A knowledge base holding one hostile record, imported from a bundle, and that bundle."""
    data = tmp_path / "kb"
    record = kit.case(
        title=TITLE,
        body=BODY,
        facility_name="事務所\n偽の行",
        tags=["\x1b[5m点滅"],
        technologies=["LED\x07"],
    )
    bundle = kit.write(tmp_path / "hostile.zebkb", records=[record])
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    assert main(["--data-dir", str(data), "import", str(bundle)]) == 0
    capsys.readouterr()
    return data, record["uid"], bundle


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[str, str]:
    code = main(["--data-dir", str(data), *args])
    captured = capsys.readouterr()
    assert code in (0, 3), captured.err
    return captured.out, captured.err


def test_every_plain_text_command_escapes_control_characters(folder, capsys) -> None:
    data, uid, bundle = folder
    outputs = {
        "list": run(capsys, data, "list"),
        "show": run(capsys, data, "show", uid),
        "search": run(capsys, data, "search", "ZEB"),
        "history": run(capsys, data, "history", uid),
        "import": run(capsys, data, "import", str(bundle), "--dry-run"),
        "export": run(capsys, data, "export", str(bundle.with_name("out.zebkb"))),
    }
    for command, (out, err) in outputs.items():
        assert not RAW.search(out), (command, out)
        # The progress line returns to its start with CR on purpose; it shows only numbers.
        assert not RAW.search(PROGRESS.sub("", err)), (command, err)
    for command in ("list", "show", "search", "history", "import"):
        assert "\\x1b]0;pwned\\x07\\x1b[2J" in outputs[command][0], command
    # In one-line layouts newlines are escaped too: a title cannot forge a line.
    listing = outputs["list"][0]
    assert len(listing.strip().splitlines()) == 1
    assert "\\x9b31m\\x7f\\rZEB" in listing
    show = outputs["show"][0]
    assert "事務所\\n偽の行" in show
    assert "\\x1b[5m点滅" in show
    # The body keeps its lines and tabs: there the layout wants them.
    assert "一行目\tタブ\n二行目\\x1b[31m赤\\x1b[0m\\x08\\x00" in show


def test_json_output_is_unchanged(folder, capsys) -> None:
    data, uid, _bundle = folder
    listed = json.loads(run(capsys, data, "list", "--json")[0])
    assert listed[0]["title"] == TITLE
    shown = json.loads(run(capsys, data, "show", uid, "--json")[0])
    assert shown["body"] == BODY
    assert shown["tags"] == ["\x1b[5m点滅"]


def test_an_error_quoting_record_text_is_escaped(folder, capsys, tmp_path: Path) -> None:
    data, _uid, _bundle = folder
    bad = kit.write(tmp_path / "bad.zebkb", records=[kit.case(project_type="\x1b[2J\x9b")])
    _out, err = run(capsys, data, "import", str(bad))
    assert not RAW.search(err)
    assert len(err.strip().splitlines()) == 1


def test_the_helper() -> None:
    assert escape_controls("a\x1bb\nc\td\x85") == "a\\x1bb\nc\td\\x85"
    assert field("a\nb\tc\r") == "a\\nb\\tc\\r"
    assert field(None) == ""
    assert escape_controls("日本語 ｶﾅ 😀") == "日本語 ｶﾅ 😀"


def test_nothing_in_the_command_line_prints_around_the_helper() -> None:
    """One way to print plain text: zebkb/cli/output.py (JSON through print_json, and the
    progress line, which writes only numbers)."""
    cli = Path(__file__).resolve().parents[2] / "zebkb" / "cli"
    allowed = {"output.py", "progress.py", "main.py:print_json"}
    offenders = []
    for path in sorted(cli.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                text = ast.unparse(call.func)
                writes = text in ("print", "sys.stdout.write", "sys.stderr.write")
                where = f"{path.name}:{function.name}"
                if writes and path.name not in allowed and where not in allowed:
                    offenders.append(f"{where} line {call.lineno}")
    assert offenders == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)), st.text())
def test_any_title_and_body_print_without_raw_controls(title: str, body: str) -> None:
    from zebkb.cli.records import format_record

    record = kit.case(title=title or "x", body=body, tags=[title])
    text = escape_controls(format_record(record))
    assert not RAW.search(text)
    # The title takes exactly its one line; the body keeps its own line breaks.
    assert len(text.splitlines()) >= body.count("\n")
    assert "\n" not in field(title)
    assert not RAW.search(field(title))


def test_show_prints_a_multi_line_text_field_as_lines(tmp_path: Path, capsys) -> None:
    """出典 of several lines reads as lines under its label, not one line with literal \\n.

    Continuation lines are indented so none passes for another field's line; a
    one-line field (施設名) keeps its newline escaped, and controls stay escaped.
    """
    data = tmp_path / "kb"
    record = kit.case(
        source="https://example.jp/a\nhttps://example.jp/b\x1b[2J\r\n第3行",
        facility_name="事務所\n偽の行",
    )
    bundle = kit.write(tmp_path / "b.zebkb", records=[record])
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    assert main(["--data-dir", str(data), "import", str(bundle)]) == 0
    capsys.readouterr()
    show, _ = run(capsys, data, "show", record["uid"])
    lines = show.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Source: "))
    assert lines[start] == "Source: https://example.jp/a"
    assert lines[start + 1] == "  https://example.jp/b\\x1b[2J"
    assert lines[start + 2] == "  第3行"
    assert "事務所\\n偽の行" in show
    assert not RAW.search(show)


def test_show_prints_rows_as_readable_lines_and_session_warnings() -> None:
    """A rows field reads as labelled values (places by name), not as Python dicts."""
    from zebkb.cli.records import format_record

    record = kit.case(
        operation_years=[{"fiscal_year": 2024, "primary_energy_mj_m2": 520}],
        design_primary_energy_mj_m2=490,
    )
    text = format_record(record, "ja")
    # The year as the date style writes it (western unless the window says otherwise).
    assert "運用実績（年度別）: 年度: 2024年度、" in text
    assert "運用実績（年度別）: 年度: 令和6年度、" in format_record(record, "ja", "japanese")
    assert "{" not in text
    session = {
        **kit.case(),
        "type": "session",
        "held_on": "2024-11-05",
        "attendees": 4,
        "attendance_groups": [{"municipality": "131229", "department": "営繕課", "count": 3}],
    }
    text = format_record(session, "ja")
    assert "区・市町村: 葛飾区、部署: 営繕課、人数: 3" in text
    assert "警告: 参加内訳の合計（3名）が参加者数（4名）と一致しません" in text
    assert "Warning: " in format_record(session, "en")
