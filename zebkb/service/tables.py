"""Import a list (.xlsx or CSV) into the knowledge base: preview, then one transaction.

``preview_table`` reads the list, maps its columns and plans every row
without writing (zebkb/tables/). ``apply_table`` writes the plan as one
transaction and logs it like a bundle import, under an id of its own, so
``undo-import`` puts every record back as it was.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import insert

from zebkb.domain.canonical import record_hash
from zebkb.domain.validate import RecordError
from zebkb.errors import InputError
from zebkb.service.changes import Changes
from zebkb.service.facade import Core
from zebkb.store import records as store
from zebkb.store.models import ImportChange, ImportLog
from zebkb.tables.limits import DEFAULT_LIMITS, Deadline, TableError, TableLimits
from zebkb.tables.mapping import (
    TableMapping,
    guess_mapping,
    load_mapping_file,
    save_mapping,
    saved_mapping,
)
from zebkb.tables.plan import ADD, UNCHANGED, UPDATE, TablePlan, fold_key, plan_rows
from zebkb.tables.read import Table, read_table

if TYPE_CHECKING:
    from zebkb.search.engine import SearchFilters, SearchResult
    from zebkb.service.records import RecordSummary, TableRow
    from zebkb.service.transaction import Txn


class Facade(Core, Protocol):
    """What tables.py uses of the facade (zebkb/service/knowledge_base.py)."""

    def _prepare(
        self,
        txn: Txn,
        data: Mapping[str, Any],
        expected: int | None,
        *,
        versions: Mapping[str, dict[str, Any] | None] | None = ...,
        home_ward: Callable[[], str] | None = ...,
    ) -> tuple[dict[str, Any], bool]: ...

    def _require_home_ward(self, txn: Txn) -> str: ...

    def get(self, uid: str) -> dict[str, Any] | None: ...

    @property
    def home_ward(self) -> str | None: ...

    def list_records(
        self,
        *,
        kind: str | None = ...,
        ward: str | None = ...,
        fiscal_year: int | None = ...,
        include_deleted: bool = ...,
    ) -> list[RecordSummary]: ...

    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = ...,
        limit: int = ...,
        offset: int = ...,
    ) -> SearchResult: ...

    def table_rows(self) -> list[TableRow]: ...


# Import ids of lists start so, to tell them from bundle ids in the exchange log.
TABLE_IMPORT_PREFIX = "table-"


class KnowledgeBaseLookup:
    """The plan's view of the knowledge base: live records by uid and by natural key."""

    def __init__(self, kb: Facade) -> None:
        self._kb = kb
        self._kinds: dict[str, str] = {}
        self._keys: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
        for row in kb.table_rows():
            self._kinds[row.uid] = row.type
            if row.type == "case":
                name = fold_key(row.facility_name)
                if name:
                    self._keys[(row.type, (row.ward, name))].append(row.uid)
            else:
                # The same key as zebkb/tables/plan.py's natural_key: the kind's own date.
                title = fold_key(row.title)
                if title:
                    key = (row.ward, row.record_date or "", title)
                    self._keys[(row.type, key)].append(row.uid)

    def kind_of(self, uid: str) -> str | None:
        return self._kinds.get(uid)

    def find(self, kind: str, key: tuple[str, ...]) -> list[str]:
        return list(self._keys.get((kind, key), []))

    def records(self, uids: list[str]) -> dict[str, dict[str, Any]]:
        wanted = [u for u in dict.fromkeys(uids) if u in self._kinds]
        with self._kb._read() as session:  # same package: one read for every row
            found = store.get_records(session, wanted)
        return {u: r for u, r in found.items() if not r.get("deleted")}


@dataclass
class TablePreview:
    plan: TablePlan
    table: Table
    mapping_source: str  # "guessed", "saved" or "file"


def map_table(
    kb: Facade, table: Table, mapping_path: Path | None = None
) -> tuple[TableMapping, str]:
    """The columns' mapping: a given file, else the one saved for this shape, else a guess."""
    guessed = guess_mapping(table)
    if mapping_path is not None:
        return load_mapping_file(mapping_path, guessed), "file"
    saved = saved_mapping(kb.data_dir, guessed)
    if saved is not None:
        return saved, "saved"
    return guessed, "guessed"


def plan_table(
    kb: Facade,
    table: Table,
    mapping: TableMapping,
    *,
    file_name: str,
    deadline: Deadline | None = None,
) -> TablePlan:
    return plan_rows(
        table,
        mapping,
        KnowledgeBaseLookup(kb),
        file_name=file_name,
        home_ward=kb.home_ward,
        deadline=deadline,
    )


def preview_table(
    kb: Facade,
    path: Path | str,
    *,
    mapping_path: Path | None = None,
    limits: TableLimits = DEFAULT_LIMITS,
    deadline: Deadline | None = None,
) -> TablePreview:
    """Read, map and plan a list; nothing is written."""
    path = Path(path)
    deadline = deadline or Deadline(limits.seconds)
    table = read_table(path, limits=limits, deadline=deadline)
    mapping, source = map_table(kb, table, mapping_path)
    plan = plan_table(kb, table, mapping, file_name=path.name, deadline=deadline)
    return TablePreview(plan=plan, table=table, mapping_source=source)


@dataclass
class TableImportResult:
    import_id: str | None  # None when nothing changed (nothing to undo)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    mapping_file: Path | None = None

    @property
    def changes(self) -> Changes:
        uids = frozenset(self.added) | frozenset(self.updated)
        return Changes(records=uids, exchange_log=bool(uids))


