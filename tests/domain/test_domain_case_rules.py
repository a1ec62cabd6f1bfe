"""Impossible case figures are refused; unlikely ones are warned with a stable code."""

from __future__ import annotations

from typing import Any

import pytest

from zebkb.domain.validate import RecordError, assessment, case_warnings, validate_record

CASE: dict[str, Any] = {
    "uid": "1b2c3d4e-0000-4000-8000-000000000001",
    "origin": "131229",
    "created_at": "2025-03-18T09:00:00+09:00",
    "updated_at": "2025-03-18T09:00:00+09:00",
    "revision": 1,
    "title": "清掃事務所",
    "ward": "131229",
    "type": "case",
    "facility_name": "葛飾区清掃事務所",
    "project_type": "new",
    "building_use": "事務所等",
}


def _refused(patch: dict[str, Any], *, strict: bool = True) -> RecordError:
    with pytest.raises(RecordError) as info:
        validate_record({**CASE, **patch}, strict=strict)
    return info.value


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"bei": 0}, "bei"),
        ({"bei": -0.01}, "bei"),
        ({"reduction_excl_renewables_pct": 100}, "reduction_excl_renewables_pct"),
        ({"reduction_excl_renewables_pct": 100.1}, "reduction_excl_renewables_pct"),
        ({"reduction_excl_renewables_pct": -100.1}, "reduction_excl_renewables_pct"),
        ({"reduction_incl_renewables_pct": -100.1}, "reduction_incl_renewables_pct"),
        (
            {"reduction_excl_renewables_pct": 51, "reduction_incl_renewables_pct": 50.9},
            "reduction_incl_renewables_pct",
        ),
        ({"climate_zone": 0}, "climate_zone"),
        ({"climate_zone": 9}, "climate_zone"),
        ({"ua_value": 0}, "ua_value"),
        ({"solar_zone": "A6"}, "solar_zone"),
    ],
)
def test_impossible_values_are_refused(patch: dict[str, Any], field: str) -> None:
    for strict in (True, False):
        error = _refused(patch, strict=strict)
        assert error.field == field
        assert "\n" not in str(error) + error.line_ja()


@pytest.mark.parametrize(
    "patch",
    [
        {"bei": 0.001},
        {"reduction_excl_renewables_pct": 99.9, "reduction_incl_renewables_pct": 99.9},
        {"reduction_excl_renewables_pct": -100, "reduction_incl_renewables_pct": -100},
        {"reduction_excl_renewables_pct": 51, "reduction_incl_renewables_pct": 51},
        {"reduction_excl_renewables_pct": 60, "reduction_incl_renewables_pct": 130},
        {"climate_zone": 1},
        {"climate_zone": 8},
    ],
)
def test_possible_values_at_the_boundaries_pass(patch: dict[str, Any]) -> None:
    validate_record({**CASE, **patch})


def test_certified_rank_without_date_is_refused_when_typed_and_warned_from_a_bundle() -> None:
    typed = {
        "zeb_rank": "ZEB Ready",
        "rank_status": "certified",
        "reduction_excl_renewables_pct": 55,
    }
    error = _refused(typed, strict=False)
    assert error.field == "certified_on"
    assert "認証日" in error.line_ja()
    # A bundle (version 1 allowed it) still imports; the case carries a warning.
    record = validate_record({**CASE, **typed})
    assert "certified_without_date" in [w.code for w in case_warnings(record)]
    dated = validate_record({**CASE, **typed, "certified_on": "令和3年10月1日"}, strict=False)
    assert dated["certified_on"] == "2021-10-01"


def _codes(**patch: Any) -> list[str]:
    return [w.code for w in case_warnings({**CASE, **patch})]


def test_unlikely_values_are_warned() -> None:
    assert _codes(bei=1.5) == []
    assert "bei_unlikely" in _codes(bei=1.51)
    assert _codes(reduction_excl_renewables_pct=50, reduction_incl_renewables_pct=200) == []
    assert "incl_unlikely" in _codes(
        reduction_excl_renewables_pct=50, reduction_incl_renewables_pct=200.1
    )
    assert "excl_negative" in _codes(reduction_excl_renewables_pct=-0.5)
    assert _codes(reduction_excl_renewables_pct=0) == []
    assert "ua_unlikely" in _codes(ua_value=2.5, building_use="住宅")
    assert "climate_zone_ward" in _codes(climate_zone=5)
    assert "climate_zone_ward" not in _codes(climate_zone=5, ward="122033")


