"""A record's 日付 and 年度 in the list: a case is dated by completion, else certification."""

from __future__ import annotations

from zebkb.domain.fields import Kind, record_date_field


def test_case_date_falls_back_to_certification() -> None:
    assert record_date_field(Kind.CASE, {"completed_on": "2025-07"}) == "completed_on"
    assert record_date_field(Kind.CASE, {"certified_on": "2024-05"}) == "certified_on"
    both = {"completed_on": "2025-07", "certified_on": "2024-05"}
    assert record_date_field(Kind.CASE, both) == "completed_on"
    assert record_date_field(Kind.VISIT, {"certified_on": "2024-05"}) == "visited_on"
    assert record_date_field(Kind.ISSUE, {}) is None


def test_demo_cases_show_a_date_and_fiscal_year(kb) -> None:
    kb.load_demo()
    rows = {r.uid: r for r in kb.table_rows()}
    cases = [r for r in kb.list_records(kind="case")]
    dated = [kb.get(r.uid) for r in cases]
    expected = {
        rec["uid"]: rec.get("completed_on") or rec.get("certified_on")
        for rec in dated
        if rec is not None
    }
    assert sum(1 for v in expected.values() if v) >= 9  # most demo cases are dated
    for uid, when in expected.items():
        assert rows[uid].record_date == when
        if when and len(when) >= 7:  # a month or a day: it has its fiscal year
            assert rows[uid].fiscal_year is not None
    # The fiscal-year filter in search finds certified-only cases too.
    from zebkb.search.engine import SearchFilters

    ota_2024 = kb.search("", filters=SearchFilters(kinds=("case",), fiscal_years=(2024,)))
    assert "大田区 仮称西蒲田七丁目複合施設" in " ".join(str(h.title) for h in ota_2024.hits)
