"""What importing a list would do, row by row, before anything is written.

Each row becomes a record to add, a record to update, an unchanged record, or
a refused row with every problem named by row and column. A row finds its
record by a UID column when the list has one (a list zebkb exported), or else
by its natural key: ward + facility name for a case, ward + the kind's date
+ title for the other kinds. Importing the same list twice therefore updates the
same records and never duplicates them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from zebkb.domain.canonical import normalise_numbers, record_hash
from zebkb.domain.eras import fill_fiscal_year
from zebkb.domain.fields import ASSIGNED_FIELDS, KIND_DATE_FIELD, Kind, known_field_names
from zebkb.domain.ranks import split_rank_status
from zebkb.domain.validate import RecordError, read_field_value, validate_record
from zebkb.domain.vocab import RECORD_TYPES
from zebkb.domain.wards import WardError, resolve_ward
from zebkb.tables.limits import Deadline
from zebkb.tables.mapping import IMPORTABLE, TableMapping
from zebkb.tables.read import Table
from zebkb.tables.values import CellProblem, Value, read_cell

ADD = "add"
UPDATE = "update"
UNCHANGED = "unchanged"
REFUSED = "refused"

_CHECK_EVERY = 256


class Lookup(Protocol):
    """The knowledge base as the plan sees it: read-only."""

    def kind_of(self, uid: str) -> str | None:
        """The type of the live record ``uid``, None when there is none."""
        ...

    def find(self, kind: str, key: tuple[str, ...]) -> list[str]:
        """The live records of ``kind`` with this natural key."""
        ...

    def records(self, uids: list[str]) -> dict[str, dict[str, Any]]:
        """The live records among ``uids``, fetched together."""
        ...


def fold_key(text: str | None) -> str:
    """Names compared loosely: width, case and spaces do not make another facility."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


def natural_key(record: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Ward + facility name (case), else ward + the kind's own date + title."""
    kind = record.get("type")
    ward = record.get("ward") or ""
    if kind == Kind.CASE.value:
        name = fold_key(record.get("facility_name"))
        return (ward, name) if name else None
    title = fold_key(record.get("title"))
    try:
        date_field = KIND_DATE_FIELD.get(Kind(str(kind)))
    except ValueError:
        return None
    when = str(record.get(date_field) or "") if date_field else ""
    return (ward, when, title) if title else None


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str | None  # "C (延床面積(㎡))"
    message_en: str
    message_ja: str
    field: str | None = None  # the field's label, when no column gives it
    # A fiscal year the messages name as {fiscal_year}, written in the reader's date style.
    fiscal_year: int | None = None
    column_ja: str | None = None  # "C列（延床面積(㎡)）": the column as the Japanese line names it

    def message(self, lang: str = "en", style: str = "western") -> str:
        """The message without its row and column."""
        text = self.message_ja if lang == "ja" else self.message_en
        return fill_fiscal_year(text, self.fiscal_year, lang, style)

    def line(self, lang: str = "en", style: str = "western") -> str:
        return fill_fiscal_year(self.template(lang), self.fiscal_year, lang, style)

    def template(self, lang: str = "en") -> str:
        """The line with its fiscal year still ``{fiscal_year}`` (for a message wrapping it)."""
        if lang == "ja":
            column = self.column_ja or (f"{self.column}列" if self.column else None)
            where = f"{self.row}行目" + (f" {column}" if column else "")
            if self.field and not self.column:
                where += f" 項目「{IMPORTABLE[self.field].label_ja}」"
            return f"{where}: {self.message_ja}"
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        if self.field and not self.column:
            where += f", field {IMPORTABLE[self.field].label_en} ({self.field})"
        return f"{where}: {self.message_en}"


@dataclass
class RowPlan:
    row: int
    action: str
    kind: str | None = None
    uid: str | None = None
    title: str = ""
    record: dict[str, Any] | None = None  # what is saved (add/update), lenient form checked
    base_hash: str | None = None  # the version current when planned (update)
    base_revision: int | None = None
    changed: list[str] = field(default_factory=list)  # fields an update changes
    problems: list[Problem] = field(default_factory=list)


@dataclass
class TablePlan:
    file_name: str
    table_kind: str
    mapping: TableMapping
    rows: list[RowPlan]
    encoding: str | None = None
    sheet: str | None = None
    home_ward: str | None = None

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    @property
    def ok(self) -> bool:
        return not any(r.problems for r in self.rows)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "format": self.table_kind,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "header_row": self.mapping.header_row,
            "columns": {
                self.mapping.column_label(i): name
                for i, name in sorted(self.mapping.columns.items())
            },
            "added": self.count(ADD),
            "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED),
            "refused": self.count(REFUSED),
            "problems": [
                {"row": p.row, "column": p.column, "message": p.message()} for p in self.problems
            ],
            "rows": [
                {
                    "row": r.row,
                    "action": r.action,
                    "type": r.kind,
                    "uid": r.uid,
                    "title": r.title,
                    "changed": r.changed,
                }
                for r in self.rows
            ],
        }


