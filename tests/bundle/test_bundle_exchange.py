"""Export and import between real knowledge bases: merges, conflicts, history, undo, deltas."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit
from sqlmodel import Session, select

from zebkb.bundle.errors import BundleError
from zebkb.bundle.merge import Action
from zebkb.domain.canonical import record_hash
from zebkb.service import KnowledgeBase
from zebkb.service.exchange import (
    apply_import,
    export_bundle,
    import_bundle,
    list_conflicts,
    plan_import,
    settle_conflict,
    undo_import,
)
from zebkb.store.models import HistoryRow, RecordRow


@pytest.fixture
def other(new_kb_dir, clock) -> KnowledgeBase:
    with KnowledgeBase.open(new_kb_dir("shinagawa"), clock=clock) as base:
        base.set_home_ward(kit.SHINAGAWA)
        yield base


def snapshot(kb: KnowledgeBase) -> dict:
    """Everything an import may change: rows, history, agreed hashes, files."""
    with Session(kb.engine) as session:
        rows = {r.uid: (r.hash, r.agreed_hash) for r in session.exec(select(RecordRow))}
        history = sorted((h.uid, h.hash) for h in session.exec(select(HistoryRow)))
    files = sorted(p.name for p in (kb.data_dir / "attachments").rglob("*") if p.is_file())
    return {"rows": rows, "history": history, "files": files, "state": kb.change_state()}


def later(clock) -> str:
    return (clock() + timedelta(hours=1)).isoformat()


def currents(kb: KnowledgeBase) -> dict[str, dict]:
    return {s.uid: kb.get(s.uid) for s in kb.list_records(include_deleted=True)}


def new_case(kb: KnowledgeBase, title: str = "清掃事務所のZEB化", **over) -> dict:
    data = {
        "type": "case",
        "title": title,
        "ward": kit.KATSUSHIKA,
        "facility_name": "清掃事務所",
        "project_type": "new",
    }
    data.update(over)
    return kb.save(data)


def edit(kb: KnowledgeBase, uid: str, **changes) -> dict:
    record = kb.require(uid)
    return kb.save({**record, **changes}, expected_revision=record["revision"])


def test_full_export_import_gives_the_same_records(kb, other, tmp_path: Path, clock) -> None:
    first = new_case(kb)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(os.urandom(20_000))
    kb.add_attachment(first["uid"], photo, caption="外観")
    kb.save({"type": "visit", "title": "視察", "ward": kit.KATSUSHIKA, "visited_on": "2024-10-21"})
    gone = new_case(kb, "削除する事例")
    kb.delete(gone["uid"])
    clock.advance(minutes=5)

    result = export_bundle(kb, tmp_path / "out" / "all.zebkb")
    assert result.records == 3
    assert result.attachments == 1
    summary = import_bundle(other, result.paths[0]).as_json()
    # Exports are signed by default; ``other`` has not trusted this key.
    assert (summary["added"], summary["origin"], summary["signature"]) == (
        3,
        kit.KATSUSHIKA,
        "untrusted",
    )
    assert currents(other) == currents(kb)
    sha = kb.require(first["uid"])["attachments"][0]["sha256"]
    assert other.files.path(sha).read_bytes() == photo.read_bytes()
    # Times from the bundle are kept: nothing restamped on import.
    assert other.require(first["uid"])["updated_at"] == kb.require(first["uid"])["updated_at"]
    assert [s.uid for s in other.search("清掃事務所").hits] == [first["uid"]]


def test_importing_twice_changes_nothing(kb, other, tmp_path: Path) -> None:
    new_case(kb)
    path = export_bundle(kb, tmp_path / "a.zebkb").paths[0]
    import_bundle(other, path)
    before = snapshot(other)
    again = import_bundle(other, path).as_json()
    assert again["unchanged"] == 1
    assert again["added"] == again["updated"] == 0
    assert snapshot(other) == before


def test_dry_run_changes_nothing(kb, other, tmp_path: Path) -> None:
    new_case(kb)
    path = export_bundle(kb, tmp_path / "a.zebkb").paths[0]
    before = snapshot(other)
    summary = import_bundle(other, path, dry_run=True)
    assert summary.as_json()["added"] == 1
    assert snapshot(other) == before


def test_newer_wins_older_is_kept_and_both_stay_in_history(kb, other, tmp_path, clock) -> None:
    record = new_case(kb)
    import_bundle(other, export_bundle(kb, tmp_path / "1.zebkb").paths[0])
    clock.advance(minutes=1)
    newer = edit(kb, record["uid"], title="改修後の件名")
    summary = import_bundle(other, export_bundle(kb, tmp_path / "2.zebkb").paths[0])
    assert [r["action"] for r in summary.as_json()["records"]] == ["updated"]
    assert other.require(record["uid"]) == newer
    # The old bundle again: the local version wins and nothing changes.
    assert import_bundle(other, tmp_path / "1.zebkb").as_json()["records"][0]["action"] == "kept"
    assert {v.hash for v in other.history(record["uid"])} == {
        record_hash(record),
        record_hash(newer),
    }


def test_conflict_listed_loser_in_history_and_settled(kb, other, tmp_path, clock) -> None:
    record = new_case(kb)
    import_bundle(other, export_bundle(kb, tmp_path / "1.zebkb").paths[0])
    clock.advance(minutes=1)
    ours = edit(kb, record["uid"], title="葛飾区の編集")
    clock.advance(minutes=1)
    theirs = edit(other, record["uid"], title="品川区の編集")
    summary = import_bundle(kb, export_bundle(other, tmp_path / "2.zebkb").paths[0]).as_json()
    assert summary["conflicts"] == 1
    assert summary["records"][0]["action"] == "updated"
    assert kb.require(record["uid"]) == theirs
    (conflict,) = list_conflicts(kb)
    assert (conflict.local, conflict.incoming) == (ours, theirs)
    assert record_hash(ours) in {v.hash for v in kb.history(record["uid"])}
    # Settling with our version brings it back as a new revision that wins everywhere.
    settled = settle_conflict(kb, record["uid"], "local")
    assert settled["title"] == "葛飾区の編集"
    assert settled["revision"] == theirs["revision"] + 1
    assert list_conflicts(kb) == []
    import_bundle(other, export_bundle(kb, tmp_path / "3.zebkb").paths[0])
    assert other.require(record["uid"]) == settled


def test_settle_with_the_current_version_needs_no_new_revision(kb, other, tmp_path, clock) -> None:
    record = new_case(kb)
    import_bundle(other, export_bundle(kb, tmp_path / "1.zebkb").paths[0])
    clock.advance(minutes=1)
    edit(kb, record["uid"], title="A")
    clock.advance(minutes=1)
    theirs = edit(other, record["uid"], title="B")
    import_bundle(kb, export_bundle(other, tmp_path / "2.zebkb").paths[0])
    assert settle_conflict(kb, record["uid"], "incoming") == theirs
    assert list_conflicts(kb) == []


def test_no_conflict_without_a_common_version(kb, other, tmp_path, clock) -> None:
    record = new_case(kb)
    path = tmp_path / "hand.zebkb"
    rival = {**record, "title": "別の版", "updated_at": later(clock), "revision": 2}
    kit.write(path, records=[rival])
    summary = import_bundle(kb, path).as_json()
    assert (summary["updated"], summary["conflicts"]) == (1, 0)


def test_undo_import_puts_records_back(kb, other, tmp_path, clock) -> None:
    shared = new_case(kb)
    import_bundle(other, export_bundle(kb, tmp_path / "1.zebkb").paths[0])
    clock.advance(minutes=1)
    edit(other, shared["uid"], title="品川区の更新")
    brand_new = new_case(other, "品川区の新しい事例", ward=kit.SHINAGAWA)
    before = currents(kb)
    summary = import_bundle(kb, export_bundle(other, tmp_path / "2.zebkb").paths[0]).as_json()
    assert sorted(r["action"] for r in summary["records"]) == ["added", "updated"]
    result = undo_import(kb, summary["bundle_id"])
    assert sorted(result.restored) == [shared["uid"]]
    assert result.removed == [brand_new["uid"]]
    assert currents(kb) == before
    assert kb.search("品川区の新しい事例").total == 0
    with pytest.raises(Exception, match="already undone"):
        undo_import(kb, summary["bundle_id"])
    # The undone bundle can be imported again.
    again = import_bundle(kb, tmp_path / "2.zebkb").as_json()
    assert sorted(r["action"] for r in again["records"]) == ["added", "updated"]


def test_undo_leaves_records_changed_since(kb, other, tmp_path, clock) -> None:
    record = new_case(other, ward=kit.SHINAGAWA)
    summary = import_bundle(kb, export_bundle(other, tmp_path / "1.zebkb").paths[0]).as_json()
    clock.advance(minutes=1)
    edited = edit(kb, record["uid"], title="こちらで編集")
    result = undo_import(kb, summary["bundle_id"])
    assert result.skipped == [record["uid"]]
    assert kb.require(record["uid"]) == edited


def test_peer_and_since_deltas(kb, other, tmp_path, clock) -> None:
    a = new_case(kb, "A")
    b = new_case(kb, "B")
    first = export_bundle(kb, tmp_path / "p1.zebkb", peer=kit.SHINAGAWA)
    assert first.records == 2
    clock.advance(minutes=10)
    mark = clock().isoformat()
    clock.advance(minutes=1)
    edit(kb, b["uid"], title="B2")
    second = export_bundle(kb, tmp_path / "p2.zebkb", peer=kit.SHINAGAWA)
    with plan_import(other, second.paths[0]) as plan:
        assert [i.uid for i in plan.items] == [b["uid"]]
        assert plan.bundle.manifest.since is not None
    assert export_bundle(kb, tmp_path / "p3.zebkb", peer=kit.SHINAGAWA).records == 0
    # Another peer has had nothing yet: it gets everything.
    assert export_bundle(kb, tmp_path / "o.zebkb", peer="131113").records == 2
    assert export_bundle(kb, tmp_path / "s.zebkb", since=mark).records == 1
    chosen = export_bundle(kb, tmp_path / "u.zebkb", uids=[a["uid"]])
    assert chosen.records == 1


def test_record_imported_late_reaches_the_next_delta(kb, other, tmp_path, clock) -> None:
    export_bundle(other, tmp_path / "p0.zebkb", peer=kit.KATSUSHIKA)
    clock.advance(minutes=5)
    # A record written long ago elsewhere arrives now: its updated_at is old.
    old = kit.case(updated_at=kit.stamp(-60 * 24 * 60))
    kit.write(tmp_path / "third.zebkb", records=[old])
    import_bundle(other, tmp_path / "third.zebkb")
    assert export_bundle(other, tmp_path / "p1.zebkb", peer=kit.KATSUSHIKA).records == 1


def test_split_parts_import_in_any_order(kb, other, tmp_path, clock) -> None:
    uids = []
    for i in range(8):
        record = new_case(kb, f"事例{i}")
        photo = tmp_path / f"p{i}.jpg"
        photo.write_bytes(os.urandom(6000))
        kb.add_attachment(record["uid"], photo)
        uids.append(record["uid"])
    result = export_bundle(kb, tmp_path / "split" / "x.zebkb", max_size=20_000)
    assert len(result.parts) > 1
    for part in reversed(result.paths):
        import_bundle(other, part)
    assert currents(other) == currents(kb)


def test_refused_bundle_changes_nothing(kb, tmp_path) -> None:
    new_case(kb)
    photo = b"p" * 4000
    good = kit.case(attachments=[kit.attachment_ref(photo)])
    bad = kit.case(ward="131220")
    kit.write(tmp_path / "bad.zebkb", records=[good, bad], attachments=[photo])
    before = snapshot(kb)
    with pytest.raises(BundleError, match="line 2"):
        import_bundle(kb, tmp_path / "bad.zebkb")
    assert snapshot(kb) == before


def test_clock_guard(kb, tmp_path, clock) -> None:
    ahead = kit.case(updated_at=(clock() + timedelta(hours=25)).isoformat())
    kit.write(tmp_path / "f.zebkb", records=[ahead])
    with pytest.raises(BundleError, match=ahead["uid"]):
        import_bundle(kb, tmp_path / "f.zebkb")


def test_type_change_refused(kb, tmp_path, clock) -> None:
    record = new_case(kb)
    impostor = kit.visit(record["uid"], updated_at=later(clock))
    kit.write(tmp_path / "t.zebkb", records=[impostor])
    before = snapshot(kb)
    with pytest.raises(BundleError, match="is a case here"):
        import_bundle(kb, tmp_path / "t.zebkb")
    assert snapshot(kb) == before


def test_omitted_file_taken_from_a_later_bundle(kb, other, tmp_path) -> None:
    record = new_case(kb)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(os.urandom(5000))
    record = kb.add_attachment(record["uid"], photo)
    sha = record["attachments"][0]["sha256"]
    lean = export_bundle(kb, tmp_path / "lean.zebkb", include_attachments=False)
    assert lean.omitted == [(record["uid"], sha)]
    import_bundle(other, lean.paths[0])
    assert not other.files.has(sha)
    assert other.require(record["uid"]) == record
    full = import_bundle(other, export_bundle(kb, tmp_path / "full.zebkb").paths[0])
    assert full.as_json()["unchanged"] == 1
    assert other.files.has(sha)


def test_apply_reruns_decisions_against_edits_made_after_the_plan(kb, other, tmp_path, clock):
    record = new_case(kb)
    path = export_bundle(kb, tmp_path / "a.zebkb").paths[0]
    import_bundle(other, path)
    clock.advance(minutes=1)
    edit(kb, record["uid"], title="新")
    path2 = export_bundle(kb, tmp_path / "b.zebkb").paths[0]
    plan = plan_import(other, path2)
    assert plan.items[0].action is Action.UPDATED
    clock.advance(minutes=1)
    mine = edit(other, record["uid"], title="後からの編集")
    try:
        applied = apply_import(other, plan)
    finally:
        plan.close()
    assert applied.plan.items[0].action is Action.KEPT
    assert other.require(record["uid"]) == mine
    assert json.loads(json.dumps(applied.as_json()))["kept"] == 1


# -- an empty bundle is valid: nothing to import --------------------------------------------------


def _empty_bundles(kb, tmp_path: Path) -> list[Path]:
    """A delta export with nothing changed, and a hand-made bundle whose records.jsonl is empty."""
    new_case(kb)
    export_bundle(kb, tmp_path / "first.zebkb", peer=kit.SHINAGAWA)
    delta = export_bundle(kb, tmp_path / "delta.zebkb", peer=kit.SHINAGAWA)
    assert delta.records == 0
    by_hand = kit.write(tmp_path / "by-hand.zebkb", kit.Spec(records_data=b""))
    return [delta.paths[0], by_hand]


def test_empty_bundle_imports_as_nothing_to_import_and_is_logged(kb, other, tmp_path) -> None:
    from zebkb.store.models import ImportLog

    for path in _empty_bundles(kb, tmp_path):
        before = snapshot(other)
        with plan_import(other, path) as plan:
            assert plan.items == []
            assert plan.nothing_to_import
        dry = import_bundle(other, path, dry_run=True)
        assert dry.nothing_to_import
        summary = import_bundle(other, path)
        assert summary.nothing_to_import
        assert summary.as_json()["records"] == []
        assert snapshot(other)["rows"] == before["rows"]
        with Session(other.engine) as session:
            log = session.get(ImportLog, summary.plan.bundle_id)
        assert log is not None
        assert log.file_name == path.name
        # Again: still nothing, still no error.
        assert import_bundle(other, path).nothing_to_import


# -- what zebkb writes, zebkb reads: no "zip bomb" from its own export -----------------------------


def white_bmp(width: int, height: int) -> bytes:
    """A 24-bit BMP of white pixels: a blank scan, deflating about 1000:1."""
    row = width * 3
    pixels = height * row  # the width is a multiple of 4, so rows need no padding
    header = b"BM" + (54 + pixels).to_bytes(4, "little") + bytes(4) + (54).to_bytes(4, "little")
    info = (40).to_bytes(4, "little") + width.to_bytes(4, "little") + height.to_bytes(4, "little")
    info += (1).to_bytes(2, "little") + (24).to_bytes(2, "little") + bytes(4)
    info += pixels.to_bytes(4, "little") + bytes(16)
    return header + info + b"\xff" * pixels


def test_white_scan_of_27_mb_round_trips(kb, other, tmp_path) -> None:
    scan = tmp_path / "scan.bmp"
    scan.write_bytes(white_bmp(3000, 3000))
    assert scan.stat().st_size > 27_000_000
    record = kb.add_attachment(new_case(kb)["uid"], scan)
    path = export_bundle(kb, tmp_path / "scan.zebkb").paths[0]
    summary = import_bundle(other, path)
    assert summary.as_json()["added"] == 1
    assert other.require(record["uid"])["attachments"] == record["attachments"]
    sha = record["attachments"][0]["sha256"]
    assert other.files.path(sha).read_bytes() == scan.read_bytes()


# -- instants at the edges of the years ---------------------------------------------------------


def test_instants_at_the_edges_import_in_their_order_or_are_refused(kb, tmp_path) -> None:
    stamps = {
        "year 1, -14:00": "0001-01-01T00:00:00-14:00",
        "year 1, UTC": "0001-01-01T00:00:00Z",
        "year 999": "0999-03-01T00:00:00+09:00",
        "year 2025": "2025-03-01T00:00:00.1234567+09:00",
    }
    records = [kit.case(title=name, created_at=at, updated_at=at) for name, at in stamps.items()]
    import_bundle(kb, kit.write(tmp_path / "edges.zebkb", records=records))
    newest_first = [s.title for s in kb.list_records()]
    assert newest_first == ["year 2025", "year 999", "year 1, -14:00", "year 1, UTC"]
    # The same record at a later moment (00:30Z) wins.
    first = records[1]
    later = dict(first, updated_at="0001-01-01T00:00:00-00:30", title="later")
    import_bundle(kb, kit.write(tmp_path / "later.zebkb", records=[later]))
    assert kb.require(first["uid"])["title"] == "later"

    before = snapshot(kb)
    overflow = kit.case(updated_at="0001-01-01T00:00:00+14:00")
    with pytest.raises(BundleError, match="outside the years 0001-9999"):
        import_bundle(kb, kit.write(tmp_path / "overflow.zebkb", records=[overflow]))
    assert snapshot(kb) == before


# -- one set of limits: what is saved can be exported ---------------------------------------------


def test_a_record_saved_at_every_limit_exports_and_imports(kb, other, tmp_path) -> None:
    from zebkb.domain.limits import LIST_ITEM_MAX, LONG_TEXT_MAX, TITLE_MAX
    from zebkb.errors import InputError

    photo = tmp_path / "scan.pdf"
    photo.write_bytes(b"%PDF-1.4 not really" * 10)
    record = new_case(
        kb,
        "件" * TITLE_MAX,
        body="本" * (LONG_TEXT_MAX // 3),
        tags=["標" * LIST_ITEM_MAX] * 100,
    )
    kb.add_attachment(record["uid"], photo)
    result = export_bundle(kb, tmp_path / "big.zebkb", include_attachments=False)
    assert result.records == 1
    import_bundle(other, result.paths[0])
    assert other.require(record["uid"])["title"] == "件" * TITLE_MAX

    with pytest.raises(InputError, match="a record may hold"):
        # Each field within its limit, together more than a bundle line holds.
        new_case(kb, "大きすぎる", body="😀" * LONG_TEXT_MAX, tags=["標" * LIST_ITEM_MAX] * 1000)
    with pytest.raises(InputError, match="at most 200 characters") as caught:
        new_case(kb, "T" * 1_000_000)
    assert len(str(caught.value)) < 200
