"""ZEH, ZEH-M and GX ZEH ranks with their conditions, and the rounding of printed figures.

The conditions are those of the ZEH definitions (zebkb/domain/ranks.py cites them):
envelope UA by climate zone, Nearly ZEH only in cold / low-insolation / heavy-snow
regions, ZEH Oriented only on small urban lots or in heavy snow.
"""

from __future__ import annotations

from typing import Any

import pytest

from zebkb.domain.ranks import check_rank, supported_rank, verdict_key

# A detached house in Katsushika (zone 6 by its ward) meeting the envelope exactly.
TOKYO = {"building_use": "住宅", "ward": "131229", "ua_value": 0.60}
SMALL_LOT = {"north_slant_zone": True, "lot_area_m2": 84.99, "storeys_above": 2}
NOT_NEARLY = {"solar_zone": "A4", "snow_depth_cm": 30}


def _rank(**case: Any) -> str | None:
    return supported_rank(case).rank


# The two examples: a Tokyo house at 20 % / 75 % is not Nearly ZEH, and at
# 20 % / 20 % it is not ZEH Oriented unless on a small urban lot.
def test_tokyo_house_is_not_nearly_zeh_by_figures_alone() -> None:
    result = supported_rank(
        {**TOKYO, "reduction_excl_renewables_pct": 20, "reduction_incl_renewables_pct": 75}
    )
    assert result.rank is None
    # Shown as 判定できません (the verdict beside the reason), not as "no rank".
    assert verdict_key(result) == "verdict.unassessed"
    assert "確認できません" in result.reason_ja
    assert "solar_zone" in result.missing
    decided = supported_rank(
        {
            **TOKYO,
            **NOT_NEARLY,
            "north_slant_zone": False,
            "reduction_excl_renewables_pct": 20,
            "reduction_incl_renewables_pct": 75,
        }
    )
    assert decided.rank is None
    assert decided.missing == ()
    assert "該当しません" in decided.reason_ja


def test_tokyo_house_is_zeh_oriented_only_on_a_small_lot() -> None:
    base = {**TOKYO, **NOT_NEARLY, "reduction_excl_renewables_pct": 20}
    assert _rank(**base, reduction_incl_renewables_pct=20) is None
    assert _rank(**base, **SMALL_LOT, reduction_incl_renewables_pct=20) == "ZEH Oriented"


@pytest.mark.parametrize(
    ("lot", "rank"),
    [
        ({"lot_area_m2": 84.99}, "ZEH Oriented"),
        ({"lot_area_m2": 85}, None),  # 85 m² is not "under 85"
        ({"storeys_above": 1}, None),  # single storey excluded
        ({"storeys_above": 3}, "ZEH Oriented"),
        ({"north_slant_zone": False}, None),
        ({"north_slant_zone": None}, None),
    ],
)
def test_small_urban_lot_boundaries(lot: dict[str, Any], rank: str | None) -> None:
    case = {**TOKYO, **NOT_NEARLY, **SMALL_LOT, "reduction_excl_renewables_pct": 25, **lot}
    assert _rank(**case) == rank


def test_unknown_lot_condition_is_cannot_be_assessed_not_a_guess() -> None:
    result = supported_rank({**TOKYO, "snow_depth_cm": 30, "reduction_excl_renewables_pct": 25})
    assert result.rank is None
    assert {"north_slant_zone", "lot_area_m2", "storeys_above"} <= set(result.missing)


@pytest.mark.parametrize(
    ("region", "rank"),
    [
        ({"climate_zone": 2, "ua_value": 0.40}, "Nearly ZEH"),
        ({"climate_zone": 1, "ua_value": 0.40}, "Nearly ZEH"),
        ({"climate_zone": 3, "ua_value": 0.50, **NOT_NEARLY}, None),
        ({"solar_zone": "A1", "snow_depth_cm": 0}, "Nearly ZEH"),
        ({"solar_zone": "A2"}, "Nearly ZEH"),
        ({"solar_zone": "A3", "snow_depth_cm": 99.9}, None),
        ({"solar_zone": "A3", "snow_depth_cm": 100}, "Nearly ZEH"),
    ],
)
def test_nearly_zeh_regions(region: dict[str, Any], rank: str | None) -> None:
    case = {
        **TOKYO,
        "north_slant_zone": False,
        "reduction_excl_renewables_pct": 20,
        "reduction_incl_renewables_pct": 75,
        **region,
    }
    assert _rank(**case) == rank


@pytest.mark.parametrize(
    ("zone", "ua", "rank"),
    [
        (6, 0.60, "ZEH"),
        (6, 0.61, None),
        (4, 0.60, "ZEH"),
        (7, 0.60, "ZEH"),
        (3, 0.50, "ZEH"),
        (3, 0.51, None),
        (2, 0.40, "ZEH"),
        (1, 0.41, None),
    ],
)
def test_envelope_limit_by_climate_zone(zone: int, ua: float, rank: str | None) -> None:
    case = {
        "building_use": "住宅",
        "climate_zone": zone,
        "ua_value": ua,
        "reduction_excl_renewables_pct": 20,
        "reduction_incl_renewables_pct": 100,
    }
    assert _rank(**case) == rank


def test_envelope_needs_zone_and_ua() -> None:
    # Outside the wards, no zone: cannot be assessed.
    away = supported_rank(
        {
            "building_use": "住宅",
            "ward": "122033",
            "ua_value": 0.5,
            "reduction_excl_renewables_pct": 30,
            "reduction_incl_renewables_pct": 110,
        }
    )
    assert away.rank is None
    assert "climate_zone" in away.missing
    no_ua = supported_rank(
        {
            "building_use": "住宅",
            "ward": "131229",
            "reduction_excl_renewables_pct": 30,
            "reduction_incl_renewables_pct": 110,
        }
    )
    assert no_ua.rank is None
    assert "ua_value" in no_ua.missing
    zone8 = supported_rank({**TOKYO, "climate_zone": 8, "reduction_excl_renewables_pct": 30})
    assert zone8.rank is None
    assert "ηAC" in zone8.reason_ja


