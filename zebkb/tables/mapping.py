"""Which column holds which field: guessed from Japanese headers, kept for the next file.

Ward lists name their columns in many ways (施設名 or 建物名称, 延床面積(㎡) or
延べ面積). A header is matched in full first (so 削減率(再エネ除く,%) and
削減率(再エネ含む,%) stay apart), then without its bracketed unit. A mapping
the user confirmed is saved under the list's shape (its headers), so the next
file of the same shape maps itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zebkb.atomicfile import write_file
from zebkb.domain.fields import Field, FieldType, Kind, fields_for
from zebkb.glossary import aside
from zebkb.strictjson import StrictJSONError, loads
from zebkb.tables.limits import TableError
from zebkb.tables.read import Cell, Table, column_letter

MAPPING_FORMAT = "zebkb-table-mapping"
MAPPING_VERSION = 1
MAPPINGS_FOLDER = "tables"
MAX_MAPPING_BYTES = 256 * 1024
_HEADER_SEARCH_ROWS = 20

# Fields a list may set. Assigned fields (origin, timestamps, revision), deletion and
# attachments belong to the knowledge base, not to a list.
_NOT_IMPORTED = frozenset(
    {"origin", "created_at", "updated_at", "revision", "deleted", "attachments"}
)


def _importable() -> dict[str, Field]:
    out: dict[str, Field] = {}
    for kind in Kind:
        for f in fields_for(kind):
            if f.name not in _NOT_IMPORTED:
                out.setdefault(f.name, f)
    return out


IMPORTABLE: dict[str, Field] = _importable()

# Headers seen in the wards' own lists and the Ministry's case sheets (docs/domain-research.md),
# beside each field's own labels, which are always recognised.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "uid": ("レコードid", "記録id"),
    "type": ("記録種別", "記録の種別"),
    "title": ("件名", "タイトル", "表題"),
    "ward": ("区", "区名", "所在区", "区市町村", "区市町村名", "自治体", "自治体名"),
    "facility_name": ("施設名", "施設名称", "建物名", "建物名称", "名称", "施設"),
    "facility_type": ("施設種別", "施設区分", "施設分類", "施設の種類"),
    "building_use": ("用途", "建物用途", "主要用途", "建築物の用途"),
    "project_type": ("新築・改修", "新築/改修", "新築改修", "新築・既存", "工事種別", "工事区分"),
    "zeb_rank": ("zebランク", "zeb区分", "zebレベル", "zeb化レベル", "ランク", "達成ランク"),
    "rank_status": ("認証・相当", "認証/相当", "認証区分"),
    "certified_on": ("認証日", "認証取得日", "認証年月", "認証取得年月", "認証年月日"),
    "floor_area_m2": ("延床面積", "延べ床面積", "延べ面積", "延面積", "床面積"),
    "storeys_above": ("地上階数", "階数(地上)", "地上"),
    "storeys_below": ("地下階数", "階数(地下)", "地下"),
    "structure": ("構造", "構造種別"),
    "completed_on": (
        "竣工年月",
        "竣工日",
        "竣工",
        "竣工年月日",
        "竣工時期",
        "完成年月",
        "竣工予定",
    ),
    "bei": ("bei", "bei値"),
    "reduction_excl_renewables_pct": (
        "削減率(再エネ除く)",
        "一次エネルギー削減率",
        "一次エネ削減率",
        "省エネ率",
        "削減率",
    ),
    "reduction_incl_renewables_pct": ("削減率(再エネ含む)", "創エネ含む削減率"),
    "technologies": ("導入技術", "主な導入技術", "主要設備", "主な導入設備", "技術"),
    "co2_reduction_t_per_year": ("co2削減量", "co2排出削減量"),
    "zeb_leading_owner": ("zebリーディングオーナー", "リーディングオーナー"),
    "uses_unevaluated_technology": ("未評価技術", "未評価技術の導入"),
    "public": ("公開可", "区外公開", "公開"),
    "visited_on": ("視察日", "視察年月日"),
    "host": ("受入先", "視察先"),
    "participants": ("参加者",),
    "purpose": ("目的", "視察目的"),
    "held_on": ("開催日", "開催年月日"),
    "kind": ("種類", "開催種別"),
    "organizer": ("開催主体", "主催", "主催者"),
    "venue": ("場所", "会場"),
    "attendees": ("参加者数", "参加人数"),
    "speakers": ("講師・発表者", "講師", "発表者"),
    "tags": ("タグ", "キーワード"),
    "body": ("本文", "備考", "概要", "内容", "メモ", "工夫・留意点"),
}

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕")


def normalise_header(text: str) -> str:
    """Width, case and spaces folded; ㎡ becomes m2 (NFKC); 、 reads as a comma.

    zebkb's own labels once wrote 削減率(再エネ除く,%) and now write 削減率（再エネ除く、%）:
    a sheet with either header maps to the same field.
    """
    folded = unicodedata.normalize("NFKC", text).replace("、", ",")
    return re.sub(r"\s+", "", folded).casefold()


def _without_brackets(key: str) -> str:
    return _BRACKETED.sub("", key)


def _build_lookup() -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    # A field's own labels first: they are what zebkb exports, and a synonym of one field
    # (竣工予定 for completed_on) must not take another field's label (planned_completion_on).
    own = [
        (name, text) for name, f in IMPORTABLE.items() for text in (f.label_ja, f.label_en, name)
    ]
    synonyms = [(name, text) for name in IMPORTABLE for text in SYNONYMS.get(name, ())]
    for name, text in own + synonyms:
        if not text:
            continue
        key = normalise_header(text)
        exact.setdefault(key, name)
        loose.setdefault(_without_brackets(key), name)
    return exact, loose


_EXACT, _LOOSE = _build_lookup()


def guess_field(header: str) -> str | None:
    """The field a header names, or None when it names none zebkb keeps."""
    key = normalise_header(header)
    if not key:
        return None
    return _EXACT.get(key) or _LOOSE.get(_without_brackets(key))


def header_text(value: Cell) -> str:
    return "" if value is None else str(value).strip()


@dataclass
class TableMapping:
    """Column index -> field name; defaults fill fields no column gives (e.g. 新築・改修)."""

    header_row: int  # the spreadsheet's row number of the header
    headers: list[str]
    columns: dict[int, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def field_of(self, index: int) -> str | None:
        return self.columns.get(index)

    def column_of(self, name: str) -> int | None:
        for index, mapped in self.columns.items():
            if mapped == name:
                return index
        return None

    def column_label(self, index: int, lang: str = "en") -> str:
        """C (延床面積(㎡)) / C列（延床面積(㎡)）: how a problem names a column.

        The header is quoted as the file writes it; only the words around it follow ``lang``.
        """
        header = self.headers[index] if index < len(self.headers) else ""
        letter = column_letter(index) + ("列" if lang == "ja" else "")
        return letter + aside(header, lang) if header else letter

    @property
    def shape(self) -> str:
        return shape_of(self.headers)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": MAPPING_FORMAT,
            "version": MAPPING_VERSION,
            "columns": {
                header: self.columns.get(i) for i, header in enumerate(self.headers) if header
            },
            "defaults": dict(self.defaults),
        }


def shape_of(headers: Sequence[str]) -> str:
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def find_header(table: Table) -> int:
    """The position in ``table.rows`` of the header: the early row naming the most fields.

    Lists often carry a title line (区有施設ZEB化事例一覧) and a date above the header.
    """
    best, best_score = 0, 0
    for position, (_number, cells) in enumerate(table.rows[:_HEADER_SEARCH_ROWS]):
        fields = {guess_field(header_text(c)) for c in cells} - {None}
        if len(fields) > best_score:
            best, best_score = position, len(fields)
    return best


def guess_mapping(table: Table) -> TableMapping:
    if not table.rows:
        raise TableError("the list is empty", message_ja="一覧表が空です")
    position = find_header(table)
    number, cells = table.rows[position]
    headers = [header_text(c) for c in cells]
    mapping = TableMapping(header_row=number, headers=headers)
    taken: set[str] = set()
    for index, header in enumerate(headers):
        name = guess_field(header)
        if name is not None and name not in taken:
            mapping.columns[index] = name
            taken.add(name)
    return mapping


def mapping_from_json(data: Any, base: TableMapping) -> TableMapping:
    """Apply a saved or hand-written mapping (by header text) to a list's headers."""

    def bad(en: str, ja: str) -> TableError:
        return TableError(f"mapping: {en}", message_ja=f"対応表: {ja}")

    if not isinstance(data, Mapping) or data.get("format") != MAPPING_FORMAT:
        raise bad(
            f'not a zebkb column mapping (expected "format": "{MAPPING_FORMAT}")',
            "zebkb の列対応表ではありません",
        )
    if data.get("version") != MAPPING_VERSION:
        raise bad(
            f"version {data.get('version')!r} is not understood (expected {MAPPING_VERSION})",
            f"版 {data.get('version')!r} は読めません",
        )
    columns = data.get("columns", {})
    defaults = data.get("defaults", {})
    if not isinstance(columns, Mapping) or not isinstance(defaults, Mapping):
        raise bad(
            '"columns" and "defaults" must be objects',
            '"columns" と "defaults" はオブジェクトにしてください',
        )
    mapping = TableMapping(header_row=base.header_row, headers=list(base.headers))
    by_header = {normalise_header(h): i for i, h in reversed(list(enumerate(base.headers))) if h}
    taken: dict[str, str] = {}
    for header, name in columns.items():
        if name is None:
            continue
        if not isinstance(name, str) or name not in IMPORTABLE:
            raise bad(
                f"{header!r}: {name!r} is not a field a list can set",
                f"{header}: {name!r} は取り込める項目ではありません",
            )
        index = by_header.get(normalise_header(str(header)))
        if index is None:
            continue  # a column this file does not have
        if name in taken:
            raise bad(
                f"columns {taken[name]!r} and {header!r} both map to {name}",
                f"列「{taken[name]}」と「{header}」が同じ項目 {name} に対応しています",
            )
        taken[name] = str(header)
        mapping.columns[index] = name
    for name, value in defaults.items():
        if name not in IMPORTABLE or not isinstance(value, str):
            raise bad(
                f"default for {name!r} must be text for a field a list can set",
                f"既定値 {name!r} は取り込める項目の文字で指定してください",
            )
        mapping.defaults[name] = value
    return mapping


