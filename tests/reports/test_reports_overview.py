"""The home screen's numbers, against hand counts and independently counted generated sets."""

from __future__ import annotations

import random
from collections import Counter

from zebkb_report_kit import ECOLE

from zebkb.overview import UNSET, overview


def test_demo_numbers_match_hand_counts(demo_kb) -> None:
    o = overview(demo_kb)
    # Counted by hand in assets/demo/records.json.
    assert o.totals == {"case": 15, "visit": 2, "session": 6, "issue": 4, "owner": 1}
    assert o.cases_by_ward == {"131229": 6, "131113": 5, "131091": 4}
    assert list(o.cases_by_ward) == ["131229", "131113", "131091"]  # most first
    assert o.ranks == {
        "ZEB Ready": {"certified": 7, "equivalent": 3, "unspecified": 0},
        UNSET: {"certified": 0, "equivalent": 0, "unspecified": 2},
        "Nearly ZEB": {"certified": 1, "equivalent": 0, "unspecified": 0},
        "ZEB Oriented": {"certified": 0, "equivalent": 1, "unspecified": 0},
        "ZEH-M Ready": {"certified": 1, "equivalent": 0, "unspecified": 0},
    }
    assert next(iter(o.ranks)) == "ZEB Ready"
    assert o.cases_by_facility_type["小学校"] == 3
    assert o.cases_by_facility_type["福祉施設"] == 3
    assert o.cases_by_facility_type["清掃事務所"] == 2
    assert sum(o.cases_by_facility_type.values()) == 15
    assert o.cases_by_technology["太陽光発電"] == 3  # 水元小, エコル, 北品川
    assert o.cases_by_technology["BEMS"] == 1
    assert len(o.cases_by_technology) == 23
    # Every demo technology is a listed value, so each counts in its group.
    assert o.cases_by_technology_group["CREATE"] == 3
    assert o.cases_by_technology_group["ACTIVE"] == 3  # 水元小, 清和小 (全熱交換器), 北品川
    assert o.cases_by_technology_group["UNUSED"] == 1  # エコル (地中熱)
    assert o.sessions_by_fiscal_year == {2012: 1, 2023: 2, 2024: 3}
    # The 2023 visit's source gives only a year, so it has no fiscal year.
    assert o.visits_by_fiscal_year == {2024: 1}
    assert [c.updated_at for c in o.recent_changes] == sorted(
        (c.updated_at for c in o.recent_changes), reverse=True
    )
    assert len(o.recent_changes) == 10
    assert o.recent_changes[0].title.startswith(
        "品川区 ZEBリーディング・オーナー"
    )  # the last written


def test_changes_and_deletions_show_in_recent_and_leave_the_counts(kb, clock) -> None:
    from zebkb_testing import case_record

    first = kb.save(case_record(ward="131113", technologies=["太陽光発電", "太陽光発電", "BEMS"]))
    clock.advance(minutes=1)
    second = kb.save(case_record(facility_type=None, zeb_rank=None, rank_status=None))
    o = overview(kb, recent=5)
    assert [c.uid for c in o.recent_changes] == [second["uid"], first["uid"]]
    assert o.cases_by_technology == {"太陽光発電": 1, "BEMS": 1, "LED照明": 1, "高断熱": 1}
    assert o.cases_by_technology_group == {"エネマネ": 1, "CREATE": 1, "ACTIVE": 1, "PASSIVE": 1}
    assert o.cases_by_facility_type == {"清掃事務所": 1, UNSET: 1}
    assert o.ranks[UNSET]["unspecified"] == 1

    clock.advance(minutes=1)
    kb.delete(first["uid"])
    o = overview(kb, recent=5)
    assert o.recent_changes[0].uid == first["uid"]
    assert o.recent_changes[0].deleted
    assert o.totals["case"] == 1
    assert o.cases_by_ward == {"131229": 1}
    assert "太陽光発電" not in o.cases_by_technology
    assert overview(kb, recent=0).recent_changes == []


def test_empty_knowledge_base(kb) -> None:
    o = overview(kb)
    assert o.totals == {"case": 0, "visit": 0, "session": 0, "issue": 0, "owner": 0}
    assert o.cases_by_ward == o.ranks == o.cases_by_technology == {}
    assert o.sessions_by_fiscal_year == o.visits_by_fiscal_year == {}
    assert o.recent_changes == []


def test_generated_set_matches_counts_made_in_python(kb) -> None:
    rng = random.Random(6)
    wards = ["131229", "131113", "131091", "131199", "131156"]
    ranks = [None, "ZEB", "Nearly ZEB", "ZEB Ready", "ZEB Oriented"]
    statuses = [None, "certified", "equivalent"]
    types = [None, "小学校", "庁舎", "図書館"]
    techs = ["太陽光発電", "BEMS", "LED照明", "地中熱", "独自の技術"]
    records = []
    for i in range(240):
        kind = ("case", "visit", "session")[i % 3]
        base = {"type": kind, "title": f"記録{i}", "ward": rng.choice(wards)}
        day = f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if kind == "case":
            rank = rng.choice(ranks)
            status = rng.choice(statuses) if rank else None
            base.update(
                facility_name=f"施設{i}",
                project_type="renovation",
                facility_type=rng.choice(types),
                zeb_rank=rank,
                rank_status=status,
                # A certified rank typed in needs its date (validate.py).
                certified_on=day if status == "certified" else None,
                technologies=rng.sample(techs, rng.randint(0, 3)),
            )
        elif kind == "visit":
            base["visited_on"] = day
        else:
            base["held_on"] = day
        records.append(base)
    kb.save_many(records)
    o = overview(kb)

    def fiscal(day: str) -> int:
        year, month = int(day[:4]), int(day[5:7])
        return year if month >= 4 else year - 1

    cases = [r for r in records if r["type"] == "case"]
    assert o.totals == {"issue": 0, "owner": 0, **Counter(r["type"] for r in records)}
    assert o.cases_by_ward == dict(Counter(r["ward"] for r in cases))
    assert o.cases_by_facility_type == dict(Counter(r["facility_type"] or UNSET for r in cases))
    assert o.cases_by_technology == dict(Counter(t for r in cases for t in r["technologies"]))
    expected_ranks: dict[str, Counter] = {}
    for r in cases:
        split = expected_ranks.setdefault(r["zeb_rank"] or UNSET, Counter())
        split[r["rank_status"] or "unspecified"] += 1
    assert {k: {s: n for s, n in v.items() if n} for k, v in o.ranks.items()} == {
        k: dict(v) for k, v in expected_ranks.items()
    }
    assert o.sessions_by_fiscal_year == dict(
        Counter(fiscal(r["held_on"]) for r in records if r["type"] == "session")
    )
    assert o.visits_by_fiscal_year == dict(
        Counter(fiscal(r["visited_on"]) for r in records if r["type"] == "visit")
    )
    assert list(o.sessions_by_fiscal_year) == sorted(o.sessions_by_fiscal_year)
    counts = list(o.cases_by_ward.values())
    assert counts == sorted(counts, reverse=True)


