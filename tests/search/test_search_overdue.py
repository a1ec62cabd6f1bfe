"""Overdue follow-ups in search: 後日対応:期限切れ / followup:overdue, and the window's chip.

Whether a follow-up is overdue depends on the day, so the index cannot hold it:
the service finds the records by the knowledge base's clock with the rule the
home screen and ``zebkb list --overdue`` use (zebkb/overview.py), and hands
them to the search. The clock here is the tests' FakeClock (2025-03-18 09:00).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from zebkb_overdue_kit import save_overdue
from zebkb_testing import JST, case_record

from zebkb.overview import overdue_follow_ups
from zebkb.search.engine import SearchFilters
from zebkb.search.query import QueryError, parse_query

DONE = {  # past, but done
    "type": "visit",
    "title": "清掃事務所の見学",
    "ward": "131091",
    "visited_on": "2024-06-01",
    "follow_up_items": [{"what": "礼状", "due": "2024-07-01", "done": True}],
}


@pytest.fixture
def saved(kb: Any) -> dict[str, str]:
    uids = save_overdue(kb)  # overdue ("late"), and due this month ("month")
    return {**uids, "done": kb.save(DONE)["uid"], "case": kb.save(case_record())["uid"]}


def found(kb: Any, query: str, filters: SearchFilters | None = None) -> set[str]:
    return {h.uid for h in kb.search(query, filters=filters, limit=50).hits}


def home_list(kb: Any) -> set[str]:
    return {o.uid for o in overdue_follow_ups(kb)}


@pytest.mark.parametrize(
    "query", ["後日対応:期限切れ", "followup:overdue", "Follow-up:Overdue", "後日対応：期限切れ"]
)
def test_the_query_word_finds_what_the_home_screen_lists(kb, saved, query) -> None:
    assert found(kb, query) == home_list(kb) == {saved["late"]}
    # With words, and excluded.
    assert found(kb, f"清掃事務所 {query}") == {saved["late"]}
    others = {saved["month"], saved["done"], saved["case"]}
    assert found(kb, f"-{query}") == others


def test_the_chip_finds_the_same(kb, saved) -> None:
    chip = SearchFilters(overdue=True)
    assert found(kb, "", chip) == {saved["late"]}
    # Its count with the others', from the same search.
    assert kb.search("", filters=chip, limit=0).facets["overdue"] == {"overdue": 1}
    assert found(kb, "", SearchFilters(overdue=True, kinds=("session",))) == set()
    result, uids = kb.search_all("清掃事務所", filters=chip)
    assert uids == [saved["late"]]
    assert result.total == 1
    assert result.text_total == 4  # the text alone: every record names 清掃事務所


def test_the_answer_follows_the_day_without_a_save(kb, saved, clock) -> None:
    assert found(kb, "後日対応:期限切れ") == {saved["late"]}
    clock.now = datetime(2025, 3, 31, 23, 59, tzinfo=JST)
    assert found(kb, "後日対応:期限切れ") == {saved["late"]}
    clock.now = datetime(2025, 4, 1, 0, 0, tzinfo=JST)  # March has ended
    assert found(kb, "後日対応:期限切れ") == home_list(kb) == {saved["late"], saved["month"]}


def test_a_save_changes_the_answer(kb, saved) -> None:
    record = kb.get(saved["late"])
    rows = [{**r, "done": True} for r in record["follow_up_items"]]
    kb.save({**record, "follow_up_items": rows}, expected_revision=record["revision"])
    assert found(kb, "後日対応:期限切れ") == set()
    assert found(kb, "", SearchFilters(overdue=True)) == set()


def test_the_window_counts_them_under_its_chips(kb, saved) -> None:
    result, _uids = kb.search_all("")
    assert result.facets["overdue"] == {"overdue": 1}
    # Counted under the other chips (none of the cases is overdue) ...
    result, _uids = kb.search_all("", filters=SearchFilters(kinds=("case",)))
    assert result.facets["overdue"] == {}
    # ... and not under its own: the count stays while the chip is on.
    result, _uids = kb.search_all("", filters=SearchFilters(overdue=True))
    assert result.facets["overdue"] == {"overdue": 1}
    assert result.facets["kind"] == {"visit": 1}


@pytest.fixture
def reads(monkeypatch) -> list[frozenset[str] | None]:
    """The follow-up reads the database answers: None for all of them, else the uids asked."""
    from zebkb.store import overview as overview_store

    seen: list[frozenset[str] | None] = []
    real = overview_store.follow_up_rows

    def counted(session: Any, uids: Any = None) -> Any:
        seen.append(None if uids is None else frozenset(uids))
        return real(session, uids)

    monkeypatch.setattr(overview_store, "follow_up_rows", counted)
    return seen


def test_the_follow_ups_are_read_once_then_only_what_changed(kb, saved, clock, reads) -> None:
    for text in ("清", "清掃", "清掃事務所"):  # keystrokes
        kb.search_all(text, filters=SearchFilters(overdue=True))
    assert reads == [None]
    clock.advance(days=1)  # a new day: the same follow-ups, judged again without a read
    kb.search_all("清掃", filters=SearchFilters(overdue=True))
    assert reads == [None]
    other = kb.save(case_record(title="別の事例"))["uid"]
    kb.search_all("清掃", filters=SearchFilters(overdue=True))
    assert reads == [None, frozenset({other})]  # the changed case alone: no follow-ups
    # A search that asks nothing of them reads nothing.
    kb.save(case_record(title="三つ目の事例"))
    kb.search("清掃", limit=5)
    assert reads == [None, frozenset({other})]


def done_all(kb: Any, uid: str) -> None:
    record = kb.get(uid)
    rows = [{**r, "done": True} for r in record["follow_up_items"]]
    kb.save({**record, "follow_up_items": rows}, expected_revision=record["revision"])


def due(kb: Any, uid: str, when: str) -> None:
    record = kb.get(uid)
    rows = [{**r, "due": when} for r in record["follow_up_items"]]
    kb.save({**record, "follow_up_items": rows}, expected_revision=record["revision"])


def window_count(kb: Any) -> int:
    result, _uids = kb.search_all("")
    return sum(result.facets["overdue"].values())


def test_every_count_follows_a_changed_follow_up(kb, saved, reads) -> None:
    from zebkb.overview import overview

    assert window_count(kb) == len(overview(kb).overdue_follow_ups) == 1
    due(kb, saved["month"], "2025-01-31")  # now past
    assert window_count(kb) == 2
    assert {o.uid for o in overview(kb).overdue_follow_ups} == {saved["late"], saved["month"]}
    done_all(kb, saved["late"])
    assert window_count(kb) == 1
    assert overview(kb).overdue_count == 1
    kb.delete(saved["month"])
    assert window_count(kb) == 0 == overview(kb).overdue_count
    kb.restore(saved["month"], 2)  # the version before the delete
    assert window_count(kb) == 1 == overview(kb).overdue_count
    # One whole read, then each change's record alone.
    assert reads[0] is None
    assert reads[1:] == [
        frozenset({saved["month"]}),
        frozenset({saved["late"]}),
        frozenset({saved["month"]}),
        frozenset({saved["month"]}),
    ]
    # Read whole again, the same answer.
    kb._follow_ups_seen = None
    assert window_count(kb) == 1


def test_a_log_that_cannot_tell_reads_them_all(kb, saved, reads) -> None:
    """The log pruned (or a restored backup's counter moved past it): all read again."""
    assert window_count(kb) == 1
    done_all(kb, saved["late"])
    with kb.transaction() as txn:
        txn.session.connection().exec_driver_sql("DELETE FROM change_log")
    assert kb.change_state() > kb._follow_ups_seen.state
    assert window_count(kb) == 0
    assert reads == [None, None]


def test_parsed_in_either_language_and_refused_in_one_line() -> None:
    assert parse_query("後日対応:期限切れ").overdue
    assert parse_query("-followup:overdue").not_overdue
    with pytest.raises(QueryError) as refused:
        parse_query("後日対応:済み")
    assert str(refused.value) == "The filter followup: takes only overdue, not '済み'"
    assert refused.value.message("ja") == (
        "後日対応: に指定できるのは 期限切れ だけです（'済み' は使えません）"
    )


def test_the_index_alone_cannot_tell(tmp_path) -> None:
    """Asked without the records that are overdue, the index refuses rather than guess."""
    from zebkb.search.engine import SearchIndex

    ix = SearchIndex(tmp_path / "ix")
    try:
        ix.rebuild([], total=0, state=1)
        with pytest.raises(ValueError, match="overdue"):
            ix.search("後日対応:期限切れ")
        with pytest.raises(ValueError, match="overdue"):
            ix.search_all("", filters=SearchFilters(overdue=True))
        assert (
            ix.search("後日対応:期限切れ", filters=SearchFilters(overdue_uids=frozenset())).total
            == 0
        )
    finally:
        ix.close()
