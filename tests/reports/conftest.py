"""Report tests: a demo knowledge base (their kit is tests/zebkb_report_kit.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from zebkb_pg_kit import ENGINES


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """Tests that open ``kb`` run on both engines (the home screen's counts are SQL)."""
    return str(request.param)


@pytest.fixture(scope="module")
def demo_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The demo records, loaded once per test module; tests must not change them."""
    from zebkb_testing import FakeClock

    from zebkb.service import KnowledgeBase

    # A fixed clock: a sheet written twice is the same bytes (its creation date included).
    with KnowledgeBase.open(tmp_path_factory.mktemp("demo") / "kb", clock=FakeClock()) as kb:
        kb.set_home_ward("131229")
        kb.load_demo()
        yield kb