def test_rank_warnings_have_codes() -> None:
    assert _codes(zeb_rank="ZEB Ready", reduction_excl_renewables_pct=49.96) == ["rank_overstated"]
    assert _codes(zeb_rank="ZEH", reduction_excl_renewables_pct=60) == ["rank_other_family"]
    assert "rank_higher_may_apply" in _codes(
        zeb_rank="ZEB Oriented", reduction_excl_renewables_pct=55
    )


def test_gx_and_current_zeh_certification_dates() -> None:
    house = {
        "building_use": "住宅",
        "ua_value": 0.4,
        "reduction_excl_renewables_pct": 40,
        "reduction_incl_renewables_pct": 105,
        "rank_status": "certified",
    }
    assert "gx_before_start" in _codes(**house, zeb_rank="GX ZEH", certified_on="2027-03-31")
    assert "gx_before_start" not in _codes(**house, zeb_rank="GX ZEH", certified_on="2027-04-01")
    assert "zeh_after_end" in _codes(**house, zeb_rank="ZEH", certified_on="2028-04-01")
    assert "zeh_after_end" not in _codes(**house, zeb_rank="ZEH", certified_on="2028-03-31")


def test_assessment_for_scripts() -> None:
    result = assessment({**CASE, "zeb_rank": "ZEB Ready", "reduction_excl_renewables_pct": 49.96})
    assert result["stated_rank"] == "ZEB Ready"
    assert result["supported_rank"] is None
    assert result["overstated"] is True
    (warning,) = result["warnings"]
    assert warning["code"] == "rank_overstated"
    assert "49.96%（50%未満）" in warning["message_ja"]
    assert "49.96%" in warning["message_en"]
    unknown = assessment({**CASE, "building_use": "住宅", "reduction_excl_renewables_pct": 25})
    assert unknown["supported_rank"] is None
    assert unknown["confirmed"] is None
    assert "ua_value" in unknown["missing"]


def test_bei_follows_from_the_primary_energies_when_typed() -> None:
    typed = {**CASE, "standard_primary_energy_mj_m2": 1000, "design_primary_energy_mj_m2": 490}
    assert validate_record(typed, strict=False)["bei"] == 0.49
    # A bundle's record is kept as sent; the rank engine still reads the energies.
    assert validate_record(typed).get("bei") is None
    from zebkb.domain.ranks import supported_rank

    assert supported_rank(typed).rank == "ZEB Ready"
    assert "bei_energy_disagrees" in _codes(
        standard_primary_energy_mj_m2=1000, design_primary_energy_mj_m2=490, bei=0.6
    )
    assert (
        _codes(standard_primary_energy_mj_m2=1000, design_primary_energy_mj_m2=490, bei=0.49) == []
    )


def test_mixed_use_oriented_threshold_is_not_guessed() -> None:
    from zebkb.domain.ranks import supported_rank

    case = {
        "building_use": "事務所等",
        "reduction_excl_renewables_pct": 35,
        "floor_area_m2": 20_000,
        "uses_unevaluated_technology": True,
    }
    assert supported_rank(case).rank is None  # 35 % < 40 % for offices
    mixed = supported_rank({**case, "uses": ["事務所等 12000", "集会所等 8000"]})
    assert mixed.rank is None
    assert "複合用途" in mixed.reason_ja
    assert mixed.missing == ("uses",)
    # At 40 % every use qualifies, so the mix does not matter.
    assert supported_rank({**case, "uses": ["事務所等 1", "集会所等 1"],
                           "reduction_excl_renewables_pct": 40}).rank == "ZEB Oriented"  # fmt: skip


def test_coded_case_fields_accept_their_labels_when_typed() -> None:
    typed = {
        **CASE,
        "evaluation_method": "モデル建物法",
        "stage": "運用",
        "figures_basis": "実績値",
    }
    clean = validate_record(typed, strict=False)
    assert (clean["evaluation_method"], clean["stage"], clean["figures_basis"]) == (
        "model_building",
        "operation",
        "measured",
    )


def test_operation_by_fiscal_year() -> None:
    from zebkb.domain.validate import operation_year

    assert operation_year("2022 480 120") == (2022, 480.0, 120.0)
    assert operation_year("FY2023 455.5") == (2023, 455.5, None)
    assert operation_year("２０２４年度 ５００") == (2024, 500.0, None)
    assert operation_year("令和4年度 480") is None
    error = _refused({"operation": ["2022 480", "去年 500"]})
    assert error.field == "operation"
    assert "2行目" in error.line_ja()
    kept = {"design_primary_energy_mj_m2": 490, "standard_primary_energy_mj_m2": 1000}
    assert _codes(**kept, bei=0.49, operation=["2022 480 120", "2023 490"]) == []
    assert _codes(**kept, bei=0.49, operation=["2023 490.1"]) == ["operation_misses_design"]