def apply_table(
    kb: Facade,
    plan: TablePlan,
    *,
    remember_mapping: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> TableImportResult:
    """Write a planned list as one transaction; a plan with any problem writes nothing.

    A record changed by someone else since the preview refuses the whole import.
    """
    if not plan.ok:
        first = plan.problems[0]
        more = len(plan.problems) - 1
        tail_en = f" (and {more} more problems)" if more else ""
        tail_ja = f"（ほか{more}件）" if more else ""
        raise InputError(
            f"{plan.file_name}: {first.template('en')}{tail_en}; nothing was imported",
            message_ja=f"{plan.file_name}: {first.template('ja')}{tail_ja}。何も取り込んでいません",
            fiscal_year=first.fiscal_year,
        )
    result = TableImportResult(import_id=None, unchanged=plan.count(UNCHANGED))
    writes = [r for r in plan.rows if r.action in (ADD, UPDATE) and r.record is not None]
    if remember_mapping:
        result.mapping_file = save_mapping(kb.data_dir, plan.mapping)
    if not writes:
        return result
    import_id = TABLE_IMPORT_PREFIX + str(uuid.uuid4())
    with kb.transaction() as txn:
        txn.change_kind = "table-import"
        prepared: list[Mapping[str, Any]] = []
        changes: list[dict[str, str | None]] = []
        uids = [r.uid for r in writes if r.uid]
        current = txn.get_many(uids)
        agreed = txn.agreed_hashes([u for u in uids if u in current])
        home = kb._require_home_ward(txn)
        for done, row in enumerate(writes, start=1):
            assert row.record is not None
            before = current.get(row.uid) if row.uid else None
            if row.action == UPDATE and (before is None or record_hash(before) != row.base_hash):
                raise InputError(
                    f"{plan.file_name}: row {row.row}: the record {row.title!r} changed since"
                    " the preview; preview the list again",
                    message_ja=f"{plan.file_name}: {row.row}行目: 記録「{row.title}」が確認後に"
                    "変更されました。もう一度確認してください",
                )
            try:
                # The editor's own path: assigned fields, revision, timestamps (same package).
                data = row.record if "origin" in row.record else {**row.record, "origin": home}
                record, _existed = kb._prepare(txn, data, row.base_revision, versions=current)
            except RecordError as exc:
                raise InputError(
                    f"{plan.file_name}: row {row.row}: {exc.unfilled_line('en')}",
                    message_ja=f"{plan.file_name}: {row.row}行目: {exc.unfilled_line('ja')}",
                    fiscal_year=exc.fiscal_year,
                ) from None
            prepared.append(record)
            changes.append(
                {
                    "bundle_id": import_id,
                    "uid": record["uid"],
                    "before_hash": None if before is None else record_hash(before),
                    "after_hash": record_hash(record),
                }
            )
            (result.added if before is None else result.updated).append(str(record["uid"]))
            if progress is not None and done % 100 == 0:
                progress(done, len(writes))
        txn.put_current_many(prepared, source="import", bundle_id=import_id)
        summary = {
            "kind": "table",
            "counts": {
                "added": len(result.added),
                "updated": len(result.updated),
                "unchanged": result.unchanged,
            },
            "conflicts": 0,
            # undo-import puts these back; a list does not change what was agreed with peers.
            "agreed_before": {uid: agreed.get(uid) for uid in result.updated},
        }
        session = txn.session
        session.add(
            ImportLog(
                bundle_id=import_id,
                imported_at=txn.saved_at,
                origin=home,
                file_name=plan.file_name,
                summary_json=json.dumps(summary, ensure_ascii=False),
            )
        )
        session.flush()
        session.execute(insert(ImportChange), changes)
    if progress is not None:
        progress(len(writes), len(writes))
    result.import_id = import_id
    return result


def import_table(
    kb: Facade,
    path: Path | str,
    *,
    mapping_path: Path | None = None,
    dry_run: bool = False,
    limits: TableLimits = DEFAULT_LIMITS,
) -> tuple[TablePlan, TableImportResult | None]:
    """Preview and (unless ``dry_run`` or refused) apply, for scripts."""
    preview = preview_table(kb, path, mapping_path=mapping_path, limits=limits)
    if dry_run:
        return preview.plan, None
    return preview.plan, apply_table(kb, preview.plan)


def records_for_list(
    kb: Facade,
    *,
    kind: str | None = None,
    ward: str | None = None,
    fiscal_year: int | None = None,
    query: str | None = None,
    uids: list[str] | None = None,
    limit: int = 100_000,
) -> list[dict[str, Any]]:
    """The live records a list export holds: chosen uids, search hits, or a filter, in order."""
    if uids is not None:
        chosen = list(uids)
    elif query:
        from zebkb.search.engine import SearchFilters

        filters = SearchFilters(
            kinds=(kind,) if kind else (),
            wards=(ward,) if ward else (),
            fiscal_years=(fiscal_year,) if fiscal_year is not None else (),
        )
        chosen = [hit.uid for hit in kb.search(query, filters=filters, limit=limit).hits]
    else:
        summaries = kb.list_records(kind=kind, ward=ward, fiscal_year=fiscal_year)
        # Oldest first by the record's own date, then title: the order a ward's list keeps.
        summaries.sort(key=lambda s: (s.type, s.record_date or "", s.title))
        chosen = [s.uid for s in summaries]
    records = []
    for uid in chosen:
        record = kb.get(uid)
        if record is not None and not record.get("deleted"):
            records.append(record)
    return records


__all__ = [
    "TABLE_IMPORT_PREFIX",
    "KnowledgeBaseLookup",
    "TableError",
    "TableImportResult",
    "TablePreview",
    "apply_table",
    "import_table",
    "map_table",
    "plan_table",
    "preview_table",
    "records_for_list",
]
