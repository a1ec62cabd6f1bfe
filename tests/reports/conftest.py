"""Report tests import their kit (zebkb_report_kit.py) from this folder; a demo knowledge base."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="module")
def demo_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The demo records, loaded once per test module; tests must not change them."""
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(tmp_path_factory.mktemp("demo") / "kb") as kb:
        kb.set_home_ward("131229")
        kb.load_demo()
        yield kb
