"""Every English query error is a sentence: it starts with a capital letter.

"nothing to search for in '-'..." read as a fragment beside the window's other
messages. The Japanese lines are checked for English words at the same time.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import zebkb.search.query as query_module
from zebkb.cli.main import main
from zebkb.search.query import QueryError, parse_query

# One query for each way parse_query refuses (the test below checks none is missed).
BAD = {
    "unknown type": "type:memo",
    "unknown ward": "ward:どこか区",
    "bad fiscal year": "fy:someday",
    "too long": "x" * 1001,
    "unbalanced quote": '"清掃',
    "too many terms": " ".join(["語"] * 40),
    "nothing to search for": "-",
    "nothing but OR": "OR",
    "empty filter": "tag:",
    "empty quoted filter": 'ward:""',
    "followup value": "followup:tomorrow",
}
LATIN_WORD = re.compile(r"\b(?:the|query|filter|needs|nothing|unknown|use|not|takes)\b", re.I)


def _refusal(query: str) -> QueryError:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    return info.value


@pytest.mark.parametrize("query", BAD.values(), ids=BAD.keys())
def test_every_english_query_error_starts_with_a_capital(query: str) -> None:
    error = _refusal(query)
    en = error.message("en")
    assert en[:1].isupper(), en
    assert str(error) == en
    ja = error.message("ja")
    assert not LATIN_WORD.search(ja.split("。")[0]), ja


def test_every_refusal_in_query_py_is_covered_and_written_as_a_sentence() -> None:
    """Each QueryError(...) in the module: its English text, where written there, starts
    with a capital; one taken from elsewhere (wards, dates) is checked through BAD."""
    tree = ast.parse(Path(query_module.__file__).read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "QueryError"
    ]
    for call in calls:
        first = call.args[0]
        while isinstance(first, ast.BinOp):  # "..." + _VARIANTS_EN
            first = first.left
        if isinstance(first, ast.JoinedStr):
            first = first.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            assert first.value[:1].isupper(), (call.lineno, first.value)
    # Nine places refuse today; a new one gets a query in BAD above, then this count.
    assert len(calls) == 9, "a refusal was added to query.py: add a query for it to BAD"


def test_a_message_from_elsewhere_is_made_a_sentence_too() -> None:
    assert QueryError("unknown ward: 'x'", "区 'x' が見つかりません").message("en") == (
        "Unknown ward: 'x'"
    )


def test_the_command_line_and_its_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "kb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "--data-dir", str(data), "search", "--", "-"]) == 3
    line = capsys.readouterr().err.strip()
    assert line.startswith("zebkb: Query refused: Nothing to search for"), line
