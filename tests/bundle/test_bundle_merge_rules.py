"""The pure merge rule: order of versions, actions, conflicts, and its algebra."""

from __future__ import annotations

import zebkb_bundle_kit as kit
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.bundle.merge import Action, decide, field_changes
from zebkb.domain.canonical import record_hash, version_key

UID = kit.new_uid(1)


def v(minutes: int, revision: int = 1, **over) -> dict:
    return kit.case(UID, updated_at=kit.stamp(minutes), revision=revision, **over)


def test_unknown_uid_is_added() -> None:
    d = decide(None, v(0), None)
    assert (d.action, d.conflict, d.local_hash) == (Action.ADDED, False, None)


def test_same_version_unchanged() -> None:
    assert decide(v(5), v(5), None).action is Action.UNCHANGED


def test_newer_incoming_updates_older_is_kept() -> None:
    assert decide(v(5), v(6, 2), None).action is Action.UPDATED
    assert decide(v(6, 2), v(5), None).action is Action.KEPT


def test_instant_not_text_decides() -> None:
    # 09:30+09:00 is 00:30Z, earlier than 01:00Z even though the text sorts later.
    local = kit.case(UID, updated_at="2025-03-01T01:00:00+00:00")
    incoming = kit.case(UID, updated_at="2025-03-01T09:30:00+09:00")
    assert decide(local, incoming, None).action is Action.KEPT


def test_revision_then_hash_break_ties() -> None:
    assert decide(v(5, 1), v(5, 2), None).action is Action.UPDATED
    a, b = v(5, 3, title="案A"), v(5, 3, title="案B")
    high, low = (a, b) if record_hash(a) > record_hash(b) else (b, a)
    assert decide(low, high, None).action is Action.UPDATED
    assert decide(high, low, None).action is Action.KEPT


def test_winning_tombstone_is_deleted() -> None:
    live = v(5)
    assert decide(live, kit.tombstone(live, 10), None).action is Action.DELETED
    assert decide(kit.tombstone(live, 10), live, None).action is Action.KEPT


def test_conflict_only_when_both_moved_from_the_agreed_version() -> None:
    agreed = v(0)
    ours, theirs = v(10, 2, title="こちらの編集"), v(20, 2, title="先方の編集")
    both = decide(ours, theirs, record_hash(agreed))
    assert (both.action, both.conflict) == (Action.UPDATED, True)
    reverse = decide(theirs, ours, record_hash(agreed))
    assert (reverse.action, reverse.conflict) == (Action.KEPT, True)
    # Only they edited since we agreed: an ordinary update.
    assert not decide(agreed, theirs, record_hash(agreed)).conflict
    # Only we edited: ordinary keep.
    assert not decide(ours, agreed, record_hash(agreed)).conflict
    # No agreed version known: just the order.
    assert not decide(ours, theirs, None).conflict


def test_field_changes() -> None:
    changes = field_changes(v(0), v(5, 2, title="新しい件名"))
    assert [c.field for c in changes] == ["revision", "title", "updated_at"]
    assert changes[1].incoming == "新しい件名"
    assert [c.field for c in field_changes(None, v(0))] == sorted(v(0))


# -- properties -----------------------------------------------------------------------------------

UIDS = [kit.new_uid(n) for n in range(4)]


@st.composite
def versions(draw) -> list[dict]:
    """A pool of versions of a few records, edited anywhere (ties on time and revision too)."""
    out = []
    for uid in UIDS[: draw(st.integers(1, len(UIDS)))]:
        for _ in range(draw(st.integers(1, 4))):
            minutes = draw(st.integers(0, 5))
            revision = draw(st.integers(1, 3))
            title = draw(st.sampled_from(["A", "B", "C"]))
            if draw(st.booleans()) and minutes > 0:
                out.append(kit.tombstone(kit.case(uid, revision=revision), minutes))
            else:
                out.append(
                    kit.case(uid, updated_at=kit.stamp(minutes), revision=revision, title=title)
                )
    return out


def apply(state: dict[str, dict], bundle: list[dict]) -> list[Action]:
    actions = []
    for record in bundle:
        d = decide(state.get(record["uid"]), record, None)
        if d.incoming_wins:
            state[record["uid"]] = record
        actions.append(d.action)
    return actions


def split(pool: list[dict], cuts: list[int]) -> list[list[dict]]:
    """Cut the pool into bundles, each holding a uid at most once."""
    bundles: list[list[dict]] = []
    for record, cut in zip(pool, cuts, strict=False):
        for bundle in bundles[cut % (len(bundles) + 1) :]:
            if all(r["uid"] != record["uid"] for r in bundle):
                bundle.append(record)
                break
        else:
            bundles.append([record])
    return bundles


@settings(max_examples=150, deadline=None)
@given(
    pool=versions(),
    cuts=st.lists(st.integers(0, 5), min_size=20, max_size=20),
    orders=st.lists(st.randoms(use_true_random=False), min_size=3, max_size=3),
)
def test_any_bundles_in_any_order_end_identical(pool, cuts, orders) -> None:
    bundles = split(pool, cuts)
    finals = []
    for rng in orders:
        order = bundles[:]
        rng.shuffle(order)
        state: dict[str, dict] = {}
        for bundle in order:
            apply(state, bundle)
        finals.append(state)
    expected = {}
    for record in pool:
        best = expected.get(record["uid"])
        if best is None or version_key(record) > version_key(best):
            expected[record["uid"]] = record
    assert all(final == expected for final in finals)


@settings(max_examples=100, deadline=None)
@given(pool=versions(), cuts=st.lists(st.integers(0, 5), min_size=20, max_size=20))
def test_importing_a_bundle_twice_changes_nothing(pool, cuts) -> None:
    state: dict[str, dict] = {}
    for bundle in split(pool, cuts):
        apply(state, bundle)
        before = dict(state)
        again = apply(state, bundle)
        assert state == before
        assert set(again) <= {Action.UNCHANGED, Action.KEPT}
