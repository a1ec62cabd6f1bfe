"""Backlinks: the live records that point at a record."""

from __future__ import annotations

SEIBU = "7de7535c-dbb1-5bc7-8dbb-1e056b5c15d4"  # 葛飾区清掃事務所 (case)
VISIT = "4851558e-3ce4-5145-81f4-50038ffd5cc2"  # visit of SEIBU
SYMPOSIUM = "38e52d2f-3e8b-5aa8-869c-b2236cb9ba9e"  # session linking two cases


def test_visits_sessions_and_issues_point_back(kb) -> None:
    kb.load_demo()
    assert (VISIT, "visit") in [(u, k) for u, k, _t in kb.linking_to(SEIBU)]
    for case_uid in kb.require(SYMPOSIUM)["related_case_uids"]:
        assert SYMPOSIUM in [u for u, _k, _t in kb.linking_to(case_uid)]
    kb.delete(VISIT)
    assert VISIT not in [u for u, _k, _t in kb.linking_to(SEIBU)]
    assert kb.linking_to("00000000-0000-4000-8000-000000000000") == []
