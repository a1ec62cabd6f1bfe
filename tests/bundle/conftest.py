"""This suite runs on both engines: each test that opens ``kb`` (or ``new_kb_dir``)
runs once on SQLite and once on PostgreSQL (a throwaway server, tests/zebkb_pg_kit.py)."""

from __future__ import annotations

import pytest
from zebkb_pg_kit import ENGINES


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)
