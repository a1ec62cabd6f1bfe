"""Another ward's knowledge base (Shinagawa) to exchange with, and conflicts with it.

A pytest plugin (registered in tests/conftest.py): the fixture ``peer`` is there for
every test; import only the helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from zebkb_bundle_kit import SHINAGAWA
from zebkb_testing import FakeClock, case_record


@pytest.fixture
def peer(tmp_path: Path) -> Iterator[Any]:
    """Another ward's knowledge base (Shinagawa), on a clock of its own, to export from."""
    from zebkb.service import KnowledgeBase

    with KnowledgeBase.open(tmp_path / "peer", clock=FakeClock()) as base:
        base.set_home_ward(SHINAGAWA)
        yield base


def make_conflicts(kb: Any, peer: Any, tmp_path: Path, n: int = 1) -> list[str]:
    """``n`` records both wards edited after they last agreed; the peer's edit arrives in ``kb``.

    Shinagawa changes the title and the floor area; this ward the title, the BEI and the tags.
    """
    from zebkb.service.exchange import export_bundle, import_bundle

    uids = []
    for i in range(n):
        record = peer.save(
            case_record(ward=SHINAGAWA, title=f"共有の事例{i}", floor_area_m2=1000.0, tags=["共有"])
        )
        uids.append(record["uid"])
    import_bundle(kb, export_bundle(peer, tmp_path / "base.zebkb").paths[0])
    peer.clock.advance(minutes=10)
    kb.clock.advance(minutes=5)
    for uid in uids:
        peer.save(dict(peer.require(uid), title="品川区の件名", floor_area_m2=1200.0))
        kb.save(dict(kb.require(uid), title="葛飾区の件名", bei=0.45, tags=["共有", "葛飾"]))
    import_bundle(kb, export_bundle(peer, tmp_path / "edit.zebkb").paths[0])
    return uids
