"""What the index knows about one record: its searchable text and its facet values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zebkb.domain.fields import Field, FieldType

# zebkb.domain.fields (every record field, about 2 ms to import) is imported where a
# record is made into a document: a search process reads documents, it makes none.

ATTACHMENTS = "attachments"
WARD_NAMES = "ward_names"
TITLE = "title"
FACILITY = "facility_name"


@dataclass(frozen=True)
class IndexDoc:
    """What the index keeps of one record: its text fields and the values filters use."""

    uid: str
    kind: str
    ward: str
    title: str
    # field name -> original text; attachment texts under "attachments"
    fields: dict[str, str]
    rank: str | None
    fiscal_year: int | None
    tags: tuple[str, ...]
    floor_area_m2: float | None
    updated_at: str


def _ward_names(code: str) -> str:
    try:
        from zebkb.domain.wards import ward_name

        names = {ward_name(code, "ja"), ward_name(code, "en")}
    except (ImportError, ValueError):
        return ""
    names.discard(code)
    return " ".join(sorted(names))


def _fiscal_year(kind: str, record: Mapping[str, Any]) -> int | None:
    from zebkb.domain.fields import KIND_FISCAL_YEAR_FIELD, Kind, record_date_field

    try:
        kind_ = Kind(kind)
    except ValueError:
        return None
    if kind_ in KIND_FISCAL_YEAR_FIELD:
        year = record.get(KIND_FISCAL_YEAR_FIELD[kind_])
        return year if isinstance(year, int) and not isinstance(year, bool) else None
    field = record_date_field(kind_, record)
    if field is None:
        return None
    value = record.get(field)
    if not isinstance(value, str):
        return None
    from zebkb.domain.dates import DateError, partial_fiscal_year

    try:
        # A month has its fiscal year; a bare year spans two and has none.
        return partial_fiscal_year(value)
    except DateError:
        return None


def _row_keys(field: Field, string: FieldType) -> tuple[str, ...]:
    # A row's words (a material's title, a follow-up's owner), not its file hash.
    return tuple(c.name for c in field.columns if c.type is string and c.name != "file")


def _text_of(value: Any, row_keys: tuple[str, ...] = ()) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        parts: list[str] = []
        for v in value:
            if isinstance(v, str):
                parts.append(v)
            elif isinstance(v, Mapping):
                parts += [v[k] for k in row_keys if isinstance(v.get(k), str)]
        return "\n".join(parts)
    return ""


def doc_from_record(record: Mapping[str, Any], attachment_texts: Sequence[str] = ()) -> IndexDoc:
    """The index's view of a record (fields as in bundle-format.md)."""
    from zebkb.domain.fields import COMMON_FIELDS, FieldType, fields_for

    kind = str(record.get("type", ""))
    try:
        declared = fields_for(kind)
    except ValueError:
        declared = COMMON_FIELDS
    fields: dict[str, str] = {}
    for field in declared:
        if not field.searchable:
            continue
        text = _text_of(record.get(field.name), _row_keys(field, FieldType.STRING))
        if text:
            fields[field.name] = text
    ward = str(record.get("ward") or "")
    names = _ward_names(ward) if ward else ""
    if names:
        fields[WARD_NAMES] = names
    texts = [t for t in attachment_texts if t]
    if texts:
        fields[ATTACHMENTS] = "\n".join(texts)
    tags = tuple(t for t in record.get("tags") or () if isinstance(t, str))
    area = record.get("floor_area_m2")
    floor_area = (
        float(area) if isinstance(area, int | float) and not isinstance(area, bool) else None
    )
    rank = record.get("zeb_rank")
    return IndexDoc(
        uid=str(record.get("uid", "")),
        kind=kind,
        ward=ward,
        title=str(record.get("title") or ""),
        fields=fields,
        rank=rank if isinstance(rank, str) and rank else None,
        fiscal_year=_fiscal_year(kind, record),
        tags=tags,
        floor_area_m2=floor_area,
        updated_at=str(record.get("updated_at") or ""),
    )
