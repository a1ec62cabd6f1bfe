"""A field filter with nothing after its colon is refused in one line, naming the field.

``tag:`` alone used to be searched as the word "tag:" and answered 0 hits, so
the missing value went unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zebkb.cli.main import main
from zebkb.search.query import QueryError, parse_query

EMPTY = [
    ("tag:", "tag:"),
    ("タグ:", "タグ:"),
    ("タグ：", "タグ:"),  # a full-width colon, as a Japanese keyboard types it
    ("facility:", "facility:"),
    ("施設:", "施設:"),
    ("ward:", "ward:"),
    ("区:", "区:"),
    ("type:", "type:"),
    ("種別:", "種別:"),
    ("rank:", "rank:"),
    ("fy:", "fy:"),
    ("年度:", "年度:"),
    ("followup:", "followup:"),
    ("後日対応:", "後日対応:"),
    ("清掃 tag:", "tag:"),
    ("tag: 清掃", "tag:"),
    ("-tag:", "tag:"),
    ("TAG:", "TAG:"),
    ('tag:""', "tag:"),
    ('facility:""', "facility:"),
    ('施設:" "', "施設:"),
]


@pytest.mark.parametrize(("query", "named"), EMPTY)
def test_an_empty_field_filter_is_refused_naming_the_field(query: str, named: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    ja, en = info.value.message("ja"), info.value.message("en")
    assert named in ja
    assert "値がありません" in ja
    assert named in en
    assert "needs a value" in en
    assert "\n" not in ja + en


@pytest.mark.parametrize("query", ["10:00", "URL:", "tag:断熱", "施設:小学校", "清掃:"])
def test_a_colon_that_is_not_an_empty_filter_is_still_searched(query: str) -> None:
    parse_query(query)


@pytest.mark.parametrize(
    ("lang", "words"), [("ja", "絞り込み タグ: のコロンの後に値がありません"), ("en", "tag:")]
)
def test_the_command_line_refuses_it_with_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, words: str
) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    capsys.readouterr()
    query = "タグ:" if lang == "ja" else "tag:"
    assert main(["--lang", lang, "--data-dir", str(data), "search", query]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert words in line