def load_mapping_file(path: Path, base: TableMapping) -> TableMapping:
    try:
        raw = path.read_bytes()[: MAX_MAPPING_BYTES + 1]
    except OSError as exc:
        raise TableError(
            f"cannot read the mapping {path.name}: {exc.strerror or exc}",
            message_ja=f"対応表 {path.name} を読めません",
        ) from None
    if len(raw) > MAX_MAPPING_BYTES:
        raise TableError(
            f"the mapping {path.name} is larger than {MAX_MAPPING_BYTES:,} bytes",
            message_ja=f"対応表 {path.name} が大きすぎます",
        )
    try:
        data = loads(raw)
    except (StrictJSONError, UnicodeDecodeError) as exc:
        raise TableError(
            f"the mapping {path.name} is not valid JSON ({exc})",
            message_ja=f"対応表 {path.name} は正しいJSONではありません",
        ) from None
    return mapping_from_json(data, base)


def _store(data_dir: Path) -> Path:
    return data_dir / MAPPINGS_FOLDER


def saved_mapping(data_dir: Path, base: TableMapping) -> TableMapping | None:
    """The mapping last confirmed for a list of this shape, if any and still readable."""
    path = _store(data_dir) / f"{base.shape}.json"
    if not path.is_file():
        return None
    try:
        return load_mapping_file(path, base)
    except TableError:
        return None  # a damaged saved mapping is as good as none: the guess stands


def save_mapping(data_dir: Path, mapping: TableMapping) -> Path:
    folder = _store(data_dir)
    folder.mkdir(exist_ok=True)
    target = folder / f"{mapping.shape}.json"
    text = json.dumps(mapping.as_json(), ensure_ascii=False, indent=2) + "\n"
    return write_file(
        target, lambda stream: stream.write(text.encode("utf-8")), example=target.name
    )


def field_type(name: str) -> FieldType:
    return IMPORTABLE[name].type
