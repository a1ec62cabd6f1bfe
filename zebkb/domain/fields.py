"""The record fields of bundle-format.md, declared once.

Validation, the database mapping, the bundle reader and the editing forms all
read these declarations, so a field is added in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from zebkb.domain.limits import TITLE_MAX


class Kind(StrEnum):
    CASE = "case"
    VISIT = "visit"
    SESSION = "session"
    # Bundle format 1.1.
    ISSUE = "issue"  # 課題: a problem the wards capture regularly
    OWNER = "owner"  # a ZEB Leading Owner registration


class FieldType(StrEnum):
    STRING = "string"
    TEXT = "text"  # Markdown or long free text
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"  # YYYY-MM-DD
    TIMESTAMP = "timestamp"  # RFC 3339 with offset
    WARD = "ward"  # local-government code
    WARD_LIST = "ward_list"  # local-government codes (any Japanese municipality)
    UID = "uid"
    STRING_LIST = "string_list"
    UID_LIST = "uid_list"
    ATTACHMENTS = "attachments"
    # Bundle format 1.2: a list of objects, each with the field's declared columns.
    ROWS = "rows"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: FieldType
    required: bool = False
    label_ja: str = ""
    label_en: str = ""
    # Allowed values for closed vocabularies; None means free text.
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None
    exclusive_maximum: bool = False
    max_length: int | None = None
    searchable: bool = False  # its text goes into the full-text index
    # A field of an older bundle format that a newer kind or field replaced: still
    # checked and shown when present, never offered in forms.
    legacy: bool = False
    # The columns of a ROWS field: each row is an object with these keys (and any
    # key a newer zebkb wrote, kept as it is).
    columns: tuple[Field, ...] = ()


def column(field: Field, name: str) -> Field:
    """One declared column of a ROWS field."""
    for c in field.columns:
        if c.name == name:
            return c
    raise KeyError(name)


COMMON_FIELDS: tuple[Field, ...] = (
    Field("uid", FieldType.UID, True, "UID", "UID"),
    Field("type", FieldType.STRING, True, "種別", "Type", choices=tuple(k.value for k in Kind)),
    Field("origin", FieldType.WARD, True, "作成元", "Origin"),
    Field("created_at", FieldType.TIMESTAMP, True, "作成日時", "Created"),
    Field("updated_at", FieldType.TIMESTAMP, True, "更新日時", "Updated"),
    Field("revision", FieldType.INTEGER, True, "版", "Revision", minimum=1),
    Field("deleted", FieldType.BOOLEAN, False, "削除済み", "Deleted"),
    Field("title", FieldType.STRING, True, "件名", "Title", max_length=TITLE_MAX, searchable=True),
    Field("ward", FieldType.WARD, True, "区", "Ward"),
    Field("tags", FieldType.STRING_LIST, False, "タグ", "Tags", searchable=True),
    Field("body", FieldType.TEXT, False, "本文", "Body", searchable=True),
    Field("attachments", FieldType.ATTACHMENTS, False, "添付ファイル", "Attachments"),
    # Bundle format 1.1: on every kind.
    Field("public", FieldType.BOOLEAN, False, "区外公開可", "May be shown outside the wards"),
    Field("source", FieldType.TEXT, False, "出典", "Source", searchable=True),
)

# Fields a tombstone carries; everything else may be absent once deleted.
TOMBSTONE_FIELDS: tuple[str, ...] = (
    "uid",
    "type",
    "origin",
    "created_at",
    "updated_at",
    "revision",
    "deleted",
)

# Fields the service assigns when a caller leaves them out.
ASSIGNED_FIELDS: tuple[str, ...] = ("uid", "origin", "created_at", "updated_at", "revision")

CASE_FIELDS: tuple[Field, ...] = (
    Field("facility_name", FieldType.STRING, True, "施設名", "Facility", searchable=True),
    Field("facility_type", FieldType.STRING, False, "施設種別", "Facility type", searchable=True),
    Field("building_use", FieldType.STRING, False, "建物用途", "Building use", searchable=True),
    Field(
        "project_type",
        FieldType.STRING,
        True,
        "新築・改修",
        "New or renovation",
        choices=("new", "renovation"),
    ),
    Field("zeb_rank", FieldType.STRING, False, "ZEBランク", "ZEB rank"),
    Field(
        "rank_status",
        FieldType.STRING,
        False,
        "認証・相当",
        "Certified or equivalent",
        choices=("certified", "equivalent"),
    ),
    Field("certified_on", FieldType.DATE, False, "認証日", "Certified on"),
    Field(
        "floor_area_m2",
        FieldType.NUMBER,
        False,
        "延床面積（㎡）",
        "Floor area (m²)",
        minimum=0,
        exclusive_minimum=True,
    ),
    Field("storeys_above", FieldType.INTEGER, False, "地上階数", "Storeys above", minimum=0),
    Field("storeys_below", FieldType.INTEGER, False, "地下階数", "Storeys below", minimum=0),
    Field("structure", FieldType.STRING, False, "構造", "Structure", searchable=True),
    Field("completed_on", FieldType.DATE, False, "竣工日", "Completed on"),
    # BEI is the ZEB figure: design ÷ standard primary energy, renewables and
    # "other" energy excluded. 0 would mean a building that uses nothing.
    Field(
        "bei",
        FieldType.NUMBER,
        False,
        "BEI（再エネ除く）",
        "BEI excluding renewables (the ZEB figure)",
        minimum=0,
        exclusive_minimum=True,
    ),
    # Without renewables a building cannot save 100 % or more (BEI would be 0 or
    # less); saving less than -100 % is consuming more than twice the standard.
    Field(
        "reduction_excl_renewables_pct",
        FieldType.NUMBER,
        False,
        "削減率（再エネ除く、%）",
        "Reduction excl. renewables (%)",
        minimum=-100,
        maximum=100,
        exclusive_maximum=True,
    ),
    # With renewables the reduction may pass 100 % (net generation: ZEB, GX ZEH+ ≥ 115 %).
    Field(
        "reduction_incl_renewables_pct",
        FieldType.NUMBER,
        False,
        "削減率（再エネ含む、%）",
        "Reduction incl. renewables (%)",
        minimum=-100,
    ),
    Field(
        "technologies", FieldType.STRING_LIST, False, "導入技術", "Technologies", searchable=True
    ),
    Field(
        "co2_reduction_t_per_year",
        FieldType.NUMBER,
        False,
        "CO2削減量（t/年）",
        "CO2 reduction (t/year)",
        minimum=0,
    ),
    # A yes/no in bundle format 1.0, replaced by the owner kind: a 1.0 record's
    # flag is kept and made into an owner record on upgrade (zebkb/store/upgrades.py).
    Field(
        "zeb_leading_owner",
        FieldType.BOOLEAN,
        False,
        "ZEBリーディング・オーナー（旧形式）",
        "ZEB Leading Owner (old form)",
        legacy=True,
    ),
    # zebkb's own additions; other programs keep unknown fields verbatim (bundle-format.md).
    Field(
        "uses_unevaluated_technology",
        FieldType.BOOLEAN,
        False,
        "未評価技術の導入",
        "Uses a technology not yet evaluated",
    ),
    # Bundle format 1.1: what the figures are and where they come from
    # (the items of a BELS 評価書).
    Field(
        "figures_basis",
        FieldType.STRING,
        False,
        "数値の区分",
        "Figures are",
        choices=("design", "measured"),
    ),
    Field(
        "standard_primary_energy_mj_m2",
        FieldType.NUMBER,
        False,
        "基準一次エネルギー消費量（MJ/㎡・年、その他除く）",
        "Standard primary energy (MJ/m²·year, other excluded)",
        minimum=0,
        exclusive_minimum=True,
    ),
    Field(
        "design_primary_energy_mj_m2",
        FieldType.NUMBER,
        False,
        "設計一次エネルギー消費量（MJ/㎡・年、その他・再エネ除く）",
        "Design primary energy (MJ/m²·year, other and renewables excluded)",
        minimum=0,
        exclusive_minimum=True,
    ),
    Field(
        "evaluation_method",
        FieldType.STRING,
        False,
        "評価方法",
        "Evaluation method",
        choices=("standard_input", "main_room_input", "model_building"),
    ),
    Field("certification_scheme", FieldType.STRING, False, "認証制度", "Certification scheme"),
    Field("certification_body", FieldType.STRING, False, "評価機関", "Certification body"),
    Field("bels_number", FieldType.STRING, False, "BELS評価書番号", "BELS number", max_length=60),
    Field("target_rank", FieldType.STRING, False, "目標ランク", "Target rank"),
    Field(
        "stage",
        FieldType.STRING,
        False,
        "段階",
        "Stage",
        choices=("planning", "design", "construction", "completed", "operation"),
    ),
    Field("planned_completion_on", FieldType.DATE, False, "竣工予定", "Planned completion"),
    # 1.2: when each stage was (or is to be) reached, planned and actual; the 竣工 row's
    # dates are the completion dates (completed_on, planned_completion_on).
    Field(
        "stage_dates",
        FieldType.ROWS,
        False,
        "段階ごとの予定日・実績日",
        "Stage dates, planned and actual",
        columns=(
            Field(
                "stage",
                FieldType.STRING,
                True,
                "段階",
                "Stage",
                choices=("planning", "design", "construction", "completed", "operation"),
            ),
            Field("planned_on", FieldType.DATE, False, "予定日", "Planned"),
            Field("actual_on", FieldType.DATE, False, "実績日", "Actual"),
        ),
    ),
    # Several uses (複合用途), one a line with its area: 「事務所等 1200」.
    Field("uses", FieldType.STRING_LIST, False, "用途と面積（複合用途）", "Uses with areas"),
    Field(
        "total_cost_yen", FieldType.NUMBER, False, "総事業費（円）", "Total cost (yen)", minimum=0
    ),
    Field("subsidy_name", FieldType.STRING, False, "補助金名", "Subsidy", searchable=True),
    Field("subsidy_yen", FieldType.NUMBER, False, "補助額（円）", "Subsidy (yen)", minimum=0),
    Field("designer", FieldType.STRING, False, "設計者", "Designer", searchable=True),
    Field("builder", FieldType.STRING, False, "施工者", "Builder", searchable=True),
    Field("zeb_planner", FieldType.STRING, False, "ZEBプランナー", "ZEB planner", searchable=True),
    Field("address", FieldType.STRING, False, "所在地", "Address", searchable=True),
    # 運用実績 as text lines (bundle format 1.1): 「2022 480 120」 = FY2022, measured
    # primary energy 480 and generation 120 (MJ/㎡・年). Replaced in 1.2 by
    # operation_years; still checked and shown, and moved into rows by the editor.
    Field(
        "operation",
        FieldType.STRING_LIST,
        False,
        "運用実績（旧形式の行）",
        "Operation (old text lines)",
        legacy=True,
    ),
    # 運用実績 (1.2): one row per fiscal year, measured primary energy (MJ/㎡・年). The
    # design figure excludes その他 (office equipment and other plug loads, BELS); a
    # meter's total usually includes it, so each row says which: only a year without
    # その他 compares with design (docs/domain-research.md §5.1). No flag: excluded,
    # as the column was labelled before the flag existed.
    Field(
        "operation_years",
        FieldType.ROWS,
        False,
        "運用実績（年度別）",
        "Operation by fiscal year",
        columns=(
            Field(
                "fiscal_year",
                FieldType.INTEGER,
                True,
                "年度",
                "Fiscal year",
                minimum=1873,
                maximum=9999,
            ),
            Field(
                "primary_energy_mj_m2",
                FieldType.NUMBER,
                True,
                "一次エネルギー消費量実績（MJ/㎡・年）",
                "Measured primary energy (MJ/m²·year)",
                minimum=0,
                exclusive_minimum=True,
            ),
            Field(
                "includes_other",
                FieldType.BOOLEAN,
                False,
                "その他（OA機器等）を含む",
                "Includes other energy (office equipment etc.)",
            ),
            Field(
                "generation_mj_m2",
                FieldType.NUMBER,
                False,
                "発電量実績（MJ/㎡・年）",
                "Measured generation (MJ/m²·year)",
                minimum=0,
            ),
        ),
    ),
    # Houses (ZEH, ZEH-M): what the ZEH definitions' conditions need (ranks.py).
    Field(
        "dwelling_type",
        FieldType.STRING,
        False,
        "住宅の形式",
        "Dwelling type",
        choices=("detached", "apartment"),
    ),
    Field(
        "climate_zone",
        FieldType.INTEGER,
        False,
        "地域区分",
        "Climate zone",
        minimum=1,
        maximum=8,
    ),
    Field(
        "ua_value",
        FieldType.NUMBER,
        False,
        "UA値（W/㎡K）",
        "UA value (W/m²K)",
        minimum=0,
        exclusive_minimum=True,
    ),
    Field(
        "solar_zone",
        FieldType.STRING,
        False,
        "年間日射地域区分",
        "Annual insolation zone",
        choices=("A1", "A2", "A3", "A4", "A5"),
    ),
    Field(
        "snow_depth_cm",
        FieldType.NUMBER,
        False,
        "垂直積雪量（cm）",
        "Design snow depth (cm)",
        minimum=0,
    ),
    Field(
        "north_slant_zone",
        FieldType.BOOLEAN,
        False,
        "北側斜線制限の対象区域",
        "In a zone with the north-side slant limit",
    ),
    Field(
        "lot_area_m2",
        FieldType.NUMBER,
        False,
        "敷地面積（㎡）",
        "Lot area (m²)",
        minimum=0,
        exclusive_minimum=True,
    ),
)

# Bundle format 1.2: rows shared by visits and sessions.
ATTENDANCE_COLUMNS: tuple[Field, ...] = (
    # A ward or any Japanese municipality by its code; organisation for the others
    # (環境省, a university, a design office).
    Field("municipality", FieldType.WARD, False, "区・市町村", "Ward or municipality"),
    Field("organisation", FieldType.STRING, False, "所属", "Organisation"),
    Field("department", FieldType.STRING, False, "部署", "Department"),
    Field("count", FieldType.INTEGER, True, "人数", "Headcount", minimum=0),
)
MATERIALS = Field(
    "materials",
    FieldType.ROWS,
    False,
    "資料",
    "Materials",
    searchable=True,
    columns=(
        Field("number", FieldType.STRING, False, "資料番号", "No.", max_length=40),
        Field("title", FieldType.STRING, True, "資料名", "Title", searchable=True),
        # The SHA-256 of one of the record's own attachments.
        Field("file", FieldType.STRING, False, "添付ファイル", "Attached file"),
        Field("url", FieldType.STRING, False, "掲載先アドレス", "Web address"),
        Field("public", FieldType.BOOLEAN, False, "公開可", "May be made public"),
    ),
)
FOLLOW_UP_ITEMS = Field(
    "follow_up_items",
    FieldType.ROWS,
    False,
    "後日対応",
    "Follow-ups",
    searchable=True,
    columns=(
        Field("what", FieldType.STRING, True, "内容", "What", searchable=True),
        Field("who", FieldType.STRING, False, "担当", "Who", searchable=True),
        Field("due", FieldType.DATE, False, "期限", "Due"),
        Field("done", FieldType.BOOLEAN, False, "完了", "Done"),
    ),
)

VISIT_FIELDS: tuple[Field, ...] = (
    Field("visited_on", FieldType.DATE, True, "視察日", "Visited on"),
    Field(
        "direction",
        FieldType.STRING,
        False,
        "受入・派遣",
        "Received or made",
        choices=("inbound", "outbound"),
    ),
    Field("host", FieldType.STRING, False, "視察先", "Host", searchable=True),
    Field(
        "host_municipality",
        FieldType.WARD,
        False,
        "視察先の団体コード",
        "Host municipality code",
    ),
    Field("facility_case_uid", FieldType.UID, False, "視察施設（事例）", "Facility (case)"),
    Field("participants", FieldType.STRING_LIST, False, "視察者", "Visitors", searchable=True),
    Field(
        "visitor_municipalities",
        FieldType.WARD_LIST,
        False,
        "視察者の団体コード",
        "Visitors' municipality codes",
    ),
    Field("visitor_count", FieldType.INTEGER, False, "視察者数", "Visitors (headcount)", minimum=0),
    Field("host_staff", FieldType.STRING_LIST, False, "対応者", "Received by", searchable=True),
    Field("host_count", FieldType.INTEGER, False, "対応者数", "Hosts (headcount)", minimum=0),
    Field("purpose", FieldType.TEXT, False, "目的", "Purpose", searchable=True),
    Field("topics", FieldType.STRING_LIST, False, "視察事項", "Topics", searchable=True),
    Field("impressions", FieldType.TEXT, False, "所感", "Impressions", searchable=True),
    MATERIALS,
    FOLLOW_UP_ITEMS,
)

SESSION_FIELDS: tuple[Field, ...] = (
    Field("held_on", FieldType.DATE, True, "開催日", "Held on"),
    Field(
        "kind",
        FieldType.STRING,
        False,
        "種類",
        "Kind",
        choices=(
            "study",
            "training",
            "tour",
            "seminar",
            "briefing",
            # Bundle format 1.1.
            "exchange",
            "specialist_training",
            "course",
        ),
    ),
    Field("organizer", FieldType.STRING, False, "開催主体", "Organiser", searchable=True),
    Field("implementer", FieldType.STRING, False, "実施機関", "Implementer", searchable=True),
    Field("host", FieldType.STRING, False, "主催・受入", "Host", searchable=True),
    Field("staff_led", FieldType.BOOLEAN, False, "職員主導", "Led by staff"),
    Field("time", FieldType.STRING, False, "時間", "Time", max_length=40),
    Field(
        "format",
        FieldType.STRING,
        False,
        "開催形式",
        "Format",
        choices=("in_person", "online", "hybrid"),
    ),
    Field("venue", FieldType.STRING, False, "場所", "Venue", searchable=True),
    Field("audience", FieldType.STRING, False, "参加対象", "Audience", searchable=True),
    Field("attendees", FieldType.INTEGER, False, "参加者数", "Attendees", minimum=0),
    # Bundle format 1.1's text lines, 「葛飾区 営繕課 3」: replaced in 1.2 by
    # attendance_groups; still checked and shown, and moved into rows by the editor.
    Field(
        "attendance",
        FieldType.STRING_LIST,
        False,
        "参加内訳（旧形式の行）",
        "Attendance (old text lines)",
        searchable=True,
        legacy=True,
    ),
    Field(
        "attendance_groups",
        FieldType.ROWS,
        False,
        "参加内訳（区・部署別）",
        "Attendance by ward and department",
        searchable=True,
        columns=ATTENDANCE_COLUMNS,
    ),
    Field("speakers", FieldType.STRING_LIST, False, "講師・発表者", "Speakers", searchable=True),
    Field("related_case_uids", FieldType.UID_LIST, False, "関連事例", "Related cases"),
    Field(
        "follow_ups",
        FieldType.TEXT,
        False,
        "質疑応答・意見交換",
        "Questions and discussion",
        searchable=True,
    ),
    MATERIALS,
    FOLLOW_UP_ITEMS,
)

ISSUE_CATEGORIES: tuple[str, ...] = (
    "合意形成",
    "予算",
    "調達",
    "設計",
    "補助制度",
    "運用",
    "人材育成",
    "その他",
)

ISSUE_FIELDS: tuple[Field, ...] = (
    # The April-start year the problem was captured in (2024 = 令和6年度).
    Field(
        "fiscal_year", FieldType.INTEGER, True, "年度", "Fiscal year", minimum=1873, maximum=9999
    ),
    Field("category", FieldType.STRING, True, "分類", "Category", choices=ISSUE_CATEGORIES),
    Field(
        "status",
        FieldType.STRING,
        True,
        "対応状況",
        "Status",
        choices=("open", "in_progress", "resolved"),
    ),
    Field("related", FieldType.UID_LIST, False, "関連する記録", "Related records"),
)

OWNER_FIELDS: tuple[Field, ...] = (
    Field("registered_on", FieldType.DATE, False, "登録日", "Registered on"),
    Field("cases", FieldType.UID_LIST, False, "事例", "Cases"),
    Field("plan", FieldType.TEXT, False, "取組計画", "Action plan", searchable=True),
    Field("targets", FieldType.TEXT, False, "目標", "Targets", searchable=True),
)

KIND_FIELDS: dict[Kind, tuple[Field, ...]] = {
    Kind.CASE: CASE_FIELDS,
    Kind.VISIT: VISIT_FIELDS,
    Kind.SESSION: SESSION_FIELDS,
    Kind.ISSUE: ISSUE_FIELDS,
    Kind.OWNER: OWNER_FIELDS,
}

# The date that places a record in a fiscal year, per kind. A 課題 names its
# fiscal year outright (KIND_FISCAL_YEAR_FIELD).
KIND_DATE_FIELD: dict[Kind, str] = {
    Kind.CASE: "completed_on",
    Kind.VISIT: "visited_on",
    Kind.SESSION: "held_on",
    Kind.OWNER: "registered_on",
}
KIND_FISCAL_YEAR_FIELD: dict[Kind, str] = {Kind.ISSUE: "fiscal_year"}
# A case not yet completed (or whose completion is not on record) is dated by its
# certification, so the list's 日付 and 年度 are not blank for most certified cases.
KIND_DATE_FALLBACK: dict[Kind, tuple[str, ...]] = {Kind.CASE: ("certified_on",)}


def record_date_field(kind: Kind, record: Mapping[str, Any]) -> str | None:
    """The field that dates this record: the kind's own date, else its fallback."""
    first = KIND_DATE_FIELD.get(kind)
    if first is None:
        return None
    for name in (first, *KIND_DATE_FALLBACK.get(kind, ())):
        if isinstance(record.get(name), str) and record.get(name):
            return name
    return first


# The kinds of bundle format 1.0: a 1.0 reader refuses records of any other kind.
KINDS_1_0 = frozenset({Kind.CASE, Kind.VISIT, Kind.SESSION})

LIST_TYPES = frozenset(
    {
        FieldType.STRING_LIST,
        FieldType.UID_LIST,
        FieldType.WARD_LIST,
        FieldType.ATTACHMENTS,
        FieldType.ROWS,
    }
)


def fields_for(kind: Kind | str) -> tuple[Field, ...]:
    """Common fields followed by the kind's own, in display order."""
    return COMMON_FIELDS + KIND_FIELDS[Kind(kind)]


def known_field_names(kind: Kind | str) -> frozenset[str]:
    return frozenset(f.name for f in fields_for(kind))
