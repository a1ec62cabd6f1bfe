"""Follow-ups past their due date on the command line: marked in `show`, found by `list --overdue`.

The command line's knowledge base runs on this computer's clock, so the records' dates
(tests/zebkb_overdue_kit.py) are far in the past (always overdue) or far in the future
(never): no test depends on the day it runs. format_record takes the day outright.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from zebkb_overdue_kit import NEVER_DUE, OVERDUE_VISIT, OVERDUE_VISIT_ANY_DAY

from zebkb.cli.main import main
from zebkb.cli.records import format_record


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "kb"
    assert main(["--data-dir", str(folder), "init", "--ward", "131229"]) == 0
    source = tmp_path / "records.json"
    source.write_text(
        json.dumps([OVERDUE_VISIT_ANY_DAY, NEVER_DUE], ensure_ascii=False), encoding="utf-8"
    )
    assert main(["--data-dir", str(folder), "add", str(source)]) == 0
    capsys.readouterr()
    return folder


def test_list_overdue_finds_only_records_with_follow_ups_past_due(data, capsys) -> None:
    code, out, _ = run(capsys, data, "--lang", "ja", "list", "--overdue")
    assert code == 0
    (line,) = out.splitlines()
    assert "清掃事務所視察の受入" in line
    assert line.endswith("【期限切れ】後日対応 2件（期限 2000年1月）")
    code, out, _ = run(capsys, data, "--lang", "en", "list", "--overdue", "--json")
    (row,) = json.loads(out)
    assert (row["title"], row["overdue_follow_ups"], row["earliest_due"]) == (
        "清掃事務所視察の受入",
        2,
        "2000-01",
    )
    code, out, _ = run(capsys, data, "--lang", "en", "list", "--overdue", "--type", "session")
    assert out.strip() == "no follow-ups are past their due date"


def test_show_marks_each_overdue_follow_up(data, capsys) -> None:
    _, out, _ = run(capsys, data, "list", "--type", "visit", "--json")
    uid = json.loads(out)[0]["uid"]
    _, out, _ = run(capsys, data, "--lang", "ja", "show", uid)
    assert out.count("【期限切れ】") == 2
    assert "【期限切れ】内容: 資料の送付" in out
    assert "【期限切れ】内容: 礼状" not in out  # done
    _, out, _ = run(capsys, data, "--lang", "en", "show", uid)
    assert "[Overdue] What: 資料の送付" in out


def test_format_record_marks_by_the_day_it_is_given() -> None:
    record = OVERDUE_VISIT  # 資料の送付 due 2025-02, 礼状 done
    assert format_record(record, "ja", today=date(2025, 3, 1)).count("【期限切れ】") == 1
    assert "【期限切れ】" not in format_record(record, "ja", today=date(2025, 2, 28))
    assert "【期限切れ】" not in format_record(record, "ja")  # no day: nothing is judged


def test_search_takes_the_same_filter_as_the_window(data, capsys) -> None:
    """`search --overdue` (the window's chip) and the query word, in either language."""
    for args in (
        ("search", "--overdue", "清掃事務所"),
        ("search", "後日対応:期限切れ"),
        ("search", "followup:overdue 視察"),
    ):
        code, out, _ = run(capsys, data, "--lang", "ja", *args)
        assert code == 0, args
        assert out.splitlines()[0] == "1 件見つかりました", (args, out)
        assert "清掃事務所視察の受入" in out, args
        assert "ZEB勉強会" not in out, args
    code, out, _ = run(capsys, data, "--lang", "en", "search", "--json", "--", "-followup:overdue")
    assert [h["title"] for h in json.loads(out)["hits"]] == ["ZEB勉強会"]
    code, out, err = run(capsys, data, "--lang", "ja", "search", "後日対応:済み")
    assert code == 3
    assert out == ""
    assert err.strip().splitlines() == [
        "zebkb: 検索語を受け付けられません: 後日対応: に指定できるのは 期限切れ だけです"
        "（'済み' は使えません）"
    ]


def test_a_query_that_starts_with_a_minus_is_a_query_not_an_option(data, capsys) -> None:
    """`zebkb search -後日対応:期限切れ` (the README's own example) and `zebkb search -ZEB`
    were refused by argparse as unknown options (exit 2)."""
    code, out, err = run(capsys, data, "--lang", "ja", "search", "-後日対応:期限切れ", "--json")
    assert (code, err) == (0, "")
    assert [h["title"] for h in json.loads(out)["hits"]] == ["ZEB勉強会"]
    code, out, err = run(capsys, data, "--lang", "ja", "search", "--json", "-清掃")
    assert (code, err) == (0, "")
    assert [h["title"] for h in json.loads(out)["hits"]] == ["ZEB勉強会"]
    # Words need no quotes, wherever they stand among the options.
    code, out, err = run(capsys, data, "--lang", "ja", "search", "清掃", "--json", "視察")
    assert (code, err) == (0, "")
    assert [h["title"] for h in json.loads(out)["hits"]] == ["清掃事務所視察の受入"]
    # Options are still options, and a value after one is still its value.
    with pytest.raises(SystemExit) as done:
        run(capsys, data, "--lang", "ja", "search", "-h")
    assert done.value.code == 0
    assert "使い方: zebkb search" in capsys.readouterr().out
    for limit in ("--limit", "--lim"):  # an abbreviation too, as argparse reads it
        code, _, err = run(capsys, data, "--lang", "ja", "search", "ZEB", limit, "-1")
        assert code == 3
        assert "--limit には 1 以上の数を指定してください" in err
