"""The numbers behind the home screen and the printed lists, counted in SQL.

Over the typed projection tables (record, case_detail, session_detail,
visit_detail), never by loading records: 10,000 records take a few
milliseconds (see zebkb/overview.py for what the numbers mean).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

_LIVE_CASES = "FROM record r JOIN case_detail c ON c.uid = r.uid WHERE r.deleted = false"

_QUERIES = {
    "totals": "SELECT type, COUNT(*) FROM record WHERE deleted = false GROUP BY type",
    "wards": f"SELECT COALESCE(r.ward, ''), COUNT(*) {_LIVE_CASES} GROUP BY 1",
    "ranks": (
        "SELECT COALESCE(c.zeb_rank, ''), COALESCE(c.rank_status, 'unspecified'), COUNT(*) "
        f"{_LIVE_CASES} GROUP BY 1, 2"
    ),
    "facility_types": f"SELECT COALESCE(c.facility_type, ''), COUNT(*) {_LIVE_CASES} GROUP BY 1",
    "technologies": (
        "SELECT t.value, COUNT(DISTINCT c.uid) "
        "FROM record r JOIN case_detail c ON c.uid = r.uid, json_each(c.technologies_json) t "
        "WHERE r.deleted = false AND json_valid(c.technologies_json) AND t.type = 'text' "
        "GROUP BY t.value"
    ),
    "case_technologies": (
        "SELECT DISTINCT c.uid, t.value "
        "FROM record r JOIN case_detail c ON c.uid = r.uid, json_each(c.technologies_json) t "
        "WHERE r.deleted = false AND json_valid(c.technologies_json) AND t.type = 'text'"
    ),
    # 課題 not yet resolved (未対応 and 対応中), by category and ward: the regular
    # capture of the wards' problems (課題等の定期的な把握) runs from these counts.
    "open_issues": (
        "SELECT COALESCE(i.category, ''), COALESCE(r.ward, ''), COUNT(*) "
        "FROM record r JOIN issue_detail i ON i.uid = r.uid "
        "WHERE r.deleted = false AND i.status IN ('open', 'in_progress') GROUP BY 1, 2"
    ),
    # Cases with 運用実績 (1.1 lines or 1.2 rows), read whole so the domain rule can compare them with design.
    "operation_cases": (
        "SELECT r.uid, h.record_json FROM record r "
        "JOIN history h ON h.uid = r.uid AND h.hash = r.hash "
        "WHERE r.deleted = false AND r.type = 'case' AND json_valid(h.record_json) "
        "AND ((json_type(h.record_json, '$.operation') = 'array' "
        "AND json_array_length(h.record_json, '$.operation') > 0) "
        "OR (json_type(h.record_json, '$.operation_years') = 'array' "
        "AND json_array_length(h.record_json, '$.operation_years') > 0))"
    ),
    # Visits and sessions with follow-up rows (後日対応), read whole: whether one is
    # overdue depends on the day, so the domain rule decides with the service's clock.
    "follow_up_records": (
        "SELECT r.uid, h.record_json FROM record r "
        "JOIN history h ON h.uid = r.uid AND h.hash = r.hash "
        "WHERE r.deleted = false AND r.type IN ('visit', 'session') "
        "AND json_valid(h.record_json) "
        "AND json_type(h.record_json, '$.follow_up_items') = 'array' "
        "AND json_array_length(h.record_json, '$.follow_up_items') > 0"
    ),
    "per_year": (
        # NULL too: a record dated by a bare year (or not at all) has no fiscal year,
        # and the home screen still counts it.
        "SELECT fiscal_year, COUNT(*) FROM record "
        "WHERE deleted = false AND type = :kind GROUP BY fiscal_year"
    ),
    "recent": (
        "SELECT uid, type, COALESCE(title, ''), COALESCE(ward, ''), updated_at, revision, deleted "
        "FROM record ORDER BY updated_utc DESC, uid LIMIT :limit"
    ),
}


# PostgreSQL has no json_each: the same questions in its jsonb words (the lists are
# written by zebkb as JSON text, so the casts cannot fail).
_PG_TECHNOLOGIES = (
    "FROM record r JOIN case_detail c ON c.uid = r.uid, "
    "jsonb_array_elements(CAST(c.technologies_json AS jsonb)) t(item) "
    "WHERE r.deleted = false AND jsonb_typeof(t.item) = 'string'"
)
_PG_QUERIES = {
    "technologies": (
        f"SELECT t.item #>> '{{}}', COUNT(DISTINCT c.uid) {_PG_TECHNOLOGIES} GROUP BY 1"
    ),
    "case_technologies": f"SELECT DISTINCT c.uid, t.item #>> '{{}}' {_PG_TECHNOLOGIES}",
    "operation_cases": (
        "SELECT r.uid, h.record_json FROM record r "
        "JOIN history h ON h.uid = r.uid AND h.hash = r.hash "
        "WHERE r.deleted = false AND r.type = 'case' "
        "AND EXISTS (SELECT 1 FROM (VALUES ('operation'), ('operation_years')) f(name) "
        "WHERE jsonb_typeof(CAST(h.record_json AS jsonb) -> f.name) = 'array' "
        "AND jsonb_array_length(CAST(h.record_json AS jsonb) -> f.name) > 0)"
    ),
    "follow_up_records": (
        "SELECT r.uid, h.record_json FROM record r "
        "JOIN history h ON h.uid = r.uid AND h.hash = r.hash "
        "WHERE r.deleted = false AND r.type IN ('visit', 'session') "
        "AND CASE WHEN jsonb_typeof(CAST(h.record_json AS jsonb) -> 'follow_up_items') = 'array' "
        "THEN jsonb_array_length(CAST(h.record_json AS jsonb) -> 'follow_up_items') > 0 "
        "ELSE false END"
    ),
}


def overview_rows(session: Session, *, recent: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every query's rows, read in one transaction."""
    conn = session.connection()
    queries = _QUERIES
    if conn.dialect.name == "postgresql":
        queries = {**_QUERIES, **_PG_QUERIES}

    def rows(name: str, **params: object) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(text(queries[name]), params)]

    # The follow-ups are not among them: the service keeps those itself and reads again
    # only the records changed since (zebkb/service/records.py, follow_up_rows).
    skipped = {"per_year", "recent", "follow_up_records"}
    found = {name: rows(name) for name in _QUERIES if name not in skipped}
    found["per_year_session"] = rows("per_year", kind="session")
    found["per_year_visit"] = rows("per_year", kind="visit")
    found["recent"] = rows("recent", limit=recent)
    return found


