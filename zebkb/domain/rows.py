"""The structured rows of bundle format 1.2, read for people and moved over from text lines.

運用実績 (a case's operation by fiscal year), attendance by ward and department,
materials and follow-ups were text lines in format 1.1 (``operation``,
``attendance``, the session's ``follow_ups`` text). The rows replace the lines;
records that still hold lines are read here too, so the chart, the warnings
and the printed sheets see one list, and the editor moves every line it can
read into rows (a line it cannot read stays a line: nothing is dropped).
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from zebkb.domain.dates import DateError, parse_fiscal_year, parse_iso_partial
from zebkb.domain.fields import Field, FieldType
from zebkb.domain.numbers import parse_quantity
from zebkb.domain.wards import WardError, resolve_ward

_OPERATION_LINE = re.compile(
    r"\s*(?:FY)?(\d{4})(?:年度)?\s+(\d+(?:\.\d+)?)(?:\s+(\d+(?:\.\d+)?))?\s*", re.IGNORECASE
)
# 「葛飾区 営繕課 3」, 「環境省 2名」: who, then the headcount last.
_ATTENDANCE_LINE = re.compile(r"\s*(.*?)\s*[:：]?\s*(\d+)\s*(?:名|人)?\s*")


def typed_cell(column: Field, text: str) -> Any:
    """A rows column's typed text as the record validation takes it: a fiscal year's number
    (令和6年度 → 2024), a quantity (1,200 → 1200); other text, or a year unread, as it is.

    The editor's rows table (zebkb/ui/edit/fieldwidgets.py) and lists' cells
    (zebkb/tables/rows.py) read what people type the same way through this.
    """
    if column.name == "fiscal_year":
        try:
            return parse_fiscal_year(text)
        except DateError:
            return text
    if column.type in (FieldType.INTEGER, FieldType.NUMBER):
        return parse_quantity(text, column.type is FieldType.INTEGER)
    return text


def operation_line(line: Any) -> tuple[int, float, float | None] | None:
    """(fiscal year, measured primary energy, generation or None) of one 1.1 運用実績 line."""
    if not isinstance(line, str):
        return None
    m = _OPERATION_LINE.fullmatch(unicodedata.normalize("NFKC", line))
    if m is None:
        return None
    generation = float(m.group(3)) if m.group(3) is not None else None
    return int(m.group(1)), float(m.group(2)), generation


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class OperationYear:
    """One fiscal year of operation beside the design figures (MJ/㎡・年)."""

    fiscal_year: int
    measured: float
    generation: float | None
    design: float | None
    standard: float | None
    # The measured figure includes その他 (office equipment etc.); design and standard do not.
    includes_other: bool = False

    @property
    def comparable(self) -> bool:
        """Measured on the design figures' basis (その他 excluded), so the two compare."""
        return not self.includes_other

    @property
    def reduction_pct(self) -> float | None:
        """Measured reduction from the standard, renewables excluded (設計の削減率と同じ見方)."""
        if not self.standard or not self.comparable:
            return None
        return (1.0 - self.measured / self.standard) * 100.0

    @property
    def reduction_incl_pct(self) -> float | None:
        """The same with the measured generation counted."""
        if not self.standard or self.generation is None or not self.comparable:
            return None
        return (1.0 - (self.measured - self.generation) / self.standard) * 100.0

    @property
    def misses_design(self) -> bool:
        """Above design on the same basis (a year with その他 is not compared)."""
        return self.comparable and self.design is not None and self.measured > self.design


def operation_years(record: Mapping[str, Any]) -> list[OperationYear]:
    """Every fiscal year of operation, oldest first: rows, then 1.1 lines for other years."""
    design = _number(record.get("design_primary_energy_mj_m2"))
    standard = _number(record.get("standard_primary_energy_mj_m2"))
    years: dict[int, OperationYear] = {}
    for row in record.get("operation_years") or []:
        if not isinstance(row, Mapping):
            continue
        year, measured = row.get("fiscal_year"), _number(row.get("primary_energy_mj_m2"))
        if isinstance(year, int) and not isinstance(year, bool) and measured is not None:
            generation = _number(row.get("generation_mj_m2"))
            other = row.get("includes_other") is True
            years.setdefault(
                year, OperationYear(year, measured, generation, design, standard, other)
            )
    for line in record.get("operation") or []:
        parsed = operation_line(line)
        if parsed is not None:
            year, measured, generation = parsed
            years.setdefault(year, OperationYear(year, measured, generation, design, standard))
    return [years[y] for y in sorted(years)]


