"""What a query means: unbroken strings, AND, phrases, OR, NOT, field filters, ranking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zebkb.search.engine import QueryError, SearchFilters, SearchIndex

Build = Callable[..., SearchIndex]


def uids(result: Any) -> set[str]:
    return {h.uid for h in result.hits}


@pytest.fixture
def ix(build_index: Build, make_record: Callable[..., dict[str, Any]]) -> SearchIndex:
    return build_index(
        make_record(
            uid="00000000-0000-4000-8000-00000000000a",
            title="葛飾区清掃事務所のZEB化",
            facility_name="葛飾区清掃事務所",
            ward="131229",
            zeb_rank="ZEB Ready",
            floor_area_m2=2500.0,
            completed_on="2024-10-21",
            tags=["断熱", "見学会"],
            body="一次エネルギー消費量を51%削減。省エネルギーとCO2排出量の削減。",
        ),
        make_record(
            uid="00000000-0000-4000-8000-00000000000b",
            title="清掃工場の見学",
            facility_name="区民センター",
            ward="131113",
            zeb_rank="Nearly ZEB",
            floor_area_m2=12000.0,
            completed_on="2025-02-01",
            tags=["断熱"],
            body="清掃 の日程と、別の事務所での打合せ。2050年までに電力を再エネへ。",
        ),
        make_record(
            uid="00000000-0000-4000-8000-00000000000c",
            type="visit",
            title="視察記録",
            visited_on="2024-10-21",
            host="大田区",
            participants=["環境省", "杉並区"],
            purpose="意見交換",
            ward="131091",
            body="ＢＥＩ０．４５を達成した事例。",
        ),
    )


A = "00000000-0000-4000-8000-00000000000a"
B = "00000000-0000-4000-8000-00000000000b"
C = "00000000-0000-4000-8000-00000000000c"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("清掃事務所", {A}),  # B has 清掃 and 事務所 apart: no match
        ("清掃 事務所", {A, B}),  # two terms, both anywhere
        ('"清掃 事務所"', {A}),  # a quoted phrase is one unbroken string again
        ("省エネ", {A}),  # inside 省エネルギー
        ("ZEB化", {A}),
        ("ｚｅｂ化", {A}),
        ("CO2排出量", {A}),
        ("ＣＯ２", {A}),
        ("BEI0.45", {C}),
        ("2050年", {B}),
        ("電力", {B}),
        ("区", {A, B, C}),  # one character
        ("51%", {A}),
        ("清掃 OR 意見交換", {A, B, C}),
        ("清掃事務所 OR 視察", {A, C}),
        ("清掃 -zeb", {B}),
        ("清掃 -事務所", set()),
        ("-清掃", {C}),
        ("環境省", {C}),  # participants
        ("杉並区", {C}),
        ("Katsushika", {A}),  # ward name in English
        ("葛飾区", {A}),
        ("品川区", {C}),  # ward name in Japanese, from the code
        ("ward:葛飾区", {A}),
        ("ward:131113 清掃", {B}),
        ("ward:Shinagawa", {C}),
        ("type:visit", {C}),
        ("type:事例 清掃", {A, B}),
        ("-type:case", {C}),
        ('rank:"ZEB Ready"', {A}),
        ("rank:nearly_zeb", {B}),
        ("fy:2024", {A, B, C}),
        ("fy:令和6年度 視察", {C}),
        ("tag:見学会", {A}),
        ("tag:断熱 -tag:見学会", {B}),
        ("facility:清掃", {A}),
        ("facility:区民 清掃", {B}),
        ("存在しない語句", set()),
    ],
)
def test_query_meaning(ix: SearchIndex, query: str, expected: set[str]) -> None:
    result = ix.search(query)
    assert uids(result) == expected
    assert result.total == len(expected)


def test_title_and_facility_are_boosted(
    build_index: Build, make_record: Callable[..., dict[str, Any]]
) -> None:
    body = "地域の施設について。" * 5
    in_body = make_record(title="報告書その一", facility_name="区民会館", body=body + "地中熱")
    in_title = make_record(title="地中熱の報告書", facility_name="区民会館", body=body)
    in_facility = make_record(title="報告書その二", facility_name="地中熱会館", body=body)
    ix = build_index(in_body, in_title, in_facility)
    hits = ix.search("地中熱").hits
    assert [h.uid for h in hits] == [in_title["uid"], in_facility["uid"], in_body["uid"]]
    assert hits[0].score > hits[1].score > hits[2].score > 0


def test_filters_combine_with_query_filters(ix: SearchIndex) -> None:
    assert uids(ix.search("清掃", filters=SearchFilters(wards=("131113",)))) == {B}
    assert uids(ix.search("ward:葛飾区", filters=SearchFilters(wards=("131113",)))) == set()
    assert uids(ix.search("", filters=SearchFilters(kinds=("case",)))) == {A, B}
    assert uids(ix.search("", filters=SearchFilters(ranks=("zeb ready",)))) == {A}
    assert uids(ix.search("", filters=SearchFilters(fiscal_years=(2024,)))) == {A, B, C}
    assert uids(ix.search("", filters=SearchFilters(tags=("見学会",)))) == {A}
    assert uids(ix.search("", filters=SearchFilters(floor_area_min=3000))) == {B}
    assert uids(ix.search("", filters=SearchFilters(floor_area_max=3000))) == {A}


def test_empty_query_lists_newest_first(
    build_index: Build, make_record: Callable[..., dict[str, Any]]
) -> None:
    old = make_record(updated_at="2023-01-01T00:00:00+09:00")
    new = make_record(updated_at="2025-01-01T00:00:00+09:00")
    mid = make_record(updated_at="2024-01-01T00:00:00+09:00", type="visit", visited_on="2024-01-01")
    ix = build_index(old, new, mid)
    assert [h.uid for h in ix.search("").hits] == [new["uid"], mid["uid"], old["uid"]]
    assert [h.uid for h in ix.search("type:case").hits] == [new["uid"], old["uid"]]


def test_facets_count_all_matches_not_only_the_page(ix: SearchIndex) -> None:
    result = ix.search("区", limit=1)
    assert len(result.hits) == 1
    assert result.total == 3
    assert result.facets["kind"] == {"case": 2, "visit": 1}
    assert result.facets["ward"] == {"131229": 1, "131113": 1, "131091": 1}
    assert result.facets["rank"] == {"ZEB Ready": 1, "Nearly ZEB": 1}
    assert result.facets["fiscal_year"] == {"2024": 3}
    assert result.facets["tag"] == {"断熱": 2, "見学会": 1}
    assert result.facets["floor_area"] == {"1000-3000": 1, "10000+": 1}


def test_paging(ix: SearchIndex) -> None:
    everything = [h.uid for h in ix.search("区").hits]
    paged = [h.uid for off in range(3) for h in ix.search("区", limit=1, offset=off).hits]
    assert paged == everything


def test_snippets_come_from_original_text(ix: SearchIndex) -> None:
    (hit,) = ix.search("BEI0.45").hits
    assert "<b>ＢＥＩ０．４５</b>" in hit.snippet
    (hit,) = ix.search("2050年 電力").hits
    assert "<b>2050年</b>" in hit.snippet
    assert "<b>電力</b>" in hit.snippet


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"清掃', "unbalanced quote"),
        ("ward:どこか区", "Unknown ward"),
        ("type:memo", "Unknown record type"),
        ("fy:someday", "Not a fiscal year"),
        ("OR", "Nothing to search for"),
        ("-", "Nothing to search for"),
        ("x" * 1001, "too long"),
        (" ".join(["語"] * 40), "too many terms"),
    ],
)
def test_bad_queries_get_one_clear_line(ix: SearchIndex, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as info:
        ix.search(query)
    assert "\n" not in str(info.value)