def test_overview_is_read_only(demo_kb) -> None:
    before = demo_kb.change_state()
    overview(demo_kb)
    assert demo_kb.change_state() == before
    assert demo_kb.get(ECOLE)["revision"] == 1


def test_open_issues_by_category_and_ward(kb) -> None:
    def issue(ward: str, category: str, status: str) -> dict:
        return {"type": "issue", "title": f"{category}の課題", "ward": ward,
                "fiscal_year": 2024, "category": category, "status": status}  # fmt: skip

    kb.save_many(
        [
            issue("131229", "予算", "open"),
            issue("131229", "予算", "in_progress"),
            issue("131091", "予算", "open"),
            issue("131091", "人材育成", "open"),
            issue("131091", "人材育成", "resolved"),  # resolved: not counted
        ]
    )
    gone = kb.save(issue("131113", "調達", "open"))
    kb.delete(gone["uid"])
    o = overview(kb)
    assert o.open_issues_by_category == {"予算": 3, "人材育成": 1}
    assert o.open_issues_by_ward == {"131091": 2, "131229": 2}
    assert o.open_issues == {
        ("予算", "131229"): 2,
        ("予算", "131091"): 1,
        ("人材育成", "131091"): 1,
    }
    assert o.totals["issue"] == 5


def test_cases_whose_operation_misses_design(kb) -> None:
    from zebkb_testing import case_record

    design = {"standard_primary_energy_mj_m2": 1000, "design_primary_energy_mj_m2": 490}
    kept = kb.save(case_record(title="設計どおり", operation=["2022 480"], **design))
    missed = kb.save(case_record(title="設計超過", operation=["2022 480", "2023 520"], **design))
    kb.save(case_record(title="実績なし", **design))
    o = overview(kb)
    assert o.operation_misses_design == [(missed["uid"], "設計超過")]
    assert kept["uid"] not in dict(o.operation_misses_design)


def test_cases_whose_operation_rows_miss_design(kb) -> None:
    from zebkb_testing import case_record

    design = {"standard_primary_energy_mj_m2": 1000, "design_primary_energy_mj_m2": 490}
    rows = [
        {"fiscal_year": 2023, "primary_energy_mj_m2": 480},
        {"fiscal_year": 2024, "primary_energy_mj_m2": 500, "generation_mj_m2": 40},
    ]
    missed = kb.save(case_record(title="行で設計超過", operation_years=rows, **design))
    kb.save(case_record(title="行で設計どおり", operation_years=rows[:1], **design))
    assert overview(kb).operation_misses_design == [(missed["uid"], "行で設計超過")]


def test_visits_and_sessions_with_overdue_follow_ups(kb, clock) -> None:
    """Overdue by the knowledge base's clock (2025-03-18), not the wall clock; earliest first."""

    def activity(kind: str, title: str, *rows: dict) -> dict:
        date_field = "visited_on" if kind == "visit" else "held_on"
        record = {"type": kind, "title": title, "ward": "131229", date_field: "2024-10-21"}
        return kb.save({**record, "follow_up_items": list(rows)})

    late_visit = activity(
        "visit",
        "視察の受入",
        {"what": "資料の送付", "due": "2025-02"},
        {"what": "所感の共有", "due": "2025-03-17"},
        {"what": "礼状", "due": "2024-12-01", "done": True},
    )
    late_session = activity("session", "ZEB勉強会", {"what": "質問への回答", "due": "2025-01-31"})
    activity("session", "期限前", {"what": "アンケート集計", "due": "2025-03-18"})
    activity("session", "期限なし", {"what": "次回の日程調整"})
    gone = activity("visit", "削除した視察", {"what": "報告", "due": "2024-01-01"})
    kb.delete(gone["uid"])
    o = overview(kb)
    assert [(x.uid, x.type, x.count, x.earliest_due) for x in o.overdue_follow_ups] == [
        (late_session["uid"], "session", 1, "2025-01-31"),
        (late_visit["uid"], "visit", 2, "2025-02"),
    ]
    assert o.overdue_count == 3
    clock.advance(days=1)  # 2025-03-19: the follow-up due on the 18th is now overdue too
    assert overview(kb).overdue_count == 4
    done = kb.get(late_session["uid"])
    rows = [{**done["follow_up_items"][0], "done": True}]
    kb.save({**done, "follow_up_items": rows}, expected_revision=done["revision"])
    assert late_session["uid"] not in {x.uid for x in overview(kb).overdue_follow_ups}
