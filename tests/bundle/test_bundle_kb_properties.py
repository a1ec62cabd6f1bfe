"""Properties on real knowledge bases: order independence, idempotence, round trips, no partial change."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
import zebkb_bundle_kit as kit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from zebkb.bundle.errors import BundleError
from zebkb.service import KnowledgeBase
from zebkb.service.exchange import export_bundle, import_bundle
from zebkb.store.models import HistoryRow, RecordRow

UIDS = [kit.new_uid(n) for n in range(3)]
PHOTOS = [bytes([n]) * 700 + b"jpeg" for n in range(3)]


def clock():
    return kit.NOW


@st.composite
def version_pool(draw) -> list[dict]:
    pool = []
    for uid in UIDS[: draw(st.integers(1, len(UIDS)))]:
        for _ in range(draw(st.integers(1, 3))):
            minutes = draw(st.integers(0, 4))
            revision = draw(st.integers(1, 3))
            if minutes and draw(st.integers(0, 4)) == 0:
                pool.append(kit.tombstone(kit.case(uid, revision=revision), minutes))
                continue
            photos = draw(st.lists(st.sampled_from(PHOTOS), max_size=2, unique=True))
            pool.append(
                kit.case(
                    uid,
                    updated_at=kit.stamp(minutes),
                    revision=revision,
                    title=draw(st.sampled_from(["版A", "版B"])),
                    attachments=[kit.attachment_ref(p) for p in photos],
                )
            )
    return pool


def bundles_from(pool: list[dict], rng: random.Random, folder: Path) -> list[Path]:
    """Random bundles, each with a uid at most once, written by hand."""
    groups: list[list[dict]] = []
    for record in pool:
        free = [g for g in groups if all(r["uid"] != record["uid"] for r in g)]
        if free and rng.random() < 0.6:
            rng.choice(free).append(record)
        else:
            groups.append([record])
    paths = []
    for n, group in enumerate(groups):
        shas = {a["sha256"] for r in group for a in r.get("attachments", [])}
        blobs = [p for p in PHOTOS if kit.sha(p) in shas]
        paths.append(kit.write(folder / f"b{n}.zebkb", records=group, attachments=blobs))
    # An empty bundle (a delta export when nothing changed) goes in among the others.
    paths.append(kit.write(folder / "empty.zebkb", records=[]))
    return paths


def state(kb: KnowledgeBase) -> dict:
    with Session(kb.engine) as session:
        current = {r.uid: r.hash for r in session.exec(select(RecordRow))}
    return {uid: kb.get(uid) for uid in current}


def full_state(kb: KnowledgeBase) -> tuple:
    with Session(kb.engine) as session:
        rows = sorted((r.uid, r.hash, r.agreed_hash) for r in session.exec(select(RecordRow)))
        history = sorted((h.uid, h.hash) for h in session.exec(select(HistoryRow)))
    files = sorted(p.name for p in (kb.data_dir / "attachments").rglob("*") if p.is_file())
    backups = sorted(p.name for p in (kb.data_dir / "backups").glob("*"))
    index = sorted(p.name for p in (kb.data_dir / "index").glob("*"))
    return rows, history, files, backups, index


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pool=version_pool(), seed=st.integers(0, 2**16))
def test_any_bundles_any_order_same_records_and_twice_changes_nothing(pool, seed) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = bundles_from(pool, rng, folder)
        finals = []
        for n in range(2):
            order = paths[:]
            rng.shuffle(order)
            with KnowledgeBase.open(folder / f"kb{n}", clock=clock) as kb:
                for path in order:
                    import_bundle(kb, path)
                    before = full_state(kb)
                    assert import_bundle(kb, path).plan.counts()["added"] == 0
                    assert full_state(kb) == before
                finals.append(state(kb))
                # Export, import elsewhere: the same records.
                kb.set_home_ward(kit.KATSUSHIKA)
                out = export_bundle(kb, folder / f"all{n}.zebkb").paths[0]
                with KnowledgeBase.open(folder / f"copy{n}", clock=clock) as copy:
                    import_bundle(copy, out)
                    assert state(copy) == finals[-1]
        assert finals[0] == finals[1]
        # The winner per uid is the greatest version in the pool.
        expected = {}
        for record in pool:
            key = kit_key(record)
            if record["uid"] not in expected or key > kit_key(expected[record["uid"]]):
                expected[record["uid"]] = record
        assert finals[0] == expected


def kit_key(record: dict):
    from zebkb.domain.canonical import version_key

    return version_key(record)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory):
    """A knowledge base with content, and a valid bundle that would change it."""
    folder = tmp_path_factory.mktemp("fuzzkb")
    kb = KnowledgeBase.open(folder / "kb", clock=clock)
    import_bundle(kb, kit.write(folder / "seed.zebkb", records=[kit.case(UIDS[0])]))
    photo = PHOTOS[0]
    records = [
        kit.case(
            UIDS[0], updated_at=kit.stamp(9), revision=2, attachments=[kit.attachment_ref(photo)]
        ),
        kit.visit(UIDS[1]),
        kit.session(UIDS[2]),
    ]
    valid = kit.write(folder / "valid.zebkb", records=records, attachments=[photo]).read_bytes()
    yield kb, folder, valid
    kb.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4)
)
def test_mutated_bundle_imports_whole_or_changes_nothing(base, edits) -> None:
    _import_mutated(base, edits)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4)
)
def test_mutated_bundle_through_the_copy_helper(base, edits) -> None:
    """The same, with the attachments copied by the helper process (big imports)."""
    from zebkb.bundle import copier

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(copier, "CHILD_MIN_BYTES", 0)
        _import_mutated(base, edits)


def _import_mutated(base, edits) -> None:
    kb, folder, valid = base
    data = bytearray(valid)
    for position, value in edits:
        data[position % len(data)] = value
    path = folder / "mutated.zebkb"
    path.write_bytes(bytes(data))
    before = full_state(kb)
    message = None
    try:
        summary = import_bundle(kb, path)
    except BundleError as exc:
        message = str(exc)
    if message is not None:
        assert "\n" not in message
        assert full_state(kb) == before  # refused: nothing changed, no file left behind
    else:
        assert summary.as_json()["bundle_id"]
