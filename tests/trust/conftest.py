"""Trust tests: two real knowledge bases (a sender and a receiver) and a signed bundle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from zebkb_testing import KATSUSHIKA, SHINAGAWA, case_record


@pytest.fixture
def sender(tmp_path: Path, clock) -> Iterator:
    """Katsushika, with a case (and its photo) and a study session."""
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(tmp_path / "katsushika", clock=clock) as kb:
        kb.set_home_ward(KATSUSHIKA)
        case = kb.save(case_record())
        photo = tmp_path / "photo.jpg"
        photo.write_bytes(bytes(range(256)) * 40)
        kb.add_attachment(case["uid"], photo, caption="外観")
        kb.save(
            {"type": "session", "title": "ZEB勉強会", "ward": KATSUSHIKA, "held_on": "2024-11-05"}
        )
        clock.advance(minutes=5)
        yield kb


@pytest.fixture
def receiver(tmp_path: Path, clock) -> Iterator:
    """Shinagawa, empty."""
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(tmp_path / "shinagawa", clock=clock) as kb:
        kb.set_home_ward(SHINAGAWA)
        yield kb


@pytest.fixture
def signed_bundle(sender, tmp_path: Path) -> Path:
    """A full export from the sender, signed with its own key (the default)."""
    from zebkb.service.exchange import export_bundle

    return export_bundle(sender, tmp_path / "out" / "katsushika.zebkb").paths[0]
