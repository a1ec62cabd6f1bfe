"""Record validation against bundle-format.md, strict and lenient, and the soft warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.domain.canonical import normalise_numbers
from zebkb.domain.fields import (
    ASSIGNED_FIELDS,
    TOMBSTONE_FIELDS,
    Field,
    FieldType,
    Kind,
    fields_for,
)
from zebkb.domain.validate import RecordError, record_warnings, validate_record
from zebkb.domain.vocab import BUILDING_USES
from zebkb.domain.wards import OTHER_MUNICIPALITIES, WARDS

UID = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"
OTHER_UID = "6f1c2f0e-8a7e-4c55-9d8e-1b2a3c4d5e6f"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

COMMON = {
    "uid": UID,
    "origin": "131229",
    "created_at": "2025-03-18T09:00:00+09:00",
    "updated_at": "2025-03-18T09:00:00+09:00",
    "revision": 1,
    "title": "清掃事務所の視察",
    "ward": "131229",
}
CASE = {
    **COMMON,
    "type": "case",
    "facility_name": "葛飾区清掃事務所",
    "project_type": "new",
    "zeb_rank": "ZEB Ready",
    "rank_status": "equivalent",
    "reduction_excl_renewables_pct": 51,
}
VISIT = {
    **COMMON,
    "type": "visit",
    "visited_on": "2024-10-21",
    "host": "葛飾区",
    "facility_case_uid": OTHER_UID,
    "participants": ["環境省", "杉並区", "市川市", "さいたま市", "藤野先生"],
}
SESSION = {
    **COMMON,
    "type": "session",
    "held_on": "2024-11-05",
    "kind": "study",
    "organizer": "特別区",
    "attendees": 24,
    "related_case_uids": [OTHER_UID],
}
BASES = {"case": CASE, "visit": VISIT, "session": SESSION}
ATTACHMENT = {"sha256": SHA, "filename": "外観.jpg", "media_type": "image/jpeg", "size": 51234}


def _refused(record: dict[str, Any], **kwargs: Any) -> RecordError:
    with pytest.raises(RecordError) as info:
        validate_record(record, **kwargs)
    return info.value


@pytest.mark.parametrize("kind", ["case", "visit", "session"])
def test_valid_records_come_back_equal(kind: str) -> None:
    record = BASES[kind]
    assert validate_record(record) == record
    assert validate_record(record) is not record


@pytest.mark.parametrize(
    ("kind", "patch"),
    [
        ("case", {"deleted": False}),
        ("case", {"deleted": None}),
        ("case", {"tags": ["ZEB", "学校"], "body": "# 工夫\n断熱を強化"}),
        ("case", {"attachments": [ATTACHMENT]}),
        ("case", {"attachments": [{**ATTACHMENT, "caption": "南面", "omitted": True}]}),
        ("case", {"attachments": [{**ATTACHMENT, "size": 0, "future_key": [1]}]}),
        ("case", {"attachments": []}),
        ("case", {"tags": None, "body": None, "attachments": None}),
        ("case", {"title": "x" * 200}),
        ("case", {"origin": "122033"}),  # a partner city created it
        ("case", {"updated_at": "2025-03-18T00:00:00Z"}),
        ("case", {"updated_at": "2025-03-18T00:00:00.123456+00:00"}),
        ("case", {"updated_at": "2025-03-18t00:00:00z"}),
        ("case", {"rank_status": "certified", "certified_on": "2021-10-01"}),
        ("case", {"rank_status": None, "zeb_rank": None}),
        ("case", {"zeb_rank": "GX ZEH 6"}),  # later ranks are kept as given
        ("case", {"building_use": "集会所等", "facility_type": "プール棟"}),
        ("case", {"floor_area_m2": 0.5, "storeys_above": 0, "storeys_below": 0}),
        ("case", {"bei": 0.01, "co2_reduction_t_per_year": 0}),
        ("case", {"reduction_excl_renewables_pct": -3.5, "reduction_incl_renewables_pct": 120}),
        ("case", {"structure": "RC造一部S造", "completed_on": "2025-01-31"}),
        ("case", {"technologies": ["BEMS", "地中熱"], "zeb_leading_owner": True}),
        ("case", {"uses_unevaluated_technology": False, "public": True}),
        ("case", {"x_newer_field": {"nested": [1, "a", None]}}),
        ("visit", {"facility_case_uid": None, "participants": [], "purpose": "意見交換"}),
        ("session", {"kind": "briefing", "attendees": 0, "venue": "区役所", "speakers": ["A"]}),
        ("session", {"kind": None, "attendees": None}),
    ],
)
def test_valid_variants(kind: str, patch: dict[str, Any]) -> None:
    record = {**BASES[kind], **patch}
    assert validate_record(record) == normalise_numbers(record)


def test_integral_floats_become_integers() -> None:
    result = validate_record({**CASE, "revision": 2.0, "floor_area_m2": 1200.0, "bei": 0.49})
    assert result["revision"] == 2
    assert type(result["revision"]) is int
    assert type(result["floor_area_m2"]) is int
    assert result["bei"] == 0.49


def test_unknown_fields_are_kept_verbatim() -> None:
    extra = {"x_photos_taken_by": "営繕課", "x_list": ["a", {"b": "c"}]}
    result = validate_record({**SESSION, **extra})
    for key, value in extra.items():
        assert result[key] == value


DELETE = object()


@pytest.mark.parametrize(
    ("kind", "patch", "field", "fragment"),
    [
        # Common fields.
        ("case", {"uid": DELETE}, "uid", "required"),
        ("case", {"uid": UID.upper()}, "uid", "lowercase canonical UUID"),
        ("case", {"uid": UID.replace("-", "")}, "uid", "UUID"),
        ("case", {"uid": "{" + UID + "}"}, "uid", "UUID"),
        ("case", {"uid": 5}, "uid", "UUID"),
        ("case", {"type": DELETE}, "type", "required"),
        ("case", {"type": "building"}, "type", "one of case, visit, session"),
        ("case", {"origin": "131228"}, "origin", "check digit"),
        ("case", {"origin": "葛飾区"}, "origin", "6-digit"),
        ("case", {"origin": 131229}, "origin", "6-digit"),
        ("case", {"created_at": "2025-03-18T09:00:00"}, "created_at", "offset"),
        ("case", {"created_at": "2025-03-18"}, "created_at", "RFC 3339"),
        ("case", {"updated_at": "2025-02-30T09:00:00+09:00"}, "updated_at", "RFC 3339"),
        ("case", {"updated_at": "2025-03-18T25:00:00+09:00"}, "updated_at", "RFC 3339"),
        ("case", {"updated_at": "2025-W12-1T09:00:00+09:00"}, "updated_at", "RFC 3339"),
        ("case", {"updated_at": DELETE}, "updated_at", "required"),
        ("case", {"revision": 0}, "revision", "at least 1"),
        ("case", {"revision": True}, "revision", "whole number"),
        ("case", {"revision": 1.5}, "revision", "whole number"),
        ("case", {"revision": "1"}, "revision", "whole number"),
        ("case", {"revision": 2**53 + 1}, "revision", "2^53"),
        ("case", {"deleted": "false"}, "deleted", "true or false"),
        ("case", {"deleted": 0}, "deleted", "true or false"),
        ("case", {"title": ""}, "title", "empty"),
        ("case", {"title": "x" * 201}, "title", "at most 200"),
        ("case", {"title": None}, "title", "required"),
        ("case", {"title": ["a"]}, "title", "text"),
        ("case", {"ward": "999999"}, "ward", "local-government code"),
        ("case", {"ward": DELETE}, "ward", "required"),
        ("case", {"tags": "ZEB"}, "tags", "list"),
        ("case", {"tags": ["ZEB", 1]}, "tags", "item 2"),
        ("case", {"body": 5}, "body", "text"),
        ("case", {"attachments": {}}, "attachments", "list"),
        ("case", {"attachments": ["x"]}, "attachments", "object"),
        ("case", {"attachments": [{**ATTACHMENT, "sha256": SHA.upper()}]}, "attachments", "sha256"),
        ("case", {"attachments": [{**ATTACHMENT, "sha256": SHA[:-1]}]}, "attachments", "sha256"),
        ("case", {"attachments": [{**ATTACHMENT, "filename": ""}]}, "attachments", "filename"),
        (
            "case",
            {"attachments": [{**ATTACHMENT, "filename": "a/b.jpg"}]},
            "attachments",
            "filename",
        ),
        (
            "case",
            {"attachments": [{**ATTACHMENT, "filename": "a\\b.jpg"}]},
            "attachments",
            "filename",
        ),
        ("case", {"attachments": [{**ATTACHMENT, "filename": ".."}]}, "attachments", "filename"),
        (
            "case",
            {"attachments": [{**ATTACHMENT, "media_type": None}]},
            "attachments",
            "media_type",
        ),
        ("case", {"attachments": [{**ATTACHMENT, "size": -1}]}, "attachments", "size"),
        ("case", {"attachments": [{**ATTACHMENT, "size": True}]}, "attachments", "size"),
        ("case", {"attachments": [{**ATTACHMENT, "size": "12"}]}, "attachments", "size"),
        ("case", {"attachments": [{**ATTACHMENT, "caption": 3}]}, "attachments", "caption"),
        ("case", {"attachments": [{**ATTACHMENT, "omitted": "yes"}]}, "attachments", "omitted"),
        (
            "case",
            {"attachments": [ATTACHMENT, {**ATTACHMENT, "size": None}]},
            "attachments",
            "attachment 2",
        ),
        # Case fields.
        ("case", {"facility_name": DELETE}, "facility_name", "required"),
        ("case", {"facility_name": "  "}, "facility_name", "empty"),
        ("case", {"project_type": "rebuild"}, "project_type", "new, renovation"),
        ("case", {"project_type": None}, "project_type", "required"),
        ("case", {"building_use": "office"}, "building_use", "事務所等"),
        ("case", {"zeb_rank": 1}, "zeb_rank", "text"),
        ("case", {"rank_status": "相当"}, "rank_status", "certified, equivalent"),
        ("case", {"certified_on": "2021-10-01"}, "certified_on", "certified"),
        ("case", {"rank_status": None, "certified_on": "2021-10-01"}, "certified_on", "certified"),
        (
            "case",
            {"rank_status": "certified", "certified_on": "2021/10/01"},
            "certified_on",
            "YYYY-MM-DD",
        ),
        ("case", {"floor_area_m2": 0}, "floor_area_m2", "greater than 0"),
        ("case", {"floor_area_m2": -5}, "floor_area_m2", "greater than 0 (got -5)"),
        ("case", {"floor_area_m2": "1200"}, "floor_area_m2", "number"),
        ("case", {"floor_area_m2": True}, "floor_area_m2", "number"),
        ("case", {"floor_area_m2": float("nan")}, "floor_area_m2", "finite"),
        ("case", {"floor_area_m2": float("inf")}, "floor_area_m2", "finite"),
        ("case", {"storeys_above": -1}, "storeys_above", "at least 0"),
        ("case", {"storeys_below": 1.5}, "storeys_below", "whole number"),
        ("case", {"completed_on": "2024-02-30"}, "completed_on", "real date"),
        ("case", {"completed_on": "令和7年1月31日"}, "completed_on", "YYYY-MM-DD"),
        ("case", {"completed_on": "2025-1-31"}, "completed_on", "YYYY-MM-DD"),
        ("case", {"bei": -0.1}, "bei", "greater than 0"),
        ("case", {"bei": 0}, "bei", "greater than 0"),
        (
            "case",
            {"reduction_excl_renewables_pct": "51%"},
            "reduction_excl_renewables_pct",
            "number",
        ),
        (
            "case",
            {"reduction_incl_renewables_pct": False},
            "reduction_incl_renewables_pct",
            "number",
        ),
        ("case", {"technologies": [None]}, "technologies", "item 1"),
        ("case", {"co2_reduction_t_per_year": -1}, "co2_reduction_t_per_year", "at least 0"),
        ("case", {"zeb_leading_owner": "true"}, "zeb_leading_owner", "true or false"),
        (
            "case",
            {"uses_unevaluated_technology": 1},
            "uses_unevaluated_technology",
            "true or false",
        ),
        # Visit fields.
        ("visit", {"visited_on": DELETE}, "visited_on", "required"),
        ("visit", {"visited_on": "2024-10-21T10:00:00+09:00"}, "visited_on", "YYYY-MM-DD"),
        ("visit", {"facility_case_uid": "case-1"}, "facility_case_uid", "UUID"),
        ("visit", {"participants": [1]}, "participants", "item 1"),
        ("visit", {"host": 3}, "host", "text"),
        # Session fields.
        ("session", {"held_on": None}, "held_on", "required"),
        ("session", {"kind": "勉強会"}, "kind", "study, training, tour, seminar, briefing"),
        ("session", {"attendees": -1}, "attendees", "at least 0"),
        ("session", {"attendees": 2.5}, "attendees", "whole number"),
        ("session", {"speakers": "藤野先生"}, "speakers", "list"),
        (
            "session",
            {"related_case_uids": [OTHER_UID, OTHER_UID.upper()]},
            "related_case_uids",
            "item 2",
        ),
    ],
)
def test_invalid(kind: str, patch: dict[str, Any], field: str, fragment: str) -> None:
    record = {**BASES[kind], **patch}
    record = {k: v for k, v in record.items() if v is not DELETE}
    error = _refused(record)
    assert error.field == field
    assert fragment in str(error)
    assert "\n" not in str(error)
    assert error.message_ja
    assert "\n" not in error.line_ja()
    assert isinstance(error, ValueError)


def test_error_line_names_record_field_and_value_and_takes_a_position() -> None:
    error = _refused({**CASE, "floor_area_m2": -5})
    assert error.uid == UID
    assert str(error) == (
        "record 1b2c3d4e…: field floor_area_m2: must be a number greater than 0 (got -5)"
    )
    error.where = "line 3"
    assert str(error).startswith("line 3: record 1b2c3d4e…: field floor_area_m2:")
    assert error.line_ja().startswith("line 3: レコード 1b2c3d4e…: 項目「延床面積（㎡）」")


@pytest.mark.parametrize("value", [None, [], "record", 5])
def test_a_record_must_be_an_object(value: Any) -> None:
    with pytest.raises(RecordError, match="JSON object") as info:
        validate_record(value)
    assert info.value.uid is None
    assert info.value.field is None


def test_tombstone_needs_only_the_tombstone_fields() -> None:
    tombstone = {name: CASE[name] for name in TOMBSTONE_FIELDS if name in CASE}
    tombstone |= {"deleted": True, "revision": 2}
    assert validate_record(tombstone) == tombstone
    # A tombstone still needs every tombstone field, in the right form.
    for name in TOMBSTONE_FIELDS:
        if name == "deleted":
            continue
        broken = {k: v for k, v in tombstone.items() if k != name}
        assert _refused(broken).field == name
    assert _refused({**tombstone, "revision": 0}).field == "revision"


def test_clock_guard() -> None:
    now = datetime(2025, 3, 18, 0, 0, tzinfo=UTC)
    just_inside = (now + timedelta(hours=23, minutes=59)).isoformat()
    validate_record({**CASE, "updated_at": just_inside}, now=now)
    too_far = (now + timedelta(hours=24, seconds=1)).astimezone(timezone(timedelta(hours=9)))
    error = _refused({**CASE, "updated_at": too_far.isoformat()}, now=now)
    assert error.field == "updated_at"
    assert "24 hours" in str(error)
    # Without a clock the guard is off.
    validate_record({**CASE, "updated_at": "2099-01-01T00:00:00+09:00"})
    # It applies to tombstones too: they take part in merges.
    tombstone = {k: CASE[k] for k in TOMBSTONE_FIELDS if k in CASE} | {"deleted": True}
    assert _refused({**tombstone, "updated_at": "2099-01-01T00:00:00Z"}, now=now).field == (
        "updated_at"
    )


# Lenient input ---------------------------------------------------------------


def test_lenient_accepts_what_a_person_types() -> None:
    typed = {
        "type": "事例",
        "title": " 水元小学校 ",
        "ward": "葛飾",
        "facility_name": "葛飾区立水元小学校",
        "project_type": "新築",
        "building_use": "学校等",
        "zeb_rank": "ZEB Oriented相当",
        "floor_area_m2": 7985.46,
        "completed_on": "令和7年1月31日",
        "storeys_above": 3,
        "technologies": ["Low-E複層ガラス", " ", "BEMS"],
        "structure": "",
    }
    result = validate_record(typed, strict=False)
    assert result["type"] == "case"
    assert result["title"] == "水元小学校"
    assert result["ward"] == "131229"
    assert result["project_type"] == "new"
    assert result["zeb_rank"] == "ZEB Oriented"
    assert result["rank_status"] == "equivalent"
    assert result["completed_on"] == "2025-01-31"
    assert result["technologies"] == ["Low-E複層ガラス", "BEMS"]
    assert result["structure"] is None
    for name in ASSIGNED_FIELDS:
        assert name not in result
    # The same record is refused where a bundle is expected.
    assert _refused({**typed, "type": "case"}).field in ASSIGNED_FIELDS


def test_lenient_labels_and_dates() -> None:
    result = validate_record(
        {
            "type": "session",
            "title": "ZEB勉強会",
            "ward": "Katsushika",
            "held_on": "R6.11.5",
            "kind": "勉強会",
            "origin": "杉並区",
        },
        strict=False,
    )
    assert result["held_on"] == "2024-11-05"
    assert result["kind"] == "study"
    assert result["origin"] == "131156"
    visit = validate_record(
        {
            "type": "visit",
            "title": "清掃事務所視察",
            "ward": "131229",
            "visited_on": "令和6年10月21日(月)",
        },
        strict=False,
    )
    assert visit["visited_on"] == "2024-10-21"


@pytest.mark.parametrize(
    ("patch", "field", "fragment"),
    [
        ({"visited_on": "令和6年10月21日(火)"}, "visited_on", "Tue"),
        ({"visited_on": "平成32年1月1日"}, "visited_on", "平成 ended"),
        ({"ward": "ゴッサム"}, "ward", "unknown ward"),
        ({"title": "   "}, "title", "empty"),
        ({"uid": "not-a-uid"}, "uid", "UUID"),
        ({"revision": 0}, "revision", "at least 1"),
    ],
)
def test_lenient_still_refuses(patch: dict[str, Any], field: str, fragment: str) -> None:
    typed = {"type": "visit", "title": "視察", "ward": "葛飾区", "visited_on": "2024-10-21"}
    error = _refused({**typed, **patch}, strict=False)
    assert error.field == field
    assert fragment in str(error)


# Soft rules ------------------------------------------------------------------


def test_no_warnings_for_a_consistent_case() -> None:
    assert record_warnings({**CASE, "bei": 0.49}) == []
    assert record_warnings(VISIT) == []


def test_warning_when_stated_rank_is_higher_than_figures() -> None:
    stated = {**CASE, "zeb_rank": "Nearly ZEB", "reduction_incl_renewables_pct": 60}
    warnings = record_warnings(stated)
    assert len(warnings) == 1
    assert "Nearly ZEB is higher than the figures support" in warnings[0]
    assert record_warnings(stated, "ja")[0].startswith("記載ランク")
    # Without the figure that would settle it, there is nothing to warn about.
    assert record_warnings({**CASE, "zeb_rank": "Nearly ZEB"}) == []


def test_warning_when_ready_may_apply_to_a_stated_oriented() -> None:
    warnings = record_warnings({**CASE, "zeb_rank": "ZEB Oriented"})
    assert len(warnings) == 1
    assert "ZEB Ready may apply" in warnings[0]


def test_warning_when_incl_is_below_excl() -> None:
    warnings = record_warnings({**CASE, "reduction_incl_renewables_pct": 40})
    assert warnings == ["the reduction including renewables (40%) is lower than without (51%)"]


def test_warning_when_bei_and_reduction_disagree_in_a_ward_case() -> None:
    assert record_warnings({**CASE, "bei": 0.47}) == []  # 53 vs 51: within 2 points
    (warning,) = record_warnings({**CASE, "bei": 0.40})
    assert "BEI 0.4" in warning
    assert "60%" in warning
    # Outside the 23 wards the rule does not apply.
    assert record_warnings({**CASE, "bei": 0.40, "ward": "122033"}) == []


def test_warning_for_certified_without_date_and_status_without_rank() -> None:
    (warning,) = record_warnings({**CASE, "rank_status": "certified"})
    assert "certification date" in warning
    (warning,) = record_warnings({**CASE, "zeb_rank": None})
    assert "without a rank" in warning


def test_tombstones_have_no_warnings() -> None:
    assert record_warnings({**CASE, "deleted": True, "zeb_rank": "ZEB"}) == []


# Properties ------------------------------------------------------------------

_KNOWN_CODES = [w.code for w in WARDS + OTHER_MUNICIPALITIES]
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_timestamps = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2090, 12, 31),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))]),
).map(lambda d: d.isoformat(timespec="seconds"))


def _strategy(f: Field) -> st.SearchStrategy[Any]:
    if f.choices is not None:
        return st.sampled_from(f.choices)
    if f.name == "building_use":
        return st.sampled_from(BUILDING_USES.values())
    if f.name == "title":
        return st.text(min_size=1, max_size=200).filter(str.strip)
    if f.name == "deleted":
        return st.just(False)
    if f.name == "operation":  # 「年度 一次エネ 発電量」 lines
        line = st.builds(lambda y, e: f"{y} {e}", st.integers(1900, 2100), st.integers(0, 10**5))
        return st.lists(line, max_size=3)
    match f.type:
        case FieldType.STRING:
            return _text.filter(str.strip) if f.required else _text
        case FieldType.TEXT:
            return _text
        case FieldType.INTEGER:
            high = int(f.maximum) if f.maximum is not None else 10**6
            return st.integers(min_value=int(f.minimum or 0), max_value=high)
        case FieldType.NUMBER:
            low = f.minimum if f.minimum is not None else -1e6
            return st.floats(
                min_value=low,
                max_value=f.maximum if f.maximum is not None else 1e6,
                exclude_min=f.exclusive_minimum,
                exclude_max=f.exclusive_maximum,
                allow_nan=False,
            )
        case FieldType.BOOLEAN:
            return st.booleans()
        case FieldType.DATE:
            # A day, a month or a year (bundle format 1.1).
            return st.dates(min_value=date(1873, 1, 1)).flatmap(
                lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]])
            )
        case FieldType.TIMESTAMP:
            return _timestamps
        case FieldType.WARD:
            return st.sampled_from(_KNOWN_CODES)
        case FieldType.WARD_LIST:
            return st.lists(st.sampled_from(_KNOWN_CODES), max_size=3)
        case FieldType.UID:
            return st.uuids().map(str)
        case FieldType.STRING_LIST:
            return st.lists(_text, max_size=4)
        case FieldType.UID_LIST:
            return st.lists(st.uuids().map(str), max_size=3)
        case FieldType.ATTACHMENTS:
            return st.lists(
                st.fixed_dictionaries(
                    {
                        "sha256": st.binary(min_size=32, max_size=32).map(bytes.hex),
                        "filename": st.from_regex(r"[a-z0-9_]{1,12}\.(jpg|pdf)", fullmatch=True),
                        "media_type": st.sampled_from(["image/jpeg", "application/pdf"]),
                        "size": st.integers(min_value=0, max_value=10**9),
                    },
                    optional={"caption": _text, "omitted": st.booleans()},
                ),
                max_size=3,
            )
        case FieldType.ROWS:
            required = {c.name: _strategy(c) for c in f.columns if c.required}
            optional = {c.name: _strategy(c) for c in f.columns if not c.required}
            optional.pop("file", None)  # must name one of the record's attachments
            if "url" in optional:
                optional["url"] = st.from_regex(
                    r"https://[a-z]{1,10}\.jp/[a-z0-9]{0,8}", fullmatch=True
                )
            return st.lists(st.fixed_dictionaries(required, optional=optional), max_size=3)
    raise AssertionError(f.type)


@st.composite
def valid_records(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(Kind)))
    record: dict[str, Any] = {"type": kind.value}
    for f in fields_for(kind):
        if f.name == "type":
            continue
        if f.required or draw(st.booleans()):
            record[f.name] = draw(_strategy(f))
    if record.get("rank_status") != "certified":
        record.pop("certified_on", None)
    for name, key in (("operation_years", "fiscal_year"), ("stage_dates", "stage")):
        if name in record:  # one row per fiscal year, per stage
            record[name] = list({row[key]: row for row in record[name]}.values())
    r_ex = record.get("reduction_excl_renewables_pct")
    r_in = record.get("reduction_incl_renewables_pct")
    if r_ex is not None and r_in is not None and r_in < r_ex:
        # Renewables only ever add to the reduction: the lower figure is without them.
        record["reduction_excl_renewables_pct"], record["reduction_incl_renewables_pct"] = (
            r_in,
            r_ex,
        )
    return record


@given(valid_records())
@settings(max_examples=150, deadline=None)
def test_random_valid_records_validate_and_come_back_equal(record: dict[str, Any]) -> None:
    assert validate_record(record) == normalise_numbers(record)


def _bad_value(f: Field) -> Any:
    if f.choices is not None or f.name == "building_use":
        return "not-a-choice"
    return {
        FieldType.STRING: 12,
        FieldType.TEXT: ["x"],
        FieldType.INTEGER: int(f.minimum) - 1 if f.minimum is not None else 1.5,
        FieldType.NUMBER: f.minimum - 1 if f.minimum is not None else "12",
        FieldType.BOOLEAN: "true",
        FieldType.DATE: "2023-02-29",
        FieldType.TIMESTAMP: "2025-03-18 09:00",
        FieldType.WARD: "131228",
        FieldType.WARD_LIST: ["131228"],
        FieldType.UID: "ABC",
        FieldType.STRING_LIST: [1],
        FieldType.UID_LIST: ["not-a-uid"],
        FieldType.ATTACHMENTS: [{"sha256": "00", "filename": "a", "media_type": "x", "size": 1}],
        FieldType.ROWS: [{"unknown": 1}] if any(c.required for c in f.columns) else ["row"],
    }[f.type]


@given(valid_records(), st.data())
@settings(max_examples=150, deadline=None)
def test_a_single_corrupted_field_is_refused_by_name(record: dict[str, Any], data) -> None:
    kind = record["type"]
    candidates = [f for f in fields_for(kind) if f.name != "certified_on"]
    f = data.draw(st.sampled_from(candidates))
    corrupted = {**record, f.name: _bad_value(f)}
    error = _refused(corrupted)
    assert error.field == f.name
    assert "\n" not in str(error)