def test_zeh_threshold_20_percent() -> None:
    case = {**TOKYO, "reduction_incl_renewables_pct": 100}
    assert _rank(**case, reduction_excl_renewables_pct=20) == "ZEH"
    assert _rank(**case, reduction_excl_renewables_pct=19.99) is None


def test_zeh_plus_needs_25_percent() -> None:
    case = {**TOKYO, "zeb_rank": "ZEH+", "reduction_incl_renewables_pct": 110}
    assert check_rank({**case, "reduction_excl_renewables_pct": 24.9}).overstated
    at_25 = check_rank({**case, "reduction_excl_renewables_pct": 25})
    assert not at_25.overstated
    assert at_25.confirmed is None  # the further measures are not recorded
    over_ua = check_rank({**case, "reduction_excl_renewables_pct": 30, "ua_value": 0.7})
    assert over_ua.overstated


@pytest.mark.parametrize(
    ("r_in", "rank"),
    [
        (100, "ZEH-M"),
        (99.9, "Nearly ZEH-M"),
        (75, "Nearly ZEH-M"),
        (74.9, "ZEH-M Ready"),
        (50, "ZEH-M Ready"),
        (49.9, "ZEH-M Oriented"),
        (20, "ZEH-M Oriented"),
    ],
)
def test_zeh_m_tiers(r_in: float, rank: str) -> None:
    case = {
        **TOKYO,
        "dwelling_type": "apartment",
        "reduction_excl_renewables_pct": 20,
        "reduction_incl_renewables_pct": r_in,
    }
    assert _rank(**case) == rank


def test_zeh_m_needs_20_percent_and_the_envelope() -> None:
    case = {**TOKYO, "dwelling_type": "apartment", "reduction_incl_renewables_pct": 100}
    assert _rank(**case, reduction_excl_renewables_pct=19.9) is None
    assert _rank(**{**case, "ua_value": 0.61}, reduction_excl_renewables_pct=30) is None
    # A stated ZEH-M rank on a house with no dwelling type reads it as an apartment.
    stated = check_rank(
        {**TOKYO, "zeb_rank": "ZEH-M Ready", "reduction_excl_renewables_pct": 20,
         "reduction_incl_renewables_pct": 60}
    )  # fmt: skip
    assert stated.confirmed is True
    assert stated.supported.rank == "ZEH-M Ready"


def test_gx_zeh_is_a_rank_refuted_below_35_percent_never_confirmed() -> None:
    case = {**TOKYO, "zeb_rank": "GX ZEH", "reduction_incl_renewables_pct": 105}
    low = check_rank({**case, "reduction_excl_renewables_pct": 34.9})
    assert low.overstated
    assert "35%未満" in low.message_ja
    ok = check_rank({**case, "reduction_excl_renewables_pct": 35})
    assert ok.confirmed is None
    assert not ok.overstated
    assert "2027年4月" in ok.message_ja
    plus = check_rank({**case, "zeb_rank": "GX ZEH+", "reduction_excl_renewables_pct": 40})
    assert plus.overstated  # 105 % < 115 %
    flat = check_rank(
        {**TOKYO, "zeb_rank": "GX ZEH-M Ready", "dwelling_type": "apartment",
         "reduction_excl_renewables_pct": 36, "reduction_incl_renewables_pct": 49}
    )  # fmt: skip
    assert flat.overstated


def test_a_lower_rank_that_does_not_apply_is_not_called_overstated() -> None:
    # A cold-region house at 20/80 is Nearly ZEH; "ZEH Oriented" does not apply there.
    result = check_rank(
        {
            "building_use": "住宅",
            "climate_zone": 2,
            "ua_value": 0.4,
            "north_slant_zone": False,
            "snow_depth_cm": 10,
            "zeb_rank": "ZEH Oriented",
            "reduction_excl_renewables_pct": 20,
            "reduction_incl_renewables_pct": 80,
        }
    )
    assert result.supported.rank == "Nearly ZEH"
    assert not result.overstated
    assert result.attention
    assert result.confirmed is False


# Rounding: what is printed is what was compared --------------------------------


def test_49_96_is_printed_below_50() -> None:
    result = check_rank(
        {
            "zeb_rank": "ZEB Ready",
            "building_use": "事務所等",
            "reduction_excl_renewables_pct": 49.96,
        }
    )
    assert result.overstated
    assert "49.96%（50%未満）" in result.message_ja
    assert "50%(" not in result.message_ja
    assert "49.96% reduction excluding renewables (< 50 %)" in result.message_en


def test_49_996_keeps_three_decimals_and_bei_derived_figures_agree() -> None:
    result = supported_rank({"reduction_excl_renewables_pct": 49.996})
    assert "49.996%" in result.reason_ja
    by_bei = supported_rank({"bei": 0.5004, "building_use": "事務所等"})
    assert by_bei.rank is None
    assert "49.96%" in by_bei.reason_ja


def test_japanese_writes_ijou_and_miman_not_symbols() -> None:
    ok = supported_rank({"reduction_excl_renewables_pct": 51, "reduction_incl_renewables_pct": 80})
    assert "50%以上" in ok.reason_ja
    assert "75%以上" in ok.reason_ja
    assert "≥" not in ok.reason_ja
    low = supported_rank({"reduction_excl_renewables_pct": 20})
    assert "30%未満" in low.reason_ja
    assert "<" not in low.reason_ja
