"""Every command on the demo data, read as a person reads it, in Japanese and in English.

In Japanese no English word may be left once the record's own text, what a
person types (options, quoted commands, file names, UIDs, keys) and the names
read as they are (ZEB, PDF, …) are taken out; in English no Japanese may be
left once the records' free text is taken out. No ISO instant in either.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import zebkb_bundle_kit as kit

from zebkb.cli.main import main

ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")

# Read as they are in Japanese text (names, units, formats) or typed as they are.
READ_AS_IS = {
    "zebkb",
    "ZEB",
    "ZEH",
    "UID",
    "PDF",
    "CSV",
    "JSON",
    "Excel",
    "SHA",
    "SQLite",
    "PostgreSQL",
    "URL",
    "PC",
    "ID",
    "kB",
    "KB",
    "MB",
    "GB",
    "MiB",
    "ZIP",
    "BEI",
    "BELS",
    "Ready",
    "Nearly",
    "Oriented",
}

TYPED = re.compile(
    r"(?:https?|postgresql)://\S+"  # addresses
    r"|[~\w./-]*\.pgpass|\bbase64\b|\bA4\b"  # a file, a format and a paper size, by name
    r"|'[^'\n]*'"  # a command or value in quotes, as typed
    r"|(?<![\w-])--?[a-z][a-z0-9-]*"  # options
    r"|\{[a-z0-9,-]+\}"  # choices in a usage line
    r"|[\w./-]*\.(?:zebkb|zip|pdf|xlsx|csv|json|eml|sqlite3)\b"  # file names
    r"|[0-9a-f]{8}-[0-9a-f-]{27,}"  # UIDs
    r"|\([0-9a-f]{8}\)"  # a linked record's uid, shortened, beside its title
    r"|\b(?:table|import|export)-[0-9a-f-]+"  # a list import's id
    r"|\b[0-9a-f]{12}\b"  # a version's hash, shortened
    r"|\b[0-9a-f]{4}(?: [0-9a-f]{4}){4}\b"  # a key's fingerprint
    r"|[A-Za-z0-9+/]{43}="  # a public key
    r"|\b\d+(?:\.\d+)?[A-Za-z]+\b"  # sizes as typed: 10MB
    r"|\$[A-Z_]+"  # environment variables
    r"|\b[A-Z]{1,3}(?=列)"  # a spreadsheet's column, as Excel names it (C列)
    r"|\[[a-z_.]+\]$"  # a warning's code, for scripts (README: add)
)


def typed_words() -> set[str]:
    """The commands' names and the values their options take: typed as they are."""
    import argparse

    from zebkb.cli.main import build_parser

    words: set[str] = set()

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            for choice in action.choices or ():
                words.update(str(choice).split("-"))
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)

    walk(build_parser())
    return words


# A ward's public key, as 'zebkb key show' prints it there.
KEY = "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik="


def help_commands() -> list[tuple[str, ...]]:
    """``--help`` of every command and of every command's own commands (key show, …)."""
    import argparse

    from zebkb.cli.main import build_parser

    found: list[tuple[str, ...]] = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append((*path, name, "--help"))
                    walk(sub, (*path, name))

    walk(build_parser(), ())
    return found


def record_texts(data: Path, *, free_text_only: bool) -> list[str]:
    """The records' own strings (their lines), longest first: data, not zebkb's words."""
    from zebkb.domain.fields import FieldType, fields_for
    from zebkb.domain.vocab import FIELD_VOCABULARY_NAMES
    from zebkb.service import KnowledgeBase

    texts: set[str] = set()

    def take(value: Any) -> None:
        if isinstance(value, str):
            texts.update(line.strip() for line in value.splitlines() if line.strip())
        elif isinstance(value, list):
            for v in value:
                take(v)
        elif isinstance(value, dict):
            for v in value.values():
                take(v)

    free = (FieldType.STRING, FieldType.TEXT, FieldType.STRING_LIST, FieldType.ROWS)
    with KnowledgeBase.open(data) as kb:
        for row in kb.list_records():
            record = kb.require(row.uid)
            for decl in fields_for(record["type"]):
                value = record.get(decl.name)
                if decl.type == FieldType.ATTACHMENTS:
                    take([a.get("filename") for a in value or []])
                elif not free_text_only or (
                    decl.type in free and decl.name not in FIELD_VOCABULARY_NAMES
                ):
                    take(value)
    # Short ones ("ZEB", a tag) would cut words of zebkb's own apart.
    return sorted((t for t in texts if len(t) >= 5 or not t.isascii()), key=len, reverse=True)


def leftovers_ja(text: str, data_texts: list[str], tmp: Path, typed: set[str]) -> list[str]:
    text = re.sub(re.escape(str(tmp)) + r"[\w./-]*", " ", text)  # paths under the test folder
    for value in data_texts:
        text = text.replace(value, " ")
    text = TYPED.sub(" ", text)
    return [w for w in re.findall(r"[A-Za-z]+", text) if w not in READ_AS_IS | typed]


def test_the_sweep_finds_english_in_japanese_and_japanese_in_english(tmp_path) -> None:
    """The checks themselves: what they take out, and what they leave."""
    typed = {"show"}
    said = "zebkb: warning: 'zebkb show' --json a.pdf 1e5e11fa-c960-4e4d-8a9d-19bc827e7a35\n"
    assert leftovers_ja(said, [], tmp_path, typed) == ["warning"]
    assert leftovers_ja("ZEB Ready の事例 r2\n", [], tmp_path, typed) == ["r"]
    assert leftovers_en("Case · 区立小学校 Ward: 葛飾区\n", ["区立小学校"], tmp_path, typed) == [
        "葛飾区"
    ]


