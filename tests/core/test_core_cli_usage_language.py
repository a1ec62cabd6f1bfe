"""Wrong usage, said in the person's language: argparse's own words and zebkb's (exit 2)."""

from __future__ import annotations

import argparse
import inspect
import re
from pathlib import Path

import pytest

from zebkb.cli.main import main

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def usage(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["--data-dir", str(tmp_path / "kb"), *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def words(text: str) -> list[str]:
    """ASCII words left once options, quoted commands and typed values are taken out."""
    text = re.sub(r"'[^']*'|「[^」]*」|--?[a-z][a-z-]*|\d+[A-Za-z]+\b", "", text)
    return [w for w in ASCII_WORD.findall(text) if w not in ("zebkb", "UID")]


@pytest.mark.parametrize(
    ("args", "ja"),
    [
        (("shw", "x"), "コマンド「shw」はありません。「show」のことですか？"),
        (("show",), "次の引数が必要です: "),
        (("list", "--type", "cas"), "--type: 「cas」は選べません。「case」のことですか？"),
        (("list", "--type", "xyz"), "--type: 「xyz」は選べません（選べるもの: "),
        (("list", "--bogus"), "解釈できない引数があります: --bogus"),
        (("search", "x", "--limit", "abc"), "--limit: 「abc」は数として読めません"),
        (("show", "--json=1", "x"), "--json: 値を取りません"),
        (("key",), "次の引数が必要です: 操作"),
        (("migrate",), "次の引数のどれかが必要です: --to --to-sqlite"),
        (("init", "--ward"), "--ward: 値を一つ指定してください"),
    ],
    ids=[
        "command",
        "required",
        "near_choice",
        "choice",
        "unrecognized",
        "number",
        "explicit",
        "subcommand",
        "one_of",
        "value",
    ],
)
def test_argparse_errors_read_in_japanese(capsys, tmp_path, args, ja) -> None:
    code, out, err = usage(capsys, tmp_path, "--lang", "ja", *args)
    assert code == 2
    assert out == ""
    assert err.startswith(f"zebkb: {ja}"), err
    assert err.endswith("（'zebkb --help' で使い方を表示します）\n"), err
    assert len(err.splitlines()) == 1
    assert words(err) == [], err


def test_argparse_errors_stay_english_in_english(capsys, tmp_path) -> None:
    code, _, err = usage(capsys, tmp_path, "--lang", "en", "shw", "x")
    assert code == 2
    assert err.strip() == (
        "zebkb: argument COMMAND: unknown choice 'shw'; did you mean 'show'? (see 'zebkb --help')"
    )
    _, _, err = usage(capsys, tmp_path, "--lang", "en", "show")
    assert err.strip() == ("zebkb: the following arguments are required: uid (see 'zebkb --help')")
    assert not re.search(r"[\u3040-\u30ff\u3400-\u9fff]", err)


def test_the_language_of_usage_errors_comes_from_the_environment_too(
    capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("ZEBKB_LANG", "ja")
    _, _, err = usage(capsys, tmp_path, "show")
    assert err.startswith("zebkb: 次の引数が必要です: "), err
    _, _, err = usage(capsys, tmp_path, "--lang=en", "show")
    assert err.startswith("zebkb: the following arguments are required"), err


def test_argparse_is_left_as_it_was(capsys, tmp_path) -> None:
    before = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
    usage(capsys, tmp_path, "--lang", "ja", "show")
    usage(capsys, tmp_path, "--lang", "ja", "--help")
    assert (argparse._, argparse.ngettext) == before  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(prog="x")
    assert "options:" in parser.format_help()


@pytest.mark.parametrize(
    ("args", "ja", "en"),
    [
        (("report", "--pdf", "a.pdf"), "記録の UID か --fiscal-year", "give the UID of a record"),
        (
            ("report", "x", "--fiscal-year", "2024", "--pdf", "a.pdf"),
            "UID と --fiscal-year は",
            "give either a UID or --fiscal-year",
        ),
        (
            ("report", "--fiscal-year", "abc", "--pdf", "a.pdf"),
            "--fiscal-year: 年度として読めません",
            "--fiscal-year: not a fiscal year",
        ),
        (("table",), "'table' の後に 'import' か 'export' を続けてください", "table needs a"),
        (("export",), "書き出すバンドルのファイル名", "give the bundle file OUT"),
        (("export", "a.zebkb", "--max-size", "lots"), "--max-size: ", "--max-size: "),
        (("conflicts", "--settle", "x"), "--settle UID と --choose", "--settle UID and --choose"),
    ],
    ids=["report_none", "report_both", "report_year", "table", "export", "max_size", "settle"],
)
def test_zebkbs_own_usage_errors_follow_the_language(capsys, tmp_path, args, ja, en) -> None:
    assert main(["--data-dir", str(tmp_path / "kb"), "init", "--ward", "131229"]) == 0
    capsys.readouterr()
    code, _, err = usage(capsys, tmp_path, "--lang", "ja", *args)
    assert code == 2
    assert err.startswith(f"zebkb: {ja}"), err
    assert [w for w in words(err) if w not in args] == [], err  # what was typed aside
    code, _, err = usage(capsys, tmp_path, "--lang", "en", *args)
    assert code == 2
    assert err.startswith(f"zebkb: {en}"), err


def test_help_reads_in_japanese(capsys, tmp_path) -> None:
    code, out, _ = usage(capsys, tmp_path, "--lang", "ja", "--help")
    assert code == 0
    assert out.startswith("使い方: zebkb ")
    assert "オプション:" in out
    assert "この説明を表示して終了します" in out
    code, out, _ = usage(capsys, tmp_path, "--lang", "en", "--help")
    assert out.startswith("usage: zebkb ")
    assert "show this help message and exit" in out


def test_every_japanese_argparse_text_is_one_argparse_says() -> None:
    """A newer Python that rewords argparse leaves its new words untranslated: say so here."""
    from zebkb.cli.usage import ARGPARSE_JA

    source = inspect.getsource(argparse)
    for english in ARGPARSE_JA:
        assert repr(english)[1:-1] in source or english in source, english


def test_every_help_text_and_placeholder_has_its_japanese() -> None:
    from zebkb.cli.help_ja import HELP_JA, PLACEHOLDERS_JA
    from zebkb.cli.main import build_parser

    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser) -> None:
        texts = [parser.description] + [a.help for a in parser._actions]
        for action in parser._actions:
            if not action.help and not isinstance(action, argparse._SubParsersAction):
                # An option or argument without help reads as nothing in either language.
                missing.append(f"{parser.prog} {'/'.join(action.option_strings) or action.dest}")
            if isinstance(action, argparse._SubParsersAction):
                texts += [c.help for c in action._choices_actions]
                for sub in action.choices.values():
                    walk(sub)
            if isinstance(action.metavar, str) and action.metavar.isupper():
                name = action.metavar
            elif action.metavar is None and not action.option_strings and not action.choices:
                name = action.dest
            elif action.metavar is None and not action.choices and action.nargs != 0:
                name = action.dest.upper()  # an option's value, named by argparse
                if name in ("HELP", "VERSION") or action.help == argparse.SUPPRESS:
                    continue
            else:
                continue
            if name not in PLACEHOLDERS_JA:
                missing.append(name)
        for text in texts:
            if text and text != argparse.SUPPRESS and text not in HELP_JA:
                missing.append(text)

    from zebkb.cli.usage import speaking

    with speaking("en"):
        walk(build_parser())
    assert [m for m in missing if m != "show this help message and exit"] == []


def every_help(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """``--help`` of zebkb and of every command and every command's own commands."""
    found = [(*path, "--help")]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += every_help(sub, (*path, name))
    return found


@pytest.mark.parametrize("columns", [80, 60])
def test_japanese_help_fits_the_terminal_in_columns(capsys, tmp_path, monkeypatch, columns) -> None:
    """Japanese characters take two columns: help is wrapped by display width, not length."""
    from zebkb.cli.main import build_parser
    from zebkb.cli.output import width

    monkeypatch.setenv("COLUMNS", str(columns))
    too_wide: list[str] = []
    for args in every_help(build_parser()):
        code, out, _ = usage(capsys, tmp_path, "--lang", "ja", *args)
        assert code == 0, args
        assert "使い方: " in out
        too_wide += [
            f"{' '.join(args)}: {line}" for line in out.splitlines() if width(line) > columns
        ]
    assert too_wide == []


def test_japanese_help_wraps_between_words_not_inside_them() -> None:
    from zebkb.cli.output import width
    from zebkb.cli.usage import wrap_by_width

    text = (
        "検索索引を作り直し、どの記録にも属さない orphaned-files や見つからないファイルを報告します"
    )
    lines = wrap_by_width(text, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(width(line) <= 20 for line in lines)
    assert not any(line.startswith(("、", "。", "）", "」")) for line in lines)
    assert sum("orphaned-files" in line for line in lines) == 1