def _content(record: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a list can change, without empty ones, for comparing versions."""
    content: dict[str, Any] = normalise_numbers(
        {
            k: v
            for k, v in record.items()
            if k not in ASSIGNED_FIELDS
            and k not in ("attachments", "deleted")
            and v not in (None, [], "")
        }
    )
    return content


@dataclass
class _Pending:
    plan: RowPlan
    kind: Kind
    given: dict[str, Value]


class _RowReader:
    def __init__(self, mapping: TableMapping, lookup: Lookup, home_ward: str | None) -> None:
        self.mapping = mapping
        self.lookup = lookup
        self.home_ward = home_ward
        self.seen_uids: dict[str, int] = {}
        self.seen_keys: dict[tuple[str, ...], int] = {}
        self.defaults: dict[str, Value] = {}
        self.default_problems: list[tuple[str, CellProblem]] = []
        for name, text in mapping.defaults.items():
            value = read_cell(IMPORTABLE[name], text)
            if isinstance(value, CellProblem):
                self.default_problems.append((name, value))
            else:
                self.defaults[name] = value

    def problem(
        self, plan: RowPlan, name: str | None, en: str, ja: str, fiscal_year: int | None = None
    ) -> None:
        index = self.mapping.column_of(name) if name else None
        column = self.mapping.column_label(index) if index is not None else None
        column_ja = self.mapping.column_label(index, "ja") if index is not None else None
        known = name if name in IMPORTABLE else None
        plan.problems.append(Problem(plan.row, column, en, ja, known, fiscal_year, column_ja))

    def refused(self, plan: RowPlan, name: str | None, exc: RecordError) -> None:
        self.problem(plan, name, exc.unfilled("en"), exc.unfilled("ja"), exc.fiscal_year)

    def read(self, number: int, cells: list[Any]) -> RowPlan | _Pending | None:
        """A refused row, a row waiting for its record, or None for a blank row."""
        plan = RowPlan(row=number, action=REFUSED)
        given: dict[str, Value] = {}
        for index, name in self.mapping.columns.items():
            raw = cells[index] if index < len(cells) else None
            value = read_cell(IMPORTABLE[name], raw)
            if isinstance(value, CellProblem):
                self.problem(plan, name, value.message_en, value.message_ja)
                given[name] = None
            else:
                given[name] = value
        if all(v is None for v in given.values()):
            return None  # a blank row under the header (or one with only unmapped notes)
        for name, problem in self.default_problems:
            plan.problems.append(
                Problem(
                    number,
                    None,
                    f"default for {name}: {problem.message_en}",
                    f"{name} の既定値: {problem.message_ja}",
                )
            )
        for name, value in self.defaults.items():
            if given.get(name) is None:
                given[name] = value
        kind = self._kind(plan, given)
        if kind is None:
            return plan
        plan.kind = kind.value
        fields = known_field_names(kind)
        for name, value in given.items():
            if name not in fields and value not in (None, []):
                self.problem(
                    plan, name,
                    f"a {kind.value} has no field {name}; leave the cell empty",
                    f"{RECORD_TYPES.label(kind.value)}にはこの項目がありません。空欄にしてください",
                )  # fmt: skip
        if given.get("ward") is None and self.home_ward is not None:
            given["ward"] = self.home_ward
        self._normalise(plan, kind, given)
        self._match(plan, kind, given)
        if plan.problems:
            return plan
        return _Pending(plan, kind, given)

    def finish(self, pending: _Pending, existing: dict[str, Any] | None) -> None:
        """The row's action, once its record (if any) is fetched."""
        plan, kind, given = pending.plan, pending.kind, pending.given
        fields = known_field_names(kind)
        if existing is not None:
            plan.base_hash = record_hash(existing)
            plan.base_revision = existing.get("revision")
        candidate: dict[str, Any] = dict(existing) if existing else {"type": kind.value}
        candidate.pop("deleted", None)
        for name, value in given.items():
            if name in fields and name != "type":
                if value is None or value == []:
                    candidate.pop(name, None)
                else:
                    candidate[name] = value
        if kind is Kind.CASE and not candidate.get("title") and candidate.get("facility_name"):
            candidate["title"] = candidate["facility_name"]
        if existing is not None and _content(candidate) == _content(existing):
            # Unchanged: a record saved under older rules (say, a certified rank from a
            # bundle without its date) is not refused for what the list did not change.
            plan.title = str(existing.get("title") or "")
            if self._unique(plan, existing, natural_key(existing)):
                plan.action = UNCHANGED
            return
        try:
            clean = validate_record(candidate, strict=False)
        except RecordError as exc:
            self.refused(plan, exc.field, exc)
            return
        clean = {k: v for k, v in clean.items() if v is not None}
        plan.title = str(clean.get("title") or "")
        key = natural_key(clean)
        if not self._unique(plan, clean, key):
            return
        if existing is None:
            plan.action = ADD
            plan.record = clean
            return
        before, after = _content(existing), _content(clean)
        plan.changed = sorted(
            k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
        )
        plan.action = UPDATE if plan.changed else UNCHANGED
        plan.record = clean if plan.changed else None

    def _normalise(self, plan: RowPlan, kind: Kind, given: dict[str, Value]) -> None:
        """Each cell as the record's value (labels to codes, ranks spelled one way)."""
        fields = known_field_names(kind)
        for name, value in list(given.items()):
            if value is None or name in ("type", "uid") or name not in fields:
                continue
            if name == "zeb_rank" and isinstance(value, str) and given.get("rank_status") is None:
                # "ZEB Oriented相当" in one cell says the status too.
                given["rank_status"] = split_rank_status(value)[1]
            try:
                given[name] = read_field_value(IMPORTABLE[name], value)
            except RecordError as exc:
                self.refused(plan, name, exc)
                given[name] = None

    def _kind(self, plan: RowPlan, given: dict[str, Value]) -> Kind | None:
        raw = given.pop("type", None)
        if raw is None:
            uid = given.get("uid")
            current = self.lookup.kind_of(uid) if isinstance(uid, str) and uid else None
            return Kind(current) if current else Kind.CASE
        value = RECORD_TYPES.lookup(str(raw))
        if value is None:
            self.problem(
                plan, "type",
                f"not a record type: {raw!r} (事例, 視察記録 or 勉強会・研修)",
                f"記録の種別として読めません: {raw}（事例、視察記録、勉強会・研修）",
            )  # fmt: skip
            return None
        return Kind(value)

    def _match(self, plan: RowPlan, kind: Kind, given: dict[str, Value]) -> None:
        """The uid the row is about: its UID cell, else the one record with its natural key."""
        uid = given.get("uid")
        if isinstance(uid, str) and uid:
            plan.uid = uid
            current = self.lookup.kind_of(uid)
            if current is not None and current != kind.value:
                self.problem(
                    plan, "uid",
                    f"record {uid[:8]}… is a {current}, not a {kind.value}",
                    f"UID {uid[:8]}… の記録は種別が違います",
                )  # fmt: skip
            return
        probe = {k: v for k, v in given.items() if k != "uid"}
        probe["type"] = kind.value
        if isinstance(probe.get("ward"), str):
            try:
                probe["ward"] = resolve_ward(str(probe["ward"]))
            except WardError:
                return
        key = natural_key(probe)
        if key is None:
            return
        matches = self.lookup.find(kind.value, key)
        if len(matches) > 1:
            self.problem(
                plan, None,
                f"{len(matches)} records in the knowledge base match this row; add a UID column"
                " to say which",
                f"この行に当てはまる記録が{len(matches)}件あります。UID列で指定してください",
            )  # fmt: skip
        elif matches:
            plan.uid = matches[0]

    def _unique(self, plan: RowPlan, clean: Mapping[str, Any], key: tuple[str, ...] | None) -> bool:
        uid = plan.uid
        if uid is not None:
            earlier = self.seen_uids.get(uid)
            if earlier is not None:
                self.problem(
                    plan, "uid",
                    f"the same record as row {earlier}",
                    f"{earlier}行目と同じ記録です",
                )  # fmt: skip
                return False
            self.seen_uids[uid] = plan.row
        if key is not None:
            earlier = self.seen_keys.get(key)
            if earlier is not None:
                name = "facility_name" if clean.get("type") == Kind.CASE.value else "title"
                self.problem(
                    plan, name,
                    f"the same record as row {earlier} (same ward and "
                    + ("facility name)" if name == "facility_name" else "date and title)"),
                    f"{earlier}行目と同じ記録です（区と"
                    + ("施設名が同じ）" if name == "facility_name" else "日付・件名が同じ）"),
                )  # fmt: skip
                return False
            self.seen_keys[key] = plan.row
        return True


def plan_rows(
    table: Table,
    mapping: TableMapping,
    lookup: Lookup,
    *,
    file_name: str,
    home_ward: str | None,
    deadline: Deadline | None = None,
) -> TablePlan:
    """Read every row under the header; nothing is written."""
    reader = _RowReader(mapping, lookup, home_ward)
    rows: list[RowPlan] = []
    pending: list[_Pending] = []
    for position, (number, cells) in enumerate(table.rows):
        if number <= mapping.header_row:
            continue
        if deadline is not None and position % _CHECK_EVERY == 0:
            deadline.check()
        row = reader.read(number, cells)
        if isinstance(row, _Pending):
            pending.append(row)
            rows.append(row.plan)
        elif row is not None:
            rows.append(row)
    # The rows' records in one read, not one query a row (5,000 rows: 12 s -> well under 1 s).
    existing = lookup.records([p.plan.uid for p in pending if p.plan.uid])
    for position, waiting in enumerate(pending):
        if deadline is not None and position % _CHECK_EVERY == 0:
            deadline.check()
        reader.finish(waiting, existing.get(waiting.plan.uid or ""))
    plan = TablePlan(
        file_name=file_name,
        table_kind=table.kind,
        mapping=mapping,
        rows=rows,
        encoding=table.encoding,
        sheet=table.sheet,
        home_ward=home_ward,
    )
    return plan


def unmapped_required(mapping: TableMapping) -> list[str]:
    """Required case fields neither a column nor a default gives (shown in the mapping step)."""
    given = set(mapping.columns.values()) | set(mapping.defaults)
    wanted = ["facility_name", "project_type"]
    return [n for n in wanted if n not in given]