def leftovers_en(text: str, data_texts: list[str], tmp: Path, typed: set[str]) -> list[str]:
    text = re.sub(re.escape(str(tmp)) + r"[\w./-]*", " ", text)  # paths under the test folder
    # A search hit's snippet is a cut of the record's own text.
    text = "\n".join(line for line in text.splitlines() if not line.startswith("         "))
    for value in data_texts:
        text = text.replace(value, " ")
    return re.findall(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]\S*", TYPED.sub(" ", text))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("sweep") / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    assert main(["--data-dir", str(data), "demo"]) == 0
    return data


def journey(data: Path, tmp: Path, lang: str) -> tuple[list[tuple[str, int, str]], list[str]]:
    """Each command a person runs with what it printed (stdout and stderr); the records' texts."""
    import contextlib
    import io

    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--data-dir", str(data), "--lang", lang, *args])
            except SystemExit as exc:
                code = int(exc.code or 0)
        return code, out.getvalue(), err.getvalue()

    _, listed, _ = run("list", "--json")
    by_type: dict[str, str] = {}
    for row in json.loads(listed):
        by_type.setdefault(row["type"], row["uid"])
    case = by_type["case"]
    (tmp / "add.json").write_text(
        json.dumps(
            {
                "type": "case",
                "title": "区立テスト小学校",
                "ward": "葛飾区",
                "facility_name": "区立テスト小学校",
                "project_type": "new",
                "zeb_rank": "ZEB Ready",
                "bei": 0.9,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    headers = ["種別", "区", "施設名", "タイトル", "新築・改修"]
    (tmp / "in.csv").write_text(
        ",".join(headers) + "\n事例,葛飾区,区立一覧小学校,区立一覧小学校,新築\n", encoding="utf-8"
    )
    unsigned = kit.write(tmp / "unsigned.zebkb", records=[kit.case(ward="131091")])

    commands: list[tuple[str, ...]] = [
        ("--help",),
        *help_commands(),
        ("shw",),
        ("list",),
        ("list", "--fiscal-year", "2024"),
        *(("show", uid) for uid in by_type.values()),
        ("restore", case, "1"),
        ("history", case),
        ("add", str(tmp / "add.json")),
        ("search", "ZEB", "--limit", "3"),
        ("reindex",),
        ("check",),
        ("check", "--repair"),
        ("check", "--deep"),
        ("report", case, "--pdf", str(tmp / "case.pdf")),
        ("report", "--fiscal-year", "2024", "--pdf", str(tmp / "fy.pdf")),
        ("table", "export", str(tmp / "list.xlsx")),
        ("table", "export", str(tmp / "list.csv"), "--type", "case", "--date-style", "japanese"),
        ("table", "import", str(tmp / "in.csv"), "--dry-run"),
        ("table", "import", str(tmp / "in.csv")),
        ("export", str(tmp / "out.zebkb")),
        ("export", str(tmp / "parts.zebkb"), "--max-size", "20kB", "--no-sign"),
        ("export", "--eml", str(tmp / "mail")),
        ("import", str(tmp / "out.zebkb"), "--dry-run"),
        ("import", str(unsigned)),
        ("conflicts",),
        ("key", "show"),
        ("key", "list"),
        ("key", "require"),
        ("key", "trust", KEY, "--ward", "品川区", "--note", "電話で確認"),
        ("key", "list"),
        ("key", "revoke", KEY),
        ("undo-import", "{table import}"),
        ("demo",),
        ("backup",),
        ("backup", "--list"),
        ("show", "zzzzzzzz"),
        ("add", str(tmp / "none.json")),
        ("import", str(tmp / "none.zebkb")),
        ("migrate", "--to-sqlite", str(tmp / "moved")),
    ]
    ran = []
    for given in commands:
        args = given
        if "{table import}" in given:  # the id the list import said to undo it with
            undo = re.search(r"undo-import (table-[0-9a-f-]+)", "".join(o for _, _, o in ran))
            assert undo, ran
            args = ("undo-import", undo.group(1))
        code, out, err = run(*args)
        ran.append((" ".join(args).replace(str(tmp), "…"), code, out + err))
    # Before the backup puts back fewer records than were printed.
    texts = record_texts(data, free_text_only=lang == "en")
    texts += [f"({h})" for h in headers]  # the list's own headers name its columns
    texts += ["区立一覧小学校", "電話で確認"]  # typed in: the list's row (undone), the key's note
    texts.sort(key=len, reverse=True)
    backups = sorted((data / "backups").glob("*.zip"))
    code, out, err = run("restore-backup", str(backups[-1]), "--yes")
    ran.append(("restore-backup", code, out + err))
    return ran, texts


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_command_speaks_one_language(demo, tmp_path, lang) -> None:
    data = tmp_path / "kb"
    shutil.copytree(demo, data)
    found: list[str] = []
    ran, texts = journey(data, tmp_path, lang)
    commands = typed_words()
    for command, _code, printed in ran:
        if ISO_INSTANT.search(printed):
            found.append(f"{command}: an ISO instant: {printed.strip()[:200]}")
        typed = commands | set(command.split())
        left = (leftovers_ja if lang == "ja" else leftovers_en)(printed, texts, tmp_path, typed)
        if left:
            found.append(f"{command}: {sorted(set(left))} in:\n{printed.strip()[:600]}")
    assert not found, "\n\n".join(found)
