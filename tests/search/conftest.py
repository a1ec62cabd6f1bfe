"""Fixtures for the search tests: index folders and a corpus built from the seed documents.

Tests that open ``kb`` (or ``new_kb_dir``) run on both engines, as in tests/core: the index
is the same Whoosh folder either way, but what feeds it (records, attachments, the change
log) comes from SQLite or from a throwaway PostgreSQL server (tests/zebkb_pg_kit.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from zebkb_pg_kit import ENGINES

from zebkb.search.documents import IndexDoc, doc_from_record
from zebkb.search.engine import SearchIndex

_counter = iter(range(1, 10**9))


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make_record(**fields: Any) -> dict[str, Any]:
    """A minimal valid case record; override any field."""
    n = next(_counter)
    record: dict[str, Any] = {
        "uid": f"00000000-0000-4000-8000-{n:012d}",
        "type": "case",
        "origin": "131229",
        "created_at": "2024-05-01T09:00:00+09:00",
        "updated_at": f"2024-05-01T09:{n % 60:02d}:00+09:00",
        "revision": 1,
        "title": "無題",
        "ward": "131229",
        "facility_name": "施設",
        "project_type": "new",
    }
    record.update(fields)
    return record


@pytest.fixture
def build_index(tmp_path: Path) -> Iterator[Callable[..., SearchIndex]]:
    """Build an index from records (dicts); closed at the end of the test."""
    opened: list[SearchIndex] = []

    def build(*records: dict[str, Any], folder: str = "index") -> SearchIndex:
        ix = SearchIndex(tmp_path / folder)
        docs: list[IndexDoc] = [doc_from_record(r) for r in records]
        ix.rebuild(docs, total=len(docs), state=1)
        opened.append(ix)
        return ix

    yield build
    for ix in opened:
        ix.close()


@pytest.fixture(name="make_record")
def make_record_fixture() -> Callable[..., dict[str, Any]]:
    return make_record
