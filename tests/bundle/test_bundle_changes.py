"""What exchange writes report as changed: export, import, settle, undo, keys."""

from __future__ import annotations

import pytest
import zebkb_bundle_kit as kit

from zebkb.keys import own_key
from zebkb.service import Changes, KnowledgeBase
from zebkb.service.exchange import export_bundle, import_bundle, settle_conflict, undo_import
from zebkb.service.keys import revoke_key, set_require_signatures, trust_key


@pytest.fixture
def other(new_kb_dir, clock) -> KnowledgeBase:
    with KnowledgeBase.open(new_kb_dir("shinagawa"), clock=clock) as base:
        base.set_home_ward(kit.SHINAGAWA)
        yield base


def test_exchange_writes_report_their_changes(kb, other, tmp_path, clock) -> None:
    record = kb.save(kit.case(uid=None, title="元"))
    exported = export_bundle(kb, tmp_path / "1.zebkb")
    assert exported.changes.exchange_log
    assert not exported.changes.records
    imported = import_bundle(other, exported.paths[0])
    assert imported.changes.all_records
    assert imported.changes.exchange_log
    assert imported.changes.records == {record["uid"]}
    assert not imported.changes.conflicts
    # Edited on both sides: the second import opens a conflict.
    clock.advance(minutes=1)
    kb.save({**kb.require(record["uid"]), "title": "葛飾"})
    clock.advance(minutes=1)
    other.save({**other.require(record["uid"]), "title": "品川"})
    again = import_bundle(kb, export_bundle(other, tmp_path / "2.zebkb").paths[0])
    assert again.changes.conflicts
    with kb.track_changes() as seen:
        settled = settle_conflict(kb, record["uid"], "local")
    assert settled.changes.conflicts
    assert settled.changes.records == {record["uid"]}
    assert seen.changes == settled.changes
    # Edited since, the record stays as it is; the log and the conflicts may still change.
    undone = undo_import(other, imported.plan.bundle_id)
    assert undone.skipped == [record["uid"]]
    assert undone.changes.all_records
    assert undone.changes.exchange_log
    assert not undone.changes.records


def test_key_writes_report_keys(kb, other) -> None:
    key = own_key(other.data_dir).public_key
    with kb.track_changes() as seen:
        trust_key(kb, key, kit.SHINAGAWA)
    assert seen.changes == Changes(keys=True)
    revoke_key(kb, key)
    assert kb.last_changes == Changes(keys=True)
    set_require_signatures(kb, True)
    assert kb.last_changes == Changes(keys=True, settings=True)


def test_settling_is_one_transaction(kb, other, tmp_path, clock, monkeypatch) -> None:
    """A failure after the new revision is written leaves neither it nor a closed conflict."""
    from zebkb.service.exchange import list_conflicts
    from zebkb.store import exchange as logs

    record = kb.save(kit.case(uid=None, title="元"))
    import_bundle(other, export_bundle(kb, tmp_path / "1.zebkb").paths[0])
    clock.advance(minutes=1)
    kb.save({**kb.require(record["uid"]), "title": "葛飾"})
    clock.advance(minutes=1)
    other.save({**other.require(record["uid"]), "title": "品川"})
    import_bundle(kb, export_bundle(other, tmp_path / "2.zebkb").paths[0])
    before = kb.require(record["uid"])
    versions = len(kb.history(record["uid"]))

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(logs, "settle_conflicts", crash)
    with pytest.raises(OSError, match="power cut"):
        settle_conflict(kb, record["uid"], "local")
    assert kb.require(record["uid"]) == before
    assert len(kb.history(record["uid"])) == versions
    assert [c.uid for c in list_conflicts(kb)] == [record["uid"]]
    monkeypatch.undo()
    assert settle_conflict(kb, record["uid"], "local")["title"] == "葛飾"
    assert list_conflicts(kb) == []
