"""Hostile or malformed queries are answered or refused quickly, never a crash.

Stock Whoosh took 103 s on one 100,000-character token, raised RecursionError on
1,000 nested parentheses and took 34-54 s on `*`; the bound here (2 s) is the
issue's, far above what our linear parser needs, so it does not flake.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from zebkb.search.engine import QueryError, SearchIndex, SearchResult

HOSTILE = {
    "100k token": "漢" * 100_000,
    "100k latin": "a" * 100_000,
    "1000 nested parens": "(" * 1000 + "a" + ")" * 1000,
    "400 nested parens": "(" * 400 + "清掃" + ")" * 400,
    "star": "*",
    "star a star": "*a*",
    "unbalanced quote": '"清掃事務所',
    "three quotes": '"a" "b',
    "5000 terms": " ".join(f"語{i}" for i in range(5000)),
    "100 short terms": " ".join("区" for _ in range(100)),
    "lone OR": "OR",
    "lone minus": "-",
    "operators only": "OR - OR -- |",
    "OR at edges": "OR 清掃 OR",
    "minus word": "--清掃",
    "colon soup": ":::: ward: type:",
    "control chars": "\x00\x1f清掃\x7f",
    "surrogate": "\ud800清掃",
    "empty field": "ward:",
}


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from seed_corpus import corpus_docs

    index = SearchIndex(tmp_path_factory.mktemp("hostile"))
    docs = corpus_docs(600)
    index.rebuild(docs, total=len(docs), state=1)
    yield index
    index.close()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_query_is_answered_or_refused(ix: SearchIndex, name: str) -> None:
    query = HOSTILE[name]
    start = time.perf_counter()
    outcome: SearchResult | QueryError
    try:
        outcome = ix.search(query)
    except QueryError as e:
        outcome = e
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"{name} took {elapsed:.1f} s"
    if isinstance(outcome, QueryError):
        message = str(outcome)
        assert message
        assert "\n" not in message
        assert len(message) < 200
    else:
        assert outcome.total >= len(outcome.hits)


def test_expected_outcomes(ix: SearchIndex) -> None:
    expect: dict[str, Callable[[Any], bool]] = {
        "100k token": lambda o: isinstance(o, QueryError),
        "1000 nested parens": lambda o: isinstance(o, QueryError),
        "400 nested parens": lambda o: isinstance(o, SearchResult) and o.total == 0,
        "unbalanced quote": lambda o: isinstance(o, QueryError),
        "5000 terms": lambda o: isinstance(o, QueryError),
        "lone OR": lambda o: isinstance(o, QueryError),
        "OR at edges": lambda o: isinstance(o, SearchResult) and o.total > 0,
        "star": lambda o: isinstance(o, SearchResult),
    }
    for name, check in expect.items():
        try:
            outcome: Any = ix.search(HOSTILE[name])
        except QueryError as e:
            outcome = e
        assert check(outcome), name