# Uids asked at once: well under SQLite's limit on bound values.
_UIDS_PER_READ = 500


def follow_up_rows(session: Session, uids: Collection[str] | None = None) -> list[tuple[Any, ...]]:
    """(uid, record JSON) of the live visits and sessions with follow-up rows (後日対応).

    ``uids``: only among these records (those changed since the last read).
    """
    conn = session.connection()
    queries = {**_QUERIES, **_PG_QUERIES} if conn.dialect.name == "postgresql" else _QUERIES
    sql = queries["follow_up_records"]
    if uids is None:
        return [tuple(r) for r in conn.execute(text(sql))]
    among = text(f"{sql} AND r.uid IN :uids").bindparams(bindparam("uids", expanding=True))
    wanted = sorted(uids)
    found: list[tuple[Any, ...]] = []
    for i in range(0, len(wanted), _UIDS_PER_READ):
        chunk = wanted[i : i + _UIDS_PER_READ]
        found.extend(tuple(r) for r in conn.execute(among, {"uids": chunk}))
    return found


_DETAILS_SQL = (
    "SELECT r.uid, c.zeb_rank, c.rank_status, s.kind, v.host, i.category, i.status"
    " FROM record r"
    " LEFT JOIN case_detail c ON c.uid = r.uid"
    " LEFT JOIN session_detail s ON s.uid = r.uid"
    " LEFT JOIN visit_detail v ON v.uid = r.uid"
    " LEFT JOIN issue_detail i ON i.uid = r.uid"
    " WHERE r.deleted = false AND r.fiscal_year = :year"
)


def fiscal_year_details(session: Session, year: int) -> dict[str, tuple[Any, ...]]:
    """uid → (zeb_rank, rank_status, session kind, visit host, 課題 category, 課題 status)."""
    result = session.connection().execute(text(_DETAILS_SQL), {"year": year})
    return {row[0]: tuple(row[1:]) for row in result}
