"""The numbers behind the home screen's shared picture of the wards' work.

Counted in SQL over the typed projection tables (record, case_detail,
session_detail, visit_detail), never by loading records: 10,000 records take
a few milliseconds. Deleted records (tombstones) are not counted, except in
``recent_changes`` where a deletion is a change like any other.

Keys are the stored values (ward codes, rank names, facility types, fiscal
years), so a chart that is clicked can filter the record list by them; the
window turns them into labels. ``UNSET`` stands for a value left empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase

UNSET = ""
RECENT_DEFAULT = 10
# The rank_status split of a rank; "unspecified" when the case says neither.
STATUSES = ("certified", "equivalent", "unspecified")


@dataclass(frozen=True, slots=True)
class RecentChange:
    uid: str
    type: str
    title: str
    ward: str
    updated_at: str
    revision: int
    deleted: bool


@dataclass(frozen=True, slots=True)
class Overview:
    totals: dict[str, int]  # live records per type: case, visit, session
    cases_by_ward: dict[str, int]  # ward code → cases, most first
    # rank → {"certified": n, "equivalent": n, "unspecified": n}; UNSET for cases without a rank
    ranks: dict[str, dict[str, int]]
    cases_by_facility_type: dict[str, int]
    cases_by_technology: dict[str, int]  # a case with a technology listed twice counts once
    # ZEB PORTAL group (PASSIVE, ACTIVE, CREATE, エネマネ) → cases; UNSET: outside the vocabulary
    cases_by_technology_group: dict[str, int]
    sessions_by_fiscal_year: dict[int, int]  # oldest first
    visits_by_fiscal_year: dict[int, int]
    recent_changes: list[RecentChange]
    # 課題 not yet resolved (未対応・対応中): by category, by ward, and by both.
    open_issues_by_category: dict[str, int] = field(default_factory=dict)
    open_issues_by_ward: dict[str, int] = field(default_factory=dict)
    open_issues: dict[tuple[str, str], int] = field(default_factory=dict)
    # (uid, title) of cases whose measured operation misses the design value.
    operation_misses_design: list[tuple[str, str]] = field(default_factory=list)
    # Visits and sessions with follow-ups (後日対応) past their due date and not done,
    # by the knowledge base's clock; the earliest due first.
    overdue_follow_ups: list[OverdueFollowUps] = field(default_factory=list)
    # Sessions and visits in no fiscal year: dated by a bare year, which spans two
    # fiscal years (zebkb/domain/dates.py partial_fiscal_year), or not dated at all.
    sessions_without_fiscal_year: int = 0
    visits_without_fiscal_year: int = 0

    @property
    def overdue_count(self) -> int:
        """Follow-up rows overdue in all records together."""
        return sum(o.count for o in self.overdue_follow_ups)


@dataclass(frozen=True, slots=True)
class OverdueFollowUps:
    """A record's follow-ups that are overdue: how many, and the earliest due date."""

    uid: str
    type: str
    title: str
    count: int
    earliest_due: str  # bundle form (2024-12-20, 2025-01)


def _most_first(rows: list[tuple[str, int]]) -> dict[str, int]:
    # Ties in a stable order, so charts do not shuffle between refreshes.
    return {key: int(n) for key, n in sorted(rows, key=lambda r: (-r[1], r[0]))}


def _technology_groups(pairs: list[tuple[str, str]]) -> dict[str, int]:
    from zebkb.domain.vocab import technology_group

    group_of: dict[str, str] = {}
    cases: dict[str, set[str]] = {}
    for uid, value in pairs:
        if value not in group_of:
            group_of[value] = technology_group(value) or UNSET
        cases.setdefault(group_of[value], set()).add(uid)
    return _most_first([(group, len(uids)) for group, uids in cases.items()])


def _by_year(rows: list[tuple[Any, ...]]) -> dict[int, int]:
    return {int(year): int(n) for year, n in sorted(r for r in rows if r[0] is not None)}


def _without_year(rows: list[tuple[Any, ...]]) -> int:
    return sum(int(n) for year, n in rows if year is None)


def overview(kb: KnowledgeBase, *, recent: int = RECENT_DEFAULT) -> Overview:
    """Counts for the home screen: from one read transaction, and the follow-ups the
    service keeps up to date (``follow_up_rows``)."""
    rows = kb.overview_rows(recent=max(0, recent))
    totals = {"case": 0, "visit": 0, "session": 0, "issue": 0, "owner": 0}
    totals.update({kind: int(n) for kind, n in rows["totals"]})
    ranks: dict[str, dict[str, int]] = {}
    for rank, status, n in rows["ranks"]:
        split = ranks.setdefault(rank, dict.fromkeys(STATUSES, 0))
        split[status if status in split else "unspecified"] += int(n)
    ranks = dict(sorted(ranks.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])))
    return Overview(
        totals=totals,
        cases_by_ward=_most_first(rows["wards"]),
        ranks=ranks,
        cases_by_facility_type=_most_first(rows["facility_types"]),
        cases_by_technology=_most_first(rows["technologies"]),
        cases_by_technology_group=_technology_groups(rows["case_technologies"]),
        sessions_by_fiscal_year=_by_year(rows["per_year_session"]),
        visits_by_fiscal_year=_by_year(rows["per_year_visit"]),
        sessions_without_fiscal_year=_without_year(rows["per_year_session"]),
        visits_without_fiscal_year=_without_year(rows["per_year_visit"]),
        recent_changes=[
            RecentChange(uid, kind, title, ward, updated, int(rev), bool(deleted))
            for uid, kind, title, ward, updated, rev, deleted in rows["recent"]
        ],
        open_issues_by_category=_sum_by(rows["open_issues"], 0),
        open_issues_by_ward=_sum_by(rows["open_issues"], 1),
        open_issues={(str(c), str(w)): int(n) for c, w, n in rows["open_issues"]},
        operation_misses_design=_missing_design(rows["operation_cases"]),
        # Kept by the service between calls: only changed records are read again.
        overdue_follow_ups=_overdue(kb.follow_up_rows(), kb.clock().date()),
    )


def _overdue(rows: list[tuple[Any, ...]], today: date) -> list[OverdueFollowUps]:
    import json

    from zebkb.domain.rows import overdue_follow_ups

    found = []
    for uid, text in rows:
        record = json.loads(text)
        late = overdue_follow_ups(record, today)
        if late:
            first = min(str(r.get("due")) for r in late)
            title = str(record.get("title") or "")
            found.append(
                OverdueFollowUps(str(uid), str(record.get("type")), title, len(late), first)
            )
    return sorted(found, key=lambda o: (o.earliest_due, o.title, o.uid))


def overdue_follow_ups(kb: KnowledgeBase) -> list[OverdueFollowUps]:
    """Every visit and session with follow-ups past their due date (``zebkb list --overdue``).

    The home screen's list, from its one query alone.
    """
    return _overdue(kb.follow_up_rows(), kb.clock().date())


def _missing_design(rows: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    import json

    from zebkb.domain.validate import case_warnings

    found = []
    for uid, text in rows:
        record = json.loads(text)
        if any(w.code == "operation_misses_design" for w in case_warnings(record)):
            found.append((str(uid), str(record.get("title") or "")))
    return sorted(found, key=lambda pair: pair[1])


def _sum_by(rows: list[tuple[Any, ...]], column: int) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[str(row[column])] = totals.get(str(row[column]), 0) + int(row[-1])
    return _most_first(list(totals.items()))