def due_passed(due: Any, today: date) -> bool:
    """Whether a due date (day, month or year precision) lies wholly before ``today``.

    A month or a year is due until its last day: 「令和7年1月」 is overdue from
    1 February 2025, never from an invented day inside January.
    """
    if not isinstance(due, str):
        return False
    try:
        value = parse_iso_partial(due)
    except DateError:
        return False
    year = int(value[:4])
    if len(value) == 10:
        last = date.fromisoformat(value)
    elif len(value) == 7:
        month = int(value[5:7])
        last = date(year, month, calendar.monthrange(year, month)[1])
    else:
        last = date(year, 12, 31)
    return last < today


def follow_up_overdue(row: Any, today: date) -> bool:
    """A follow-up (後日対応) row not done whose due date has passed."""
    return (
        isinstance(row, Mapping)
        and row.get("done") is not True
        and due_passed(row.get("due"), today)
    )


def overdue_follow_ups(record: Mapping[str, Any], today: date) -> list[Mapping[str, Any]]:
    """The record's follow-up rows that are overdue on ``today`` (the knowledge base's clock)."""
    if record.get("deleted") is True:
        return []
    rows = record.get("follow_up_items")
    if not isinstance(rows, list):
        return []
    return [r for r in rows if follow_up_overdue(r, today)]


def attendance_line(line: Any) -> dict[str, Any] | None:
    """A 1.1 attendance line as a row: 「葛飾区 営繕課 3」 → ward code, department, count."""
    if not isinstance(line, str):
        return None
    m = _ATTENDANCE_LINE.fullmatch(unicodedata.normalize("NFKC", line))
    if m is None:
        return None
    who, count = m.group(1).split(), int(m.group(2))
    row: dict[str, Any] = {"count": count}
    if who:
        try:
            row["municipality"] = resolve_ward(who[0])
            rest = who[1:]
        except WardError:
            row["organisation"] = who[0]
            rest = who[1:]
        if rest:
            row["department"] = " ".join(rest)
    return row


def attendance_total(record: Mapping[str, Any]) -> int | None:
    """The headcounts of the attendance rows added up (None without rows)."""
    rows = [r for r in record.get("attendance_groups") or [] if isinstance(r, Mapping)]
    counts = [r.get("count") for r in rows]
    if not counts or not all(isinstance(c, int) and not isinstance(c, bool) for c in counts):
        return None
    return sum(int(c) for c in counts if isinstance(c, int))


def lines_to_rows(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with every readable 1.1 line moved into its 1.2 rows (the editor saves this).

    Lines it cannot read stay where they are; a year already in the rows keeps
    its line too, and a group already in the rows is not added twice.
    """
    out = dict(record)
    if out.get("type") == "case" and out.get("operation"):
        rows = [dict(r) for r in out.get("operation_years") or [] if isinstance(r, Mapping)]
        have = {r.get("fiscal_year") for r in rows}
        kept: list[Any] = []
        for line in out["operation"]:
            parsed = operation_line(line)
            if parsed is None:
                kept.append(line)
                continue
            year, measured, generation = parsed
            if year in have:
                kept.append(line)  # the rows already say this year: keep the line, drop nothing
                continue
            row: dict[str, Any] = {"fiscal_year": year, "primary_energy_mj_m2": measured}
            if generation is not None:
                row["generation_mj_m2"] = generation
            rows.append(row)
            have.add(year)
        out["operation_years"] = sorted(rows, key=lambda r: r.get("fiscal_year") or 0)
        out["operation"] = kept
        if not kept:
            del out["operation"]
    if out.get("type") == "session" and out.get("attendance"):
        groups = [dict(r) for r in out.get("attendance_groups") or [] if isinstance(r, Mapping)]
        kept = []
        for line in out["attendance"]:
            parsed_row = attendance_line(line)
            if parsed_row is None:
                kept.append(line)
            elif parsed_row not in groups:
                groups.append(parsed_row)
        out["attendance_groups"] = groups
        out["attendance"] = kept
        if not kept:
            del out["attendance"]
    return out
