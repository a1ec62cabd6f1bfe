"""`zebkb check` says what is wrong with a damaged search index in words, not as a class name.

It used to print 検索索引: 壊れています（FileNotFoundError）.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from zebkb.cli.main import main

CLASS_NAME = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Error|Exception)\b")


def _generation(data: Path) -> Path:
    index = data / "index"
    return index / (index / "CURRENT").read_text().strip()


def _no_texts(data: Path) -> None:
    (_generation(data) / "docs.sqlite").unlink()


def _truncated_texts(data: Path) -> None:
    texts = _generation(data) / "docs.sqlite"
    texts.write_bytes(texts.read_bytes()[:1000])


def _no_word_index(data: Path) -> None:
    whoosh = _generation(data) / "whoosh"
    shutil.rmtree(whoosh)
    whoosh.mkdir()


DAMAGE = {
    "texts missing": (_no_texts, "記録の本文のファイルがありません", "file of record texts"),
    "texts truncated": (_truncated_texts, "記録の本文のファイル", "file of record texts"),
    "word index gone": (_no_word_index, "語の索引のファイルがありません", "word index has no"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "kb"
    assert main(["--data-dir", str(data), "demo"]) == 0
    return data


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_check_names_the_damage_in_words(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    damage, ja, en = DAMAGE[kind]
    data = tmp_path / "kb"
    shutil.copytree(demo, data)
    damage(data)
    capsys.readouterr()
    assert main(["--lang", "ja", "--data-dir", str(data), "check"]) != 0
    out_ja = capsys.readouterr().out
    assert main(["--lang", "en", "--data-dir", str(data), "check"]) != 0
    out_en = capsys.readouterr().out
    index_ja = [line for line in out_ja.splitlines() if "検索索引" in line]
    index_en = [line for line in out_en.splitlines() if "search index" in line]
    assert index_ja, out_ja
    assert index_en, out_en
    assert any(ja in line for line in index_ja), out_ja
    assert any(en in line for line in index_en), out_en
    for line in index_ja + index_en:
        assert not CLASS_NAME.search(line), line
    for line in index_en:  # the heading once: "search index: search index is damaged" read twice
        assert line.count("search index") == 1, line
    for line in index_ja:
        assert not re.search(r"[A-Za-z]{3,}", line.replace("zebkb reindex", "")), line


@pytest.mark.parametrize(
    ("error", "ja"),
    [
        (
            FileNotFoundError(2, "No such file", "/x/index/gen-3/docs.sqlite"),
            "記録の本文のファイルがありません",
        ),
        (
            FileNotFoundError(2, "No such file", "/x/index/CURRENT"),
            "使用中の索引を示すファイルがありません",
        ),
        (
            FileNotFoundError(2, "No such file", "/x/gen-3/whoosh/MAIN_1.toc"),
            "語の索引のファイルがありません",
        ),
        (PermissionError(13, "Permission denied", "/x/gen-3/docs.sqlite"), "読む権限がありません"),
        (sqlite3.DatabaseError("file is not a database"), "記録の本文のファイルが壊れています"),
        (ValueError("bad magic"), "ファイルを索引として読めません"),
    ],
)
def test_each_fault_reads_in_both_languages(error: BaseException, ja: str) -> None:
    from zebkb.search.faults import fault_words

    words_en, words_ja = fault_words(error)
    assert ja in words_ja
    assert not re.search(r"[A-Za-z]{3,}", words_ja), words_ja
    assert not CLASS_NAME.search(words_en), words_en
    assert words_en.isascii(), words_en
